/**
 * find's expression language: a recursive-descent parser over the words after the paths, giving
 * one predicate function per expression. Options (-maxdepth, -mindepth, -depth) and the batches
 * of `-exec ... {} +` are collected on the parser for the walk to use.
 */
import { type Stat, environ, isDirectory, readdir, rmdir, stat, stdout, unlink } from '../../libc/index.ts';
import { baseName } from './_io.ts';
import { globRegExp } from './_match.ts';
import { runCommand } from './_system.ts';
import { typeChar } from './_format.ts';

export interface Visit {
  path: string;
  depth: number;
  st: Stat;
  prune: boolean;
}

export type Node = (v: Visit) => boolean;

export class Parser {
  pos = 0;
  hasAction = false;
  maxDepth = Infinity;
  minDepth = 0;
  depthFirst = false;
  readonly batches: { argv: string[]; paths: string[] }[] = [];
  constructor(private readonly words: string[]) {}

  private next(what: string): string {
    const word = this.words[this.pos++];
    if (word === undefined) throw new Error(`missing argument to '${what}'`);
    return word;
  }

  or(): Node {
    let left = this.and();
    while (this.words[this.pos] === '-o' || this.words[this.pos] === '-or') {
      this.pos++;
      const [a, b] = [left, this.and()];
      left = (v) => a(v) || b(v);
    }
    return left;
  }

  private and(): Node {
    let left = this.not();
    for (;;) {
      const word = this.words[this.pos];
      if (word === undefined || word === ')' || word === '-o' || word === '-or') return left;
      if (word === '-a' || word === '-and') this.pos++;
      const [a, b] = [left, this.not()];
      left = (v) => a(v) && b(v);
    }
  }

  private not(): Node {
    const word = this.words[this.pos];
    if (word === '!' || word === '-not') {
      this.pos++;
      const inner = this.not();
      return (v) => !inner(v);
    }
    return this.primary();
  }

  private primary(): Node {
    const word = this.next('expression');
    switch (word) {
      case '(': {
        const inner = this.or();
        if (this.words[this.pos++] !== ')') throw new Error("invalid expression; expected ')'");
        return inner;
      }
      case '-name': case '-iname': {
        const re = globRegExp(this.next(word), word === '-iname');
        return (v) => re.test(baseName(v.path));
      }
      case '-path': case '-wholename': {
        const re = globRegExp(this.next(word));
        return (v) => re.test(v.path);
      }
      case '-type': {
        const type = this.next(word);
        if (!/^[fdlpcbs]$/.test(type)) throw new Error(`Unknown argument to -type: ${type}`);
        return (v) => (typeChar(v.st.mode) === '-' ? 'f' : typeChar(v.st.mode)) === type;
      }
      case '-empty':
        return (v) => (isDirectory(v.st) ? readdir(v.path).filter((d) => d.name !== '.' && d.name !== '..').length === 0 : typeChar(v.st.mode) === '-' && v.st.size === 0);
      case '-size': {
        const text = this.next(word);
        const m = /^([-+]?)(\d+)([bckMG]?)$/.exec(text);
        if (!m) throw new Error(`invalid -size argument '${text}'`);
        const unit = { b: 512, '': 512, c: 1, k: 1024, M: 1 << 20, G: 1 << 30 }[m[3]!]!;
        const n = Number(m[2]);
        return (v) => {
          const size = Math.ceil(v.st.size / unit);
          return m[1] === '+' ? size > n : m[1] === '-' ? size < n : size === n;
        };
      }
      case '-newer': {
        const ref = stat(this.next(word));
        return (v) => v.st.mtimeSec + v.st.mtimeNsec / 1e9 > ref.mtimeSec + ref.mtimeNsec / 1e9;
      }
      case '-maxdepth': case '-mindepth': {
        const n = Number(this.next(word));
        if (!Number.isInteger(n) || n < 0) throw new Error(`invalid argument to ${word}`);
        if (word === '-maxdepth') this.maxDepth = n;
        else this.minDepth = n;
        return () => true;
      }
      case '-depth':
        this.depthFirst = true;
        return () => true;
      case '-true': return () => true;
      case '-false': return () => false;
      case '-prune':
        return (v) => (v.prune = true);
      case '-print': case '-print0': {
        this.hasAction = true;
        const end = word === '-print' ? '\n' : '\0';
        return (v) => {
          stdout.write(v.path + end);
          return true;
        };
      }
      case '-delete':
        this.hasAction = true;
        this.depthFirst = true;
        return (v) => {
          if (isDirectory(v.st)) rmdir(v.path);
          else unlink(v.path);
          return true;
        };
      case '-exec':
        return this.exec();
      default:
        throw new Error(word.startsWith('-') ? `unknown predicate '${word}'` : `paths must precede expression: '${word}'`);
    }
  }

  private exec(): Node {
    this.hasAction = true;
    const argv: string[] = [];
    for (let word = this.next('-exec'); word !== ';' && !(word === '+' && argv.at(-1) === '{}'); word = this.next('-exec')) argv.push(word);
    if (argv.length === 0) throw new Error("missing argument to '-exec'");
    if (this.words[this.pos - 1] === '+') {
      const batch = { argv: argv.slice(0, -1), paths: [] as string[] };
      this.batches.push(batch);
      return (v) => {
        batch.paths.push(v.path);
        return true;
      };
    }
    return (v) => {
      stdout.flush();
      return runCommand(argv.map((a) => a.replaceAll('{}', v.path)), environ.PATH) === 0;
    };
  }
}
