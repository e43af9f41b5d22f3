/**
 * The shell's parser: a scannerless recursive-descent parser over the source text for the POSIX
 * grammar (lists, and-or lists, pipelines, simple and compound commands, function definitions,
 * redirections and here-documents). `Parser.next()` returns one complete command at a time, so the
 * caller runs it before parsing the next (an alias defined on one line applies to the next, and a
 * syntax error further down does not stop what came before). Words keep their quoting as parts
 * (shell_ast.ts); expansion happens at run time. Errors carry line and column; an error that more
 * input could fix is marked `incomplete` (the interactive shell then asks for another line).
 */
import type { Assign, Command, Redir, RedirOp, Word, WordPart } from './shell_ast.ts';

export class ShellSyntaxError extends Error {
  constructor(
    readonly detail: string,
    readonly line: number,
    readonly column: number,
    readonly incomplete = false,
  ) {
    super(`syntax error at line ${line}, column ${column}: ${detail}`);
  }
}

const OPERATORS = ['&&', '||', ';;', '<<-', '<<', '>>', '<&', '>&', '<>', '>|', ';', '&', '|', '(', ')', '<', '>', '\n'];
const META = ' \t\n;&|<>()';
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'case', 'esac', 'while', 'until', 'for', '{', '}', '!', 'in']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

interface PendingHeredoc {
  redir: Redir;
  delim: string;
  strip: boolean;
  quoted: boolean;
}

type WordMode = 'normal' | 'brace' | 'arith' | 'heredoc';

export class Parser {
  private i = 0;
  private heredocs: PendingHeredoc[] = [];
  /** Alias expansions in progress: text up to `end` came from alias `name`. */
  private expanding: { name: string; end: number }[] = [];
  /** Inside "...": single quotes in a `${...}` word are plain characters there. */
  private inDq = false;

  constructor(
    private src: string,
    private readonly aliases: (name: string) => string | undefined = () => undefined,
    private readonly firstLine = 1,
  ) {}

  /** The next complete command, or null at the end of the text. */
  next(): Command | null {
    this.skipBlankLines();
    if (this.i >= this.src.length) return null;
    const items: { cmd: Command; bg: boolean }[] = [];
    for (;;) {
      const cmd = this.andOr();
      const op = this.peekOp();
      if (op === ';' || op === '&') {
        this.i++;
        if (op === '&' && this.peekOp() === ';') this.i++; // `cmd &;` (lenient: dash refuses it)
        items.push({ cmd, bg: op === '&' });
        const after = this.peekOp();
        if (after === '\n' || this.atEnd()) break;
        continue;
      }
      items.push({ cmd, bg: false });
      if (op === '\n' || this.atEnd()) break;
      this.fail(`unexpected ${this.describeHere()}`);
    }
    if (this.peekOp() === '\n') this.newline();
    else if (this.atEnd()) this.readHeredocs();
    return items.length === 1 && !items[0]!.bg ? items[0]!.cmd : { t: 'list', items };
  }

  /** Parses the whole text into one list. */
  all(): Command {
    const items: { cmd: Command; bg: boolean }[] = [];
    for (let c = this.next(); c; c = this.next()) {
      if (c.t === 'list') items.push(...c.items);
      else items.push({ cmd: c, bg: false });
    }
    return { t: 'list', items };
  }

  /** Parses a here-document body with expansions (`$`, backquotes, and `\` before `$ \` \\`). */
  static heredocBody(text: string): Word {
    const p = new Parser(text);
    return p.wordParts('heredoc');
  }

  // ---- positions and errors

  private atEnd(): boolean {
    this.skipSpace();
    return this.i >= this.src.length;
  }

  private position(at: number): [number, number] {
    let line = this.firstLine;
    let lineStart = 0;
    for (let k = 0; k < at && k < this.src.length; k++) {
      if (this.src[k] === '\n') {
        line++;
        lineStart = k + 1;
      }
    }
    return [line, at - lineStart + 1];
  }

  private fail(message: string, at = this.i, incomplete = false): never {
    const [line, column] = this.position(at);
    throw new ShellSyntaxError(message, line, column, incomplete);
  }

  private failEnd(what: string): never {
    this.fail(`unexpected end of input (expected ${what})`, this.src.length, true);
  }

  private describeHere(): string {
    if (this.i >= this.src.length) return 'end of input';
    const op = this.peekOp();
    if (op) return op === '\n' ? 'newline' : `'${op}'`;
    const m = /^[^ \t\n;&|<>()]+/.exec(this.src.slice(this.i));
    return `'${m ? m[0] : this.src[this.i]}'`;
  }

  // ---- low-level scanning

  private skipSpace(): void {
    for (;;) {
      const c = this.src[this.i];
      if (c === ' ' || c === '\t') this.i++;
      else if (c === '\\' && this.src[this.i + 1] === '\n') this.i += 2;
      else if (c === '#') {
        while (this.i < this.src.length && this.src[this.i] !== '\n') this.i++;
      } else return;
    }
  }

  private skipBlankLines(): void {
    for (;;) {
      this.skipSpace();
      if (this.src[this.i] === '\n') this.newline();
      else return;
    }
  }

  private peekOp(): string | null {
    this.skipSpace();
    for (const op of OPERATORS) if (this.src.startsWith(op, this.i)) return op;
    return null;
  }

  private expectOp(op: string, context: string): void {
    if (this.peekOp() !== op) {
      if (this.atEnd()) this.failEnd(`'${op}' ${context}`);
      this.fail(`expected '${op}' ${context}, found ${this.describeHere()}`);
    }
    this.i += op.length;
  }

  /** Consumes a newline and reads the bodies of the here-documents started on its line. */
  private newline(): void {
    this.i++;
    this.readHeredocs();
  }

  private readHeredocs(): void {
    const pending = this.heredocs;
    this.heredocs = [];
    for (const h of pending) {
      let body = '';
      for (;;) {
        if (this.i >= this.src.length) break;
        let end = this.src.indexOf('\n', this.i);
        if (end < 0) end = this.src.length;
        let line = this.src.slice(this.i, end);
        this.i = Math.min(end + 1, this.src.length);
        if (h.strip) line = line.replace(/^\t+/, '');
        if (line === h.delim) break;
        body += line + '\n';
      }
      h.redir.heredoc = { body: h.quoted ? [{ k: 'sq', s: body }] : Parser.heredocBody(body), quoted: h.quoted };
    }
  }

  /** True when the next word is exactly `word` (a reserved word in command position). */
  private isWord(word: string): boolean {
    this.skipSpace();
    if (!this.src.startsWith(word, this.i)) return false;
    const after = this.src[this.i + word.length];
    return after === undefined || META.includes(after);
  }

  private takeWord(word: string, context: string): void {
    this.skipBlankLines();
    if (!this.isWord(word)) {
      if (this.i >= this.src.length) this.failEnd(`'${word}' ${context}`);
      this.fail(`expected '${word}' ${context}, found ${this.describeHere()}`);
    }
    this.i += word.length;
  }

  // ---- grammar

  private andOr(): Command {
    const first = this.pipeline();
    const rest: { op: '&&' | '||'; cmd: Command }[] = [];
    for (;;) {
      const op = this.peekOp();
      if (op !== '&&' && op !== '||') break;
      this.i += 2;
      this.skipBlankLines();
      if (this.i >= this.src.length) this.failEnd(`a command after '${op}'`);
      rest.push({ op, cmd: this.pipeline() });
    }
    return rest.length ? { t: 'andor', first, rest } : first;
  }

  private pipeline(): Command {
    let neg = false;
    if (this.isWord('!')) {
      this.i++;
      neg = true;
    }
    const cmds = [this.command()];
    while (this.peekOp() === '|') {
      this.i++;
      this.skipBlankLines();
      if (this.i >= this.src.length) this.failEnd("a command after '|'");
      cmds.push(this.command());
    }
    return cmds.length === 1 && !neg ? cmds[0]! : { t: 'pipeline', cmds, neg };
  }

  /** A compound list ended by one of `enders` (reserved words or operators), not consumed. */
  private compoundList(enders: string[], context: string, allowEmpty = false): Command {
    const items: { cmd: Command; bg: boolean }[] = [];
    for (;;) {
      this.skipBlankLines();
      if (this.i >= this.src.length) this.failEnd(`${enders.map((e) => `'${e}'`).join(' or ')} ${context}`);
      if (enders.some((e) => (/^[a-z{}!]/.test(e) ? this.isWord(e) : this.peekOp() === e))) break;
      const cmd = this.andOr();
      const op = this.peekOp();
      if (op === ';' || op === '&') {
        this.i++;
        if (op === '&' && this.peekOp() === ';') this.i++;
        items.push({ cmd, bg: op === '&' });
      } else if (op === '\n') {
        items.push({ cmd, bg: false });
      } else {
        items.push({ cmd, bg: false });
        if (this.i >= this.src.length) this.failEnd(`${enders.map((e) => `'${e}'`).join(' or ')} ${context}`);
        if (!enders.some((e) => (/^[a-z{}!]/.test(e) ? this.isWord(e) : op === e))) {
          this.fail(`unexpected ${this.describeHere()} (expected ${enders.map((e) => `'${e}'`).join(' or ')} ${context})`);
        }
      }
    }
    if (items.length === 0 && !allowEmpty) this.fail(`unexpected ${this.describeHere()}: expected a command ${context}`);
    return items.length === 1 && !items[0]!.bg ? items[0]!.cmd : { t: 'list', items };
  }

  private command(): Command {
    this.skipSpace();
    const start = this.i;
    if (this.peekOp() === '(') {
      this.i++;
      const body = this.compoundList([')'], "to close '('");
      this.expectOp(')', "to close '('");
      return { t: 'subshell', body, redirs: this.redirs() };
    }
    if (this.isWord('{')) {
      this.i++;
      const body = this.compoundList(['}'], "to close '{'");
      this.takeWord('}', "to close '{'");
      return { t: 'group', body, redirs: this.redirs() };
    }
    if (this.isWord('if')) return this.ifCommand();
    if (this.isWord('while') || this.isWord('until')) {
      const until = this.isWord('until');
      this.i += 5;
      const cond = this.compoundList(['do'], `after '${until ? 'until' : 'while'}'`);
      this.takeWord('do', `after '${until ? 'until' : 'while'}'`);
      const body = this.compoundList(['done'], "to close 'do'");
      this.takeWord('done', "to close 'do'");
      return { t: 'loop', until, cond, body, redirs: this.redirs() };
    }
    if (this.isWord('for')) return this.forCommand();
    if (this.isWord('case')) return this.caseCommand();
    for (const word of ['then', 'else', 'elif', 'fi', 'do', 'done', 'esac', '}', 'in']) {
      if (this.isWord(word)) this.fail(`unexpected '${word}'`);
    }
    const op = this.peekOp();
    if (op && !/^[<>]/.test(op) && op !== '<<' && op !== '<<-') {
      if (op === '\n' && this.i >= this.src.length - 1) this.failEnd('a command');
      this.fail(`unexpected ${this.describeHere()}: expected a command`);
    }
    if (this.i >= this.src.length) this.failEnd('a command');
    return this.simple(start);
  }

  private ifCommand(): Command {
    this.i += 2;
    const clauses: { cond: Command; body: Command }[] = [];
    let otherwise: Command | null = null;
    for (;;) {
      const cond = this.compoundList(['then'], "after 'if'");
      this.takeWord('then', "after 'if'");
      const body = this.compoundList(['elif', 'else', 'fi'], "after 'then'");
      clauses.push({ cond, body });
      if (this.isWord('elif')) {
        this.i += 4;
        continue;
      }
      if (this.isWord('else')) {
        this.i += 4;
        otherwise = this.compoundList(['fi'], "after 'else'");
      }
      this.takeWord('fi', "to close 'if'");
      return { t: 'if', clauses, else: otherwise, redirs: this.redirs() };
    }
  }

  private forCommand(): Command {
    this.i += 3;
    this.skipSpace();
    const m = NAME.exec(this.src.slice(this.i));
    if (!m) {
      if (this.i >= this.src.length) this.failEnd("a variable name after 'for'");
      this.fail(`expected a variable name after 'for', found ${this.describeHere()}`);
    }
    this.i += m[0].length;
    let words: Word[] | null = null;
    this.skipBlankLines();
    if (this.isWord('in')) {
      this.i += 2;
      words = [];
      for (;;) {
        this.skipSpace();
        const op = this.peekOp();
        if (op === ';' || op === '\n') {
          this.i++;
          if (op === '\n') this.readHeredocs();
          break;
        }
        if (this.i >= this.src.length) this.failEnd("'do' after 'for'");
        if (op) this.fail(`unexpected ${this.describeHere()} in 'for'`);
        words.push(this.wordParts('normal'));
      }
    } else if (this.peekOp() === ';') this.i++;
    this.takeWord('do', "after 'for'");
    const body = this.compoundList(['done'], "to close 'do'");
    this.takeWord('done', "to close 'do'");
    return { t: 'for', name: m[0], words, body, redirs: this.redirs() };
  }

  private caseCommand(): Command {
    this.i += 4;
    this.skipSpace();
    if (this.atEnd()) this.failEnd("a word after 'case'");
    const word = this.wordParts('normal');
    this.takeWord('in', "after 'case WORD'");
    const items: { patterns: Word[]; body: Command | null }[] = [];
    for (;;) {
      this.skipBlankLines();
      if (this.isWord('esac')) {
        this.i += 4;
        break;
      }
      if (this.i >= this.src.length) this.failEnd("'esac' to close 'case'");
      if (this.peekOp() === '(') this.i++;
      const patterns: Word[] = [];
      for (;;) {
        this.skipSpace();
        if (this.peekOp()) this.fail(`expected a pattern, found ${this.describeHere()}`);
        patterns.push(this.wordParts('normal'));
        const op = this.peekOp();
        if (op === '|') {
          this.i++;
          continue;
        }
        this.expectOp(')', 'after a case pattern');
        break;
      }
      this.skipBlankLines();
      let body: Command | null = null;
      if (!(this.peekOp() === ';;' || this.isWord('esac'))) {
        body = this.compoundList([';;', 'esac'], 'in a case item', true);
      }
      items.push({ patterns, body });
      if (this.peekOp() === ';;') this.i += 2;
      else {
        this.takeWord('esac', "to close 'case'");
        break;
      }
    }
    return { t: 'case', word, items, redirs: this.redirs() };
  }

  private redirs(): Redir[] {
    const out: Redir[] = [];
    for (let r = this.redirection(); r; r = this.redirection()) out.push(r);
    return out;
  }

  /** A redirection at the current position, or null. */
  private redirection(): Redir | null {
    this.skipSpace();
    const m = /^(\d*)(<<-|<<|>>|<&|>&|<>|>\||<|>)/.exec(this.src.slice(this.i, this.i + 16));
    if (!m) return null;
    const at = this.i;
    this.i += m[0].length;
    const op = m[2] as RedirOp;
    const fd = m[1] ? Number(m[1]) : null;
    this.skipSpace();
    if (this.i >= this.src.length || META.includes(this.src[this.i]!)) {
      if (this.i >= this.src.length) this.failEnd(`a word after '${op}'`);
      this.fail(`expected a word after '${op}', found ${this.describeHere()}`, at);
    }
    if (op === '<<' || op === '<<-') {
      const start = this.i;
      this.wordParts('normal');
      const raw = this.src.slice(start, this.i);
      const quoted = /['"\\]/.test(raw);
      const delim = raw.replace(/\\(.)|'([^']*)'|"([^"]*)"/gs, (_all, a, b, c) => a ?? b ?? c ?? '');
      const redir: Redir = { fd, op, target: [{ k: 'sq', s: delim }] };
      this.heredocs.push({ redir, delim, strip: op === '<<-', quoted });
      return redir;
    }
    return { fd, op, target: this.wordParts('normal') };
  }

  private simple(start: number): Command {
    const assigns: Assign[] = [];
    const words: Word[] = [];
    const redirs: Redir[] = [];
    const line = this.position(start)[0];
    for (;;) {
      const r = this.redirection();
      if (r) {
        redirs.push(r);
        continue;
      }
      this.skipSpace();
      if (this.i >= this.src.length || META.includes(this.src[this.i]!)) break;
      if (words.length === 0) {
        const assign = this.assignment();
        if (assign) {
          assigns.push(assign);
          continue;
        }
        if (this.expandAlias()) continue;
      }
      const wordStart = this.i;
      const word = this.wordParts('normal');
      if (words.length === 0 && assigns.length === 0 && redirs.length === 0) {
        const name = this.src.slice(wordStart, this.i);
        if (NAME.test(name) && NAME.exec(name)![0] === name && this.peekOp() === '(') {
          const save = this.i;
          this.i++;
          if (this.peekOp() === ')') {
            this.i++;
            this.skipBlankLines();
            if (this.i >= this.src.length) this.failEnd(`a function body for '${name}'`);
            const body = this.command();
            return { t: 'func', name, body };
          }
          this.i = save;
        }
        if (RESERVED.has(name) && name !== '{' && name !== '}' && name !== '!' && name !== 'in') this.fail(`unexpected '${name}'`, wordStart);
      }
      words.push(word);
    }
    if (words.length === 0 && assigns.length === 0 && redirs.length === 0) this.fail(`unexpected ${this.describeHere()}: expected a command`);
    return { t: 'simple', assigns, words, redirs, line };
  }

  private assignment(): Assign | null {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(this.src.slice(this.i, this.i + 256));
    if (!m) return null;
    this.i += m[0].length;
    const value = this.i >= this.src.length || META.includes(this.src[this.i]!) ? [] : this.wordParts('normal');
    return { name: m[1]!, value };
  }

  /** Replaces an alias name at the current position by its value; true if it did. */
  private expandAlias(): boolean {
    const m = /^[^ \t\n;&|<>()'"\\$`]+/.exec(this.src.slice(this.i, this.i + 256));
    if (!m) return false;
    const after = this.src[this.i + m[0].length];
    if (after !== undefined && !META.includes(after)) return false;
    const name = m[0];
    this.expanding = this.expanding.filter((e) => e.end > this.i);
    if (this.expanding.some((e) => e.name === name)) return false;
    const value = this.aliases(name);
    if (value === undefined) return false;
    this.src = this.src.slice(0, this.i) + value + this.src.slice(this.i + name.length);
    const delta = value.length - name.length;
    for (const e of this.expanding) e.end += delta;
    this.expanding.push({ name, end: this.i + value.length });
    return true;
  }

  // ---- words

  /** Reads one word's parts in the given mode, stopping where that mode's word ends. */
  wordParts(mode: WordMode): Word {
    const parts: WordPart[] = [];
    const addLit = (s: string, quoted: boolean): void => {
      const k = quoted ? 'sq' : 'lit';
      const last = parts[parts.length - 1];
      if (last && last.k === k) last.s += s;
      else parts.push({ k, s });
    };
    let depth = 0;
    for (;;) {
      const c = this.src[this.i];
      if (c === undefined) {
        if (mode === 'brace') this.failEnd("'}'");
        if (mode === 'arith') this.failEnd("'))'");
        break;
      }
      if (mode === 'normal' && META.includes(c)) break;
      if (mode === 'brace' && c === '}') break;
      if (mode === 'arith') {
        if (c === '(') depth++;
        if (c === ')') {
          if (depth === 0) break;
          depth--;
        }
      }
      if (c === '\\') {
        const n = this.src[this.i + 1];
        if (n === '\n') {
          this.i += 2;
          continue;
        }
        if (n === undefined) {
          addLit('\\', false);
          this.i++;
          continue;
        }
        if (mode === 'heredoc' || mode === 'arith') {
          if ('$`\\'.includes(n)) addLit(n, true);
          else addLit('\\' + n, mode === 'heredoc');
        } else addLit(n, true);
        this.i += 2;
        continue;
      }
      if (c === "'" && mode !== 'heredoc' && !(mode === 'brace' && this.inDq)) {
        const end = this.src.indexOf("'", this.i + 1);
        if (end < 0) this.fail('unterminated single quote', this.i, true);
        addLit(this.src.slice(this.i + 1, end), true);
        this.i = end + 1;
        continue;
      }
      if (c === '"' && mode !== 'heredoc') {
        parts.push(this.doubleQuoted());
        continue;
      }
      if (c === '$') {
        const part = this.dollar();
        if (part) parts.push(part);
        else addLit('$', mode === 'heredoc');
        continue;
      }
      if (c === '`') {
        parts.push(this.backquote(false));
        continue;
      }
      addLit(c, mode === 'heredoc');
      this.i++;
    }
    return parts;
  }

  private doubleQuoted(): WordPart {
    const outer = this.inDq;
    this.inDq = true;
    try {
      return this.doubleQuotedBody();
    } finally {
      this.inDq = outer;
    }
  }

  private doubleQuotedBody(): WordPart {
    const start = this.i;
    this.i++;
    const parts: WordPart[] = [];
    const addLit = (s: string): void => {
      const last = parts[parts.length - 1];
      if (last && last.k === 'sq') last.s += s;
      else parts.push({ k: 'sq', s });
    };
    for (;;) {
      const c = this.src[this.i];
      if (c === undefined) this.fail('unterminated double quote', start, true);
      if (c === '"') {
        this.i++;
        break;
      }
      if (c === '\\') {
        const n = this.src[this.i + 1];
        if (n === '\n') this.i += 2;
        else if (n !== undefined && '$`"\\'.includes(n)) {
          addLit(n);
          this.i += 2;
        } else {
          addLit('\\');
          this.i++;
        }
        continue;
      }
      if (c === '$') {
        const part = this.dollar();
        if (part) parts.push(part);
        else addLit('$');
        continue;
      }
      if (c === '`') {
        parts.push(this.backquote(true));
        continue;
      }
      addLit(c);
      this.i++;
    }
    return { k: 'dq', parts };
  }

  /** At a `$`: the expansion it starts, or null (and nothing consumed but the `$`) if none. */
  private dollar(): WordPart | null {
    const start = this.i;
    const rest = this.src.slice(this.i + 1, this.i + 3);
    if (rest.startsWith('((')) {
      this.i += 3;
      const expr = this.wordParts('arith');
      if (!this.src.startsWith('))', this.i)) this.fail("expected '))' to close '$(('", start, this.i >= this.src.length);
      this.i += 2;
      return { k: 'arith', expr };
    }
    if (rest.startsWith('(')) {
      this.i += 2;
      const saved = this.heredocs;
      const savedDq = this.inDq;
      this.heredocs = [];
      this.inDq = false;
      this.skipBlankLines();
      let body: Command | null = null;
      if (this.peekOp() !== ')') body = this.compoundList([')'], "to close '$('");
      this.expectOp(')', "to close '$('");
      this.heredocs = saved;
      this.inDq = savedDq;
      return { k: 'cmd', body };
    }
    if (rest.startsWith('{')) return this.braced(start);
    const m = /^([A-Za-z_][A-Za-z0-9_]*|[0-9?$!#@*-])/.exec(this.src.slice(this.i + 1, this.i + 256));
    this.i++;
    if (!m) return null;
    this.i += m[0].length;
    return { k: 'param', name: m[0], op: '', arg: null, length: false };
  }

  private braced(start: number): WordPart {
    this.i += 2;
    let length = false;
    let m = /^([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[?$!#@*-])/.exec(this.src.slice(this.i, this.i + 256));
    if (this.src[this.i] === '#' && this.src[this.i + 1] !== '}') {
      const inner = /^#([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[?$!#@*-])\}/.exec(this.src.slice(this.i, this.i + 256));
      if (inner) {
        this.i += inner[0].length;
        return { k: 'param', name: inner[1]!, op: '', arg: null, length: true };
      }
    }
    if (!m) {
      if (this.i >= this.src.length) this.failEnd("'}' to close '${'");
      this.fail('bad substitution', start);
    }
    this.i += m[0].length;
    const name = m[0];
    if (this.src[this.i] === '}') {
      this.i++;
      return { k: 'param', name, op: '', arg: null, length };
    }
    m = /^(:[-=?+]|[-=?+]|%%|%|##|#)/.exec(this.src.slice(this.i, this.i + 2));
    if (!m) {
      if (this.i >= this.src.length) this.failEnd("'}' to close '${'");
      this.fail('bad substitution', start);
    }
    this.i += m[0].length;
    const arg = this.wordParts('brace');
    this.i++;
    return { k: 'param', name, op: m[0], arg, length };
  }

  private backquote(inDq: boolean): WordPart {
    const start = this.i;
    this.i++;
    let inner = '';
    for (;;) {
      const c = this.src[this.i];
      if (c === undefined) this.fail('unterminated backquote', start, true);
      if (c === '`') {
        this.i++;
        break;
      }
      if (c === '\\') {
        const n = this.src[this.i + 1];
        if (n !== undefined && ('$`\\'.includes(n) || (inDq && n === '"'))) {
          inner += n;
          this.i += 2;
          continue;
        }
      }
      inner += c;
      this.i++;
    }
    const [line] = this.position(start);
    const body = new Parser(inner, this.aliases, line).all();
    return { k: 'cmd', body: body.t === 'list' && body.items.length === 0 ? null : body };
  }
}

/** Parses a whole text (for `sh -n`, tests and tools). */
export function parse(source: string): Command {
  return new Parser(source).all();
}
