/** diff: compare files line by line (Myers' algorithm); normal output, or -u unified, or -q brief. */
import { stat, stdout } from '../../libc/index.ts';
import { fail, parseArgs, parseCount, usageError, type Spec } from '../lib/args.ts';
import { isoTime } from './_format.ts';
import { readInputText, splitLines } from './_io.ts';

const SPEC: Spec = {
  name: 'diff',
  usage: '[OPTION]... FILE1 FILE2',
  about: 'Compare FILE1 and FILE2 line by line (- is standard input). Status 0 if the same, 1 if different, 2 on trouble.',
  options: [
    ['-u', 'output 3 lines of unified context'],
    ['-U, --unified NUM', 'output NUM lines of unified context'],
    ['-q, --brief', 'report only when files differ'],
    ['-i, --ignore-case', 'ignore case differences in file contents'],
  ],
};

type Op = { kind: '=' | '-' | '+'; a: number; b: number };

/** The shortest edit script from a to b, as a list of keep/delete/insert steps. */
function editScript(a: string[], b: string[]): Op[] {
  const [n, m] = [a.length, b.length];
  const off = n + m + 1;
  const v = new Int32Array(2 * off + 1);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= n + m && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[k - 1 + off]! < v[k + 1 + off]!) ? v[k + 1 + off]! : v[k - 1 + off]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[k + off] = x;
      if (x >= n && y >= m) found = true;
      if (found) break;
    }
  }
  const ops: Op[] = [];
  let [x, y] = [n, m];
  for (let d = trace.length - 1; d >= 0; d--) {
    const t = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && t[k - 1 + off]! < t[k + 1 + off]!) ? k + 1 : k - 1;
    const prevX = t[prevK + off]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) ops.push({ kind: '=', a: --x, b: --y });
    if (d > 0) ops.push(x === prevX ? { kind: '+', a: x, b: --y } : { kind: '-', a: --x, b: y });
  }
  return ops.reverse();
}

const range = (start: number, count: number): string => (count > 1 ? `${start + 1},${start + count}` : `${start + count}`);

function normal(ops: Op[], a: string[], b: string[]): string {
  let out = '';
  for (let i = 0; i < ops.length; ) {
    if (ops[i]!.kind === '=') {
      i++;
      continue;
    }
    const start = ops[i]!;
    const del: number[] = [];
    const add: number[] = [];
    for (; i < ops.length && ops[i]!.kind !== '='; i++) {
      if (ops[i]!.kind === '-') del.push(ops[i]!.a);
      else add.push(ops[i]!.b);
    }
    const kind = del.length && add.length ? 'c' : del.length ? 'd' : 'a';
    out += `${range(start.a, del.length)}${kind}${range(start.b, add.length)}\n`;
    out += del.map((n) => `< ${a[n]}\n`).join('');
    if (kind === 'c') out += '---\n';
    out += add.map((n) => `> ${b[n]}\n`).join('');
  }
  return out;
}

function unified(ops: Op[], a: string[], b: string[], context: number): string {
  let out = '';
  const changes = ops.map((op, i) => (op.kind === '=' ? -1 : i)).filter((i) => i >= 0);
  for (let c = 0; c < changes.length; ) {
    const first = Math.max(0, changes[c]! - context);
    let last = changes[c]!;
    while (c < changes.length && changes[c]! - last <= 2 * context) last = changes[c++]!;
    const hunk = ops.slice(first, Math.min(ops.length, last + context + 1));
    const aCount = hunk.filter((o) => o.kind !== '+').length;
    const bCount = hunk.filter((o) => o.kind !== '-').length;
    const aStart = aCount ? hunk[0]!.a + 1 : hunk[0]!.a;
    const bStart = bCount ? hunk[0]!.b + 1 : hunk[0]!.b;
    const span = (start: number, count: number): string => (count === 1 ? `${start}` : `${start},${count}`);
    out += `@@ -${span(aStart, aCount)} +${span(bStart, bCount)} @@\n`;
    for (const op of hunk) out += op.kind === '+' ? `+${b[op.b]}\n` : op.kind === '-' ? `-${a[op.a]}\n` : ` ${a[op.a]}\n`;
  }
  return out;
}

function label(path: string): string {
  if (path === '-') return '-';
  const st = stat(path);
  return `${path}\t${isoTime(st.mtimeSec, st.mtimeNsec)}`;
}

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  if (opts.operands.length !== 2) {
    return usageError(SPEC, opts.operands.length < 2 ? `missing operand after '${opts.operands.at(-1) ?? 'diff'}'` : `extra operand '${opts.operands[2]}'`);
  }
  const context = opts.has('U') ? parseCount(opts.get('U')) : 3;
  if (context === null) return usageError(SPEC, `invalid context length '${opts.get('U')}'`);
  const [left, right] = opts.operands as [string, string];
  const texts: string[] = [];
  for (const path of [left, right]) {
    try {
      texts.push(readInputText(path));
    } catch (error) {
      fail('diff', path, error);
      return 2;
    }
  }
  if (texts[0] === texts[1]) return 0;
  const [a, b] = texts.map(splitLines) as [string[], string[]];
  const key = (s: string): string => (opts.has('i') ? s.toLowerCase() : s);
  const ops = editScript(a.map(key), b.map(key));
  if (ops.every((op) => op.kind === '=')) return 0;
  if (opts.has('q')) {
    stdout.write(`Files ${left} and ${right} differ\n`);
    return 1;
  }
  if (opts.has('u') || opts.has('U')) stdout.write(`--- ${label(left)}\n+++ ${label(right)}\n${unified(ops, a, b, context)}`);
  else stdout.write(normal(ops, a, b));
  return 1;
}
