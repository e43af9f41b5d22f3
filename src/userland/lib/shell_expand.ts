/**
 * Word expansion, in POSIX order: tilde, parameters (with the `${...}` operators), command
 * substitution, arithmetic, field splitting on IFS (only of unquoted expansion results), pathname
 * expansion (globbing against the filesystem through libc readdir) and quote removal. Patterns
 * (`case`, `${x#pat}`, globs) match with `*`, `?` and bracket expressions; quoted characters in
 * a pattern match only themselves. The shell supplies variables and command substitution through
 * `ExpandHost`; errors (`${x?}`, -u, bad arithmetic) throw ExpansionError.
 */
import { O_RDONLY, close, open, readAll, readdir } from '../../libc/index.ts';
import { ArithError, arith } from './shell_arith.ts';
import type { Command, Word, WordPart } from './shell_ast.ts';

export class ExpansionError extends Error {}

export interface ExpandHost {
  param(name: string): string | undefined;
  positionalParams(): string[];
  setVar(name: string, value: string): void;
  commandSubst(body: Command | null): string;
  nounset(): boolean;
  noglob(): boolean;
}

interface Field {
  s: string;
  pat: string;
  glob: boolean;
}

const GLOB_CHARS = /[*?[]/;
const escapePattern = (s: string): string => s.replace(/[\\*?[\]]/g, '\\$&');

class Builder {
  fields: Field[] = [];
  cur: Field | null = null;
  private lastDelim: 'none' | 'ws' = 'none';

  constructor(
    private readonly ifs: string,
    readonly split: boolean,
  ) {}

  private ensure(): Field {
    if (!this.cur) {
      this.cur = { s: '', pat: '', glob: false };
      this.fields.push(this.cur);
    }
    return this.cur;
  }

  quoted(text: string): void {
    const f = this.ensure();
    f.s += text;
    f.pat += escapePattern(text);
    this.lastDelim = 'none';
  }

  literal(text: string): void {
    const f = this.ensure();
    f.s += text;
    f.pat += text;
    if (GLOB_CHARS.test(text)) f.glob = true;
    this.lastDelim = 'none';
  }

  /** The result of an unquoted expansion: split on IFS (when splitting), globbed. */
  expanded(text: string): void {
    if (!this.split) {
      if (text === '') return;
      const f = this.ensure();
      f.s += text;
      f.pat += text;
      if (GLOB_CHARS.test(text)) f.glob = true;
      return;
    }
    for (const ch of text) {
      if (this.ifs.includes(ch)) {
        const ws = ch === ' ' || ch === '\t' || ch === '\n';
        if (ws) {
          if (this.cur) {
            this.cur = null;
            this.lastDelim = 'ws';
          }
        } else if (this.cur) {
          this.cur = null;
          this.lastDelim = 'none';
        } else if (this.lastDelim === 'ws') this.lastDelim = 'none';
        else this.fields.push({ s: '', pat: '', glob: false });
        continue;
      }
      const f = this.ensure();
      f.s += ch;
      f.pat += ch;
      if (GLOB_CHARS.test(ch)) f.glob = true;
      this.lastDelim = 'none';
    }
  }

  /** Ends the current field (between the words of "$@"). */
  breakField(): void {
    this.cur = null;
  }

  /** Starts a field even if nothing goes in it (a quoted empty string). */
  touch(): void {
    this.ensure();
  }
}

export class Expander {
  constructor(private readonly host: ExpandHost) {}

  private ifs(): string {
    const v = this.host.param('IFS');
    return v === undefined ? ' \t\n' : v;
  }

  /** Expands a word into fields (splitting and globbing). */
  fields(word: Word): string[] {
    const b = new Builder(this.ifs(), true);
    this.parts(word, b, false, true);
    const out: string[] = [];
    for (const f of b.fields) {
      if (f.glob && !this.host.noglob()) {
        const matches = glob(f.pat);
        if (matches.length > 0) {
          out.push(...matches);
          continue;
        }
      }
      out.push(f.s);
    }
    return out;
  }

  /** Expands words into an argument list. */
  words(words: Word[]): string[] {
    const out: string[] = [];
    for (const w of words) out.push(...this.fields(w));
    return out;
  }

  /** Expands a word to one string: no splitting or globbing (assignments, redirection targets, case words). */
  string(word: Word): string {
    const b = new Builder(this.ifs(), false);
    this.parts(word, b, false, true);
    return b.fields.map((f) => f.s).join(' ');
  }

  /** Expands a word to a pattern: quoted characters are escaped so they match only themselves. */
  pattern(word: Word): string {
    const b = new Builder(this.ifs(), false);
    this.parts(word, b, false, true);
    return b.fields.map((f) => f.pat).join(' ');
  }

  /** Expands a here-document body. */
  heredoc(word: Word): string {
    return this.string(word);
  }

  private parts(parts: WordPart[], b: Builder, inDq: boolean, first: boolean): void {
    parts.forEach((part, index) => {
      switch (part.k) {
        case 'lit': {
          let s = part.s;
          if (first && index === 0 && !inDq && s.startsWith('~')) s = this.tilde(s, parts.length === 1);
          if (inDq) b.quoted(s);
          else b.literal(s);
          break;
        }
        case 'sq':
          b.quoted(part.s);
          break;
        case 'dq':
          if (!part.parts.some((p) => p.k === 'param' && p.name === '@' && p.op === '')) b.touch();
          this.parts(part.parts, b, true, false);
          break;
        case 'param':
          this.param(part, b, inDq);
          break;
        case 'cmd': {
          const out = this.host.commandSubst(part.body).replace(/\n+$/, '');
          if (inDq) b.quoted(out);
          else b.expanded(out);
          break;
        }
        case 'arith': {
          const text = this.string(part.expr);
          let value: string;
          try {
            value = arith(text, { get: (n) => this.host.param(n), set: (n, v) => this.host.setVar(n, v) });
          } catch (error) {
            if (error instanceof ArithError) throw new ExpansionError(`arithmetic expression: ${error.message}: "${text.trim()}"`);
            throw error;
          }
          if (inDq) b.quoted(value);
          else b.expanded(value);
          break;
        }
      }
    });
  }

  private tilde(s: string, whole: boolean): string {
    const m = /^~([^/]*)/.exec(s)!;
    if (m[1] === '') {
      const home = this.host.param('HOME');
      return home === undefined ? s : home + s.slice(1);
    }
    void whole;
    const home = homeOf(m[1]!);
    return home === null ? s : home + s.slice(m[0].length);
  }

  private param(part: Extract<WordPart, { k: 'param' }>, b: Builder, inDq: boolean): void {
    const { name, op, arg } = part;
    if (name === '@' || name === '*') {
      if (part.length) return this.emit(String([...this.host.positionalParams().join(' ')].length), b, inDq); // dash: length of "$*"
      if (op === '' || op === '-' || op === ':-' || op === '+' || op === ':+' || op === '=' || op === ':=' || op === '?' || op === ':?') {
        const list = this.host.positionalParams();
        const isSet = list.length > 0 && !(op.startsWith(':') && list.join('') === '');
        if ((op.endsWith('-') || op.endsWith('=') || op.endsWith('?')) && op !== '' && !isSet) return this.parts(arg!, b, inDq, false);
        if (op.endsWith('+')) {
          if (isSet) this.parts(arg!, b, inDq, false);
          return;
        }
        return this.positional(name, list, b, inDq);
      }
    }
    let value = this.host.param(name);
    if (part.length) {
      if (value === undefined && this.host.nounset()) throw new ExpansionError(`${name}: parameter not set`);
      return this.emit(String([...(value ?? '')].length), b, inDq);
    }
    const unset = value === undefined || (op.startsWith(':') && value === '');
    switch (op) {
      case '':
        if (value === undefined && this.host.nounset() && name !== '@' && name !== '*') throw new ExpansionError(`${name}: parameter not set`);
        return this.emit(value ?? '', b, inDq);
      case '-': case ':-':
        if (unset) return this.parts(arg!, b, inDq, false);
        return this.emit(value!, b, inDq);
      case '=': case ':=':
        if (unset) {
          if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ExpansionError(`${name}: cannot assign in this way`);
          value = this.string(arg!);
          this.host.setVar(name, value);
        }
        return this.emit(value!, b, inDq);
      case '?': case ':?':
        if (unset) {
          const message = arg && arg.length ? this.string(arg) : value === undefined ? 'parameter not set' : 'parameter null or not set';
          throw new ExpansionError(`${name}: ${message}`);
        }
        return this.emit(value!, b, inDq);
      case '+': case ':+':
        if (!unset) this.parts(arg!, b, inDq, false);
        return;
      default: {
        if (value === undefined && this.host.nounset()) throw new ExpansionError(`${name}: parameter not set`);
        const v = value ?? '';
        const re = patternRegex(this.pattern(arg!));
        return this.emit(trim(v, re, op), b, inDq);
      }
    }
  }

  private positional(name: string, list: string[], b: Builder, inDq: boolean): void {
    if (inDq && name === '*') {
      const ifs = this.ifs();
      b.quoted(list.join(ifs === '' ? '' : ifs[0]));
      return;
    }
    list.forEach((p, i) => {
      if (i > 0) b.breakField();
      if (inDq) b.quoted(p);
      else b.expanded(p);
    });
  }

  private emit(value: string, b: Builder, inDq: boolean): void {
    if (inDq) b.quoted(value);
    else b.expanded(value);
  }
}

/** A user's home directory from /etc/passwd (`name:x:uid:gid:gecos:home:shell`), or null. */
function homeOf(user: string): string | null {
  try {
    const fd = open('/etc/passwd', O_RDONLY);
    try {
      const text = new TextDecoder().decode(readAll(fd));
      for (const line of text.split('\n')) {
        const fields = line.split(':');
        if (fields[0] === user && fields[5]) return fields[5];
      }
    } finally {
      close(fd);
    }
  } catch {
    // no passwd file
  }
  return user === 'root' ? '/root' : null;
}

function trim(value: string, re: RegExp, op: string): string {
  const n = value.length;
  switch (op) {
    case '#':
      for (let k = 0; k <= n; k++) if (re.test(value.slice(0, k))) return value.slice(k);
      return value;
    case '##':
      for (let k = n; k >= 0; k--) if (re.test(value.slice(0, k))) return value.slice(k);
      return value;
    case '%':
      for (let k = n; k >= 0; k--) if (re.test(value.slice(k))) return value.slice(0, k);
      return value;
    case '%%':
      for (let k = 0; k <= n; k++) if (re.test(value.slice(k))) return value.slice(0, k);
      return value;
  }
  return value;
}

const CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z', digit: '0-9', alnum: 'a-zA-Z0-9', upper: 'A-Z', lower: 'a-z', space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t', punct: '!-\\/:-@\\[-`{-~', xdigit: '0-9A-Fa-f', cntrl: '\\x00-\\x1f\\x7f', print: '\\x20-\\x7e', graph: '\\x21-\\x7e',
};

const reEscape = (c: string): string => c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** The regular-expression source for a shell pattern (with `\` escapes for quoted characters). */
export function patternSource(pat: string): string {
  let out = '';
  for (let i = 0; i < pat.length; i++) {
    const c = pat[i]!;
    if (c === '\\') {
      i++;
      out += reEscape(pat[i] ?? '\\');
    } else if (c === '*') out += '[\\s\\S]*';
    else if (c === '?') out += '[\\s\\S]';
    else if (c === '[') {
      const bracket = parseBracket(pat, i);
      if (bracket) {
        out += bracket.re;
        i = bracket.end;
      } else out += '\\[';
    } else out += reEscape(c);
  }
  return out;
}

/** A character as an escape that is literal anywhere in a JS character class (code-unit based, as the rest). */
const classChar = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * A bracket expression at `start` as a JS character class, or null when it is not closed (the `[`
 * is then literal). Every character is emitted as a `\uXXXX` escape so that no content can make
 * `new RegExp` throw; a range whose ends are out of order matches nothing (as dash and glibc fnmatch).
 */
function parseBracket(pat: string, start: number): { re: string; end: number } | null {
  let i = start + 1;
  let negate = false;
  if (pat[i] === '!' || pat[i] === '^') {
    negate = true;
    i++;
  }
  let body = '';
  let firstChar = true;
  // One element at `j`: a class name, an escaped or a plain character; null past the end.
  const element = (j: number): { cls?: string; ch?: string; next: number } | null => {
    if (j >= pat.length) return null;
    const c = pat[j]!;
    if (c === '[' && pat[j + 1] === ':') {
      const close = pat.indexOf(':]', j + 2);
      const cls = close > 0 ? CLASSES[pat.slice(j + 2, close)] : undefined;
      if (cls !== undefined) return { cls, next: close + 2 };
    }
    if (c === '\\') return j + 1 < pat.length ? { ch: pat[j + 1]!, next: j + 2 } : { ch: '\\', next: j + 1 };
    return { ch: c, next: j + 1 };
  };
  while (i < pat.length) {
    if (pat[i] === ']' && !firstChar) return { re: `[${negate ? '^' : ''}${body}]`, end: i };
    firstChar = false;
    const el = element(i)!;
    if (el.cls !== undefined) {
      body += el.cls;
      i = el.next;
      continue;
    }
    const lo = el.ch!;
    if (pat[el.next] === '-' && el.next + 1 < pat.length && pat[el.next + 1] !== ']') {
      const hi = element(el.next + 1)!;
      if (hi.ch !== undefined) {
        // An out-of-order range matches nothing: it adds nothing to the class.
        if (lo.charCodeAt(0) <= hi.ch.charCodeAt(0)) body += `${classChar(lo)}-${classChar(hi.ch)}`;
        i = hi.next;
        continue;
      }
    }
    body += classChar(lo);
    i = el.next;
  }
  return null;
}

export function patternRegex(pat: string): RegExp {
  return new RegExp(`^(?:${patternSource(pat)})$`);
}

/** True when `text` matches the shell pattern `pat`. */
export function matchPattern(pat: string, text: string): boolean {
  return patternRegex(pat).test(text);
}

const unescape = (s: string): string => s.replace(/\\(.)/g, '$1');

function hasMagic(component: string): boolean {
  for (let i = 0; i < component.length; i++) {
    const c = component[i]!;
    if (c === '\\') i++;
    else if (c === '*' || c === '?') return true;
    else if (c === '[' && parseBracket(component, i)) return true;
  }
  return false;
}

/** Pathname expansion: the sorted paths matching `pat`, or [] when none does. */
export function glob(pat: string): string[] {
  const absolute = pat.startsWith('/');
  const components = pat.split('/').filter((c, i) => c !== '' || i === 0);
  if (absolute) components.shift();
  let paths: string[] = [absolute ? '/' : ''];
  components.forEach((component, index) => {
    const last = index === components.length - 1;
    const next: string[] = [];
    for (const base of paths) {
      if (!hasMagic(component)) {
        next.push(base + unescape(component) + (last ? '' : '/'));
        continue;
      }
      let entries: string[];
      try {
        entries = readdir(base === '' ? '.' : base).map((d) => d.name);
      } catch {
        continue;
      }
      const re = patternRegex(component);
      const dotOk = component.startsWith('.') || component.startsWith('\\.');
      for (const name of entries.sort()) {
        if (name === '.' || name === '..') continue;
        if (name.startsWith('.') && !dotOk) continue;
        if (re.test(name)) next.push(base + name + (last ? '' : '/'));
      }
    }
    paths = next;
  });
  if (!hasMagic(pat)) return [];
  const result = paths.filter((p) => p !== '' && p !== '/').map((p) => (p.endsWith('/') && !pat.endsWith('/') ? p.slice(0, -1) : p));
  if (components.some((c, i) => !hasMagic(c) && i === components.length - 1)) return result.filter(pathExists);
  return result.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function pathExists(path: string): boolean {
  try {
    const slash = path.lastIndexOf('/');
    const dir = slash < 0 ? '.' : slash === 0 ? '/' : path.slice(0, slash);
    return readdir(dir).some((d) => d.name === path.slice(slash + 1));
  } catch {
    return false;
  }
}
