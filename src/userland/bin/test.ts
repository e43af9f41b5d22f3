/**
 * test (and `[`): evaluate a conditional expression. Strings (-n -z = != < >), integers (-eq -ne
 * -lt -le -gt -ge), files (-e -f -d -L -h -s -r -w -x -p -c -b -S, -nt -ot -ef), -t FD, and ! -a -o ( ).
 * Status 0 if true, 1 if false, 2 on a malformed expression.
 */
import { type Stat, eprint, getegid, geteuid, isatty, lstat, stat, stdout } from '../../libc/index.ts';
import { usageText, type Spec } from '../lib/args.ts';
import { typeChar } from './_format.ts';

const SPEC: Spec = {
  name: 'test',
  usage: 'EXPRESSION | [ EXPRESSION ]',
  about: 'Exit with the status determined by EXPRESSION: 0 if true, 1 if false, 2 if it is malformed.',
};

const UNARY = new Set(['-n', '-z', '-e', '-f', '-d', '-L', '-h', '-s', '-r', '-w', '-x', '-p', '-c', '-b', '-S', '-t']);
const BINARY = new Set(['=', '==', '!=', '<', '>', '-eq', '-ne', '-lt', '-le', '-gt', '-ge', '-nt', '-ot', '-ef']);

function statOf(path: string, follow = true): Stat | null {
  try {
    return follow ? stat(path) : lstat(path);
  } catch {
    return null;
  }
}

/** Permission check for -r -w -x from the mode bits (root may read and write anything). */
function allowed(st: Stat | null, bit: number): boolean {
  if (!st) return false;
  const uid = geteuid();
  if (uid === 0) return bit !== 1 || (st.mode & 0o111) !== 0;
  const shift = st.uid === uid ? 6 : st.gid === getegid() ? 3 : 0;
  return ((st.mode >> shift) & bit) !== 0;
}

function integer(text: string): number {
  if (!/^\s*[-+]?\d+\s*$/.test(text)) throw new Error(`${text}: integer expression expected`);
  return Number(text);
}

function unary(op: string, arg: string): boolean {
  const st = op === '-L' || op === '-h' ? statOf(arg, false) : statOf(arg);
  switch (op) {
    case '-n': return arg !== '';
    case '-z': return arg === '';
    case '-t': return isatty(integer(arg));
    case '-e': return st !== null;
    case '-s': return st !== null && st.size > 0;
    case '-r': return allowed(st, 4);
    case '-w': return allowed(st, 2);
    case '-x': return allowed(st, 1);
    default: return st !== null && typeChar(st.mode) === { '-f': '-', '-d': 'd', '-L': 'l', '-h': 'l', '-p': 'p', '-c': 'c', '-b': 'b', '-S': 's' }[op];
  }
}

function binary(left: string, op: string, right: string): boolean {
  switch (op) {
    case '=': case '==': return left === right;
    case '!=': return left !== right;
    case '<': return left < right;
    case '>': return left > right;
    case '-eq': return integer(left) === integer(right);
    case '-ne': return integer(left) !== integer(right);
    case '-lt': return integer(left) < integer(right);
    case '-le': return integer(left) <= integer(right);
    case '-gt': return integer(left) > integer(right);
    case '-ge': return integer(left) >= integer(right);
  }
  const [a, b] = [statOf(left), statOf(right)];
  const time = (s: Stat | null): number => (s ? s.mtimeSec + s.mtimeNsec / 1e9 : -Infinity);
  if (op === '-nt') return time(a) > time(b) && a !== null;
  if (op === '-ot') return time(a) < time(b) && b !== null;
  return a !== null && b !== null && a.dev === b.dev && a.ino === b.ino;
}

class Expression {
  private pos = 0;
  constructor(private readonly words: string[]) {}

  evaluate(): boolean {
    if (this.words.length === 0) return false;
    const value = this.or();
    if (this.pos < this.words.length) throw new Error(`extra argument '${this.words[this.pos]}'`);
    return value;
  }

  private or(): boolean {
    let value = this.and();
    while (this.words[this.pos] === '-o') {
      this.pos++;
      value = this.and() || value;
    }
    return value;
  }

  private and(): boolean {
    let value = this.not();
    while (this.words[this.pos] === '-a') {
      this.pos++;
      value = this.not() && value;
    }
    return value;
  }

  private not(): boolean {
    if (this.words[this.pos] === '!' && this.pos + 1 < this.words.length) {
      this.pos++;
      return !this.not();
    }
    return this.primary();
  }

  private primary(): boolean {
    const w = this.words;
    const word = w[this.pos];
    if (word === undefined) throw new Error('argument expected');
    if (w[this.pos + 1] !== undefined && BINARY.has(w[this.pos + 1]!) && w[this.pos + 2] !== undefined) {
      this.pos += 3;
      return binary(word, w[this.pos - 2]!, w[this.pos - 1]!);
    }
    if (word === '(' && w.length - this.pos > 1) {
      this.pos++;
      const value = this.or();
      if (w[this.pos++] !== ')') throw new Error("missing ')'");
      return value;
    }
    if (UNARY.has(word) && w[this.pos + 1] !== undefined) {
      this.pos += 2;
      return unary(word, w[this.pos - 1]!);
    }
    this.pos++;
    return word !== '';
  }
}

export function main(args: string[]): number {
  const name = (args[0] ?? 'test').split('/').pop()!;
  let words = args.slice(1);
  if (name === '[') {
    if (words.length === 1 && words[0] === '--help') {
      stdout.write(usageText(SPEC));
      return 0;
    }
    if (words.at(-1) !== ']') {
      eprint("[: missing ']'");
      return 2;
    }
    words = words.slice(0, -1);
  }
  try {
    return new Expression(words).evaluate() ? 0 : 1;
  } catch (error) {
    if (!(error instanceof Error) || 'errno' in error) throw error;
    eprint(`${name}: ${error.message}`);
    return 2;
  }
}
