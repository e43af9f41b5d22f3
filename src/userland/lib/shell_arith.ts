/**
 * Shell arithmetic, `$((...))`: C's integer expression grammar on 64-bit signed integers
 * (BigInt, wrapped as intmax_t would be): literals (decimal, 0x hex, 0 octal), variables (an
 * unset or empty one is 0), unary + - ! ~, ++/-- prefix and postfix, * / % + - << >> < <= > >=
 * == != & ^ | && || ?: and the assignments = += -= *= /= %= <<= >>= &= ^= |=, and the comma.
 * `&&`, `||` and `?:` evaluate only the side they need. Errors throw ArithError.
 */

export class ArithError extends Error {}

export interface ArithVars {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

const wrap = (v: bigint): bigint => BigInt.asIntN(64, v);

type Tok = { k: 'num'; v: bigint } | { k: 'name'; v: string } | { k: 'op'; v: string };

const OPS = ['<<=', '>>=', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+=', '-=', '*=', '/=', '%=', '&=', '^=', '|=',
  '+', '-', '*', '/', '%', '<', '>', '&', '^', '|', '!', '~', '?', ':', '=', '(', ')', ','];

function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(0[xX][0-9a-fA-F]+|[0-9]+)/.exec(text.slice(i));
    if (num) {
      const s = num[0];
      if (/^[0-9a-zA-Z_]/.test(text[i + s.length] ?? '')) throw new ArithError(`${text.slice(i)}: invalid number`);
      let v: bigint;
      if (/^0[xX]/.test(s)) v = BigInt(s);
      else if (s.length > 1 && s[0] === '0') {
        if (/[89]/.test(s)) throw new ArithError(`${s}: invalid octal number`);
        v = BigInt('0o' + s.slice(1));
      } else v = BigInt(s);
      out.push({ k: 'num', v: wrap(v) });
      i += s.length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (name) {
      out.push({ k: 'name', v: name[0] });
      i += name[0].length;
      continue;
    }
    const op = OPS.find((o) => text.startsWith(o, i));
    if (!op) throw new ArithError(`syntax error: '${text.slice(i)}'`);
    out.push({ k: 'op', v: op });
    i += op.length;
  }
  return out;
}

const BINARY: Record<string, number> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '<=': 7, '>': 7, '>=': 7,
  '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
};

function apply(op: string, a: bigint, b: bigint): bigint {
  switch (op) {
    case '+': return wrap(a + b);
    case '-': return wrap(a - b);
    case '*': return wrap(a * b);
    case '/': case '%':
      if (b === 0n) throw new ArithError('division by zero');
      return wrap(op === '/' ? a / b : a % b);
    case '<<': return wrap(a << (b & 63n));
    case '>>': return a >> (b & 63n);
    case '<': return a < b ? 1n : 0n;
    case '<=': return a <= b ? 1n : 0n;
    case '>': return a > b ? 1n : 0n;
    case '>=': return a >= b ? 1n : 0n;
    case '==': return a === b ? 1n : 0n;
    case '!=': return a !== b ? 1n : 0n;
    case '&': return a & b;
    case '^': return a ^ b;
    case '|': return a | b;
    default: throw new ArithError(`unknown operator ${op}`);
  }
}

class Evaluator {
  private i = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly vars: ArithVars,
  ) {}

  run(): bigint {
    if (this.toks.length === 0) return 0n;
    const v = this.comma(true);
    if (this.i < this.toks.length) throw new ArithError(`syntax error: unexpected '${this.toks[this.i]!.v}'`);
    return v;
  }

  private peek(): Tok | undefined {
    return this.toks[this.i];
  }

  private isOp(v: string): boolean {
    const t = this.peek();
    return t !== undefined && t.k === 'op' && t.v === v;
  }

  private value(name: string): bigint {
    const text = this.vars.get(name);
    if (text === undefined || text.trim() === '') return 0n;
    const toks = tokenize(text);
    return new Evaluator(toks, this.vars).run();
  }

  private comma(ev: boolean): bigint {
    let v = this.assign(ev);
    while (this.isOp(',')) {
      this.i++;
      v = this.assign(ev);
    }
    return v;
  }

  private assign(ev: boolean): bigint {
    const t = this.peek();
    const next = this.toks[this.i + 1];
    if (t?.k === 'name' && next?.k === 'op' && /^([-+*/%&^|]|<<|>>)?=$/.test(next.v)) {
      this.i += 2;
      const rhs = this.assign(ev);
      if (!ev) return 0n;
      const v = next.v === '=' ? rhs : apply(next.v.slice(0, -1), this.value(t.v), rhs);
      this.vars.set(t.v, String(v));
      return v;
    }
    return this.ternary(ev);
  }

  private ternary(ev: boolean): bigint {
    const cond = this.binary(1, ev);
    if (!this.isOp('?')) return cond;
    this.i++;
    const a = this.comma(ev && cond !== 0n);
    if (!this.isOp(':')) throw new ArithError("expected ':'");
    this.i++;
    const b = this.ternary(ev && cond === 0n);
    return cond !== 0n ? a : b;
  }

  private binary(level: number, ev: boolean): bigint {
    if (level > 10) return this.unary(ev);
    let left = this.binary(level + 1, ev);
    for (;;) {
      const t = this.peek();
      if (t?.k !== 'op' || BINARY[t.v] !== level) return left;
      this.i++;
      if (t.v === '&&' || t.v === '||') {
        const short = t.v === '&&' ? left === 0n : left !== 0n;
        const right = this.binary(level + 1, ev && !short);
        left = short ? (t.v === '||' ? 1n : 0n) : right !== 0n ? 1n : 0n;
      } else {
        const right = this.binary(level + 1, ev);
        left = ev ? apply(t.v, left, right) : 0n;
      }
    }
  }

  private unary(ev: boolean): bigint {
    const t = this.peek();
    if (t?.k === 'op') {
      if (t.v === '++' || t.v === '--') {
        this.i++;
        const n = this.peek();
        if (n?.k !== 'name') throw new ArithError(`'${t.v}' needs a variable`);
        this.i++;
        if (!ev) return 0n;
        const v = wrap(this.value(n.v) + (t.v === '++' ? 1n : -1n));
        this.vars.set(n.v, String(v));
        return v;
      }
      if (['+', '-', '!', '~'].includes(t.v)) {
        this.i++;
        const v = this.unary(ev);
        return t.v === '+' ? v : t.v === '-' ? wrap(-v) : t.v === '!' ? (v === 0n ? 1n : 0n) : ~v;
      }
    }
    return this.postfix(ev);
  }

  private postfix(ev: boolean): bigint {
    const t = this.peek();
    if (t === undefined) throw new ArithError('syntax error: expression expected');
    this.i++;
    if (t.k === 'num') return t.v;
    if (t.k === 'name') {
      if (this.isOp('++') || this.isOp('--')) {
        const op = this.peek()!.v;
        this.i++;
        if (!ev) return 0n;
        const v = this.value(t.v);
        this.vars.set(t.v, String(wrap(v + (op === '++' ? 1n : -1n))));
        return v;
      }
      return ev ? this.value(t.v) : 0n;
    }
    if (t.v === '(') {
      const v = this.comma(ev);
      if (!this.isOp(')')) throw new ArithError("expected ')'");
      this.i++;
      return v;
    }
    throw new ArithError(`syntax error: unexpected '${t.v}'`);
  }
}

/** Evaluates an arithmetic expression (already expanded) and returns its value as text. */
export function arith(text: string, vars: ArithVars): string {
  return String(new Evaluator(tokenize(text), vars).run());
}
