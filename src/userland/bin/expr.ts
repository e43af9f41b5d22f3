/**
 * expr: evaluate an expression: `|` `&`, comparisons `< <= = == != >= >`, `+ -`, `* / %`,
 * `STRING : REGEX` (anchored, basic regex; prints the \(group\) or the match length), and
 * match / substr / index / length. Status 0 if the result is neither null nor 0, 1 if it is, 2 on error.
 */
import { eprint, stdout } from '../../libc/index.ts';
import { usageText, type Spec } from '../lib/args.ts';
import { regexSource } from './_match.ts';

const SPEC: Spec = { name: 'expr', usage: 'EXPRESSION', about: 'Print the value of EXPRESSION to standard output.' };

type Value = string;
const isInt = (v: Value): boolean => /^[-+]?\d+$/.test(v);
const isNull = (v: Value): boolean => v === '' || (isInt(v) && Number(v) === 0);

class Parser {
  private pos = 0;
  constructor(private readonly words: string[]) {}

  parse(): Value {
    const value = this.or();
    if (this.pos < this.words.length) throw new Error(`syntax error: unexpected argument '${this.words[this.pos]}'`);
    return value;
  }

  /** Consumes and returns the next word if it is one of `ops`. */
  private peek(...ops: string[]): string | undefined {
    const w = this.words[this.pos];
    if (w === undefined || !ops.includes(w)) return undefined;
    this.pos++;
    return w;
  }

  private or(): Value {
    let left = this.and();
    while (this.peek('|')) {
      const right = this.and();
      left = isNull(left) ? (isNull(right) ? '0' : right) : left;
    }
    return left;
  }

  private and(): Value {
    let left = this.compare();
    while (this.peek('&')) {
      const right = this.compare();
      left = isNull(left) || isNull(right) ? '0' : left;
    }
    return left;
  }

  private compare(): Value {
    let left = this.sum();
    for (let op = this.peek('<', '<=', '=', '==', '!=', '>=', '>'); op; op = this.peek('<', '<=', '=', '==', '!=', '>=', '>')) {
      const right = this.sum();
      const c = isInt(left) && isInt(right) ? Math.sign(Number(left) - Number(right)) : left < right ? -1 : left > right ? 1 : 0;
      const result = { '<': c < 0, '<=': c <= 0, '=': c === 0, '==': c === 0, '!=': c !== 0, '>=': c >= 0, '>': c > 0 }[op]!;
      left = result ? '1' : '0';
    }
    return left;
  }

  private int(v: Value): bigint {
    if (!isInt(v)) throw new Error('non-integer argument');
    return BigInt(v);
  }

  private sum(): Value {
    let left = this.product();
    for (let op = this.peek('+', '-'); op; op = this.peek('+', '-')) {
      const right = this.product();
      left = String(op === '+' ? this.int(left) + this.int(right) : this.int(left) - this.int(right));
    }
    return left;
  }

  private product(): Value {
    let left = this.match();
    for (let op = this.peek('*', '/', '%'); op; op = this.peek('*', '/', '%')) {
      const [a, b] = [this.int(left), this.int(this.match())];
      if (op !== '*' && b === 0n) throw new Error('division by zero');
      left = String(op === '*' ? a * b : op === '/' ? a / b : a % b);
    }
    return left;
  }

  private match(): Value {
    let left = this.primary();
    while (this.peek(':')) left = regexMatch(left, this.primary());
    return left;
  }

  private primary(): Value {
    const word = this.words[this.pos++];
    if (word === undefined) throw new Error('syntax error: missing argument');
    if (word === '(') {
      const value = this.or();
      if (this.words[this.pos++] !== ')') throw new Error("syntax error: expecting ')'");
      return value;
    }
    const arg = (): Value => this.primary();
    switch (word) {
      case 'match': return regexMatch(arg(), arg());
      case 'length': return String([...arg()].length);
      case 'index': {
        const [text, chars] = [arg(), arg()];
        const at = [...text].findIndex((c) => chars.includes(c));
        return String(at + 1);
      }
      case 'substr': {
        const [text, pos, len] = [[...arg()], Number(this.int(arg())), Number(this.int(arg()))];
        return pos < 1 || len < 1 ? '' : text.slice(pos - 1, pos - 1 + len).join('');
      }
      case '+': return arg();
    }
    return word;
  }
}

function regexMatch(text: Value, pattern: Value): Value {
  const m = new RegExp(`^(?:${regexSource(pattern, false)})`).exec(text);
  if (/\\\(/.test(pattern)) return m?.[1] ?? '';
  return String(m ? m[0].length : 0);
}

export function main(args: string[]): number {
  if (args[1] === '--help' && args.length === 2) {
    stdout.write(usageText(SPEC));
    return 0;
  }
  try {
    const value = new Parser(args.slice(args[1] === '--' ? 2 : 1)).parse();
    stdout.write(value + '\n');
    return isNull(value) ? 1 : 0;
  } catch (error) {
    if (!(error instanceof Error) || 'errno' in error) throw error;
    eprint(`expr: ${error.message}`);
    return 2;
  }
}
