/**
 * The shell's lexer and parser: command lists joined by `;`, `&`, `&&`, `||`; pipelines; simple
 * commands of words and redirections (`<`, `>`, `>>`, `N>`, `N>&M`). Words keep their quoting so
 * expansion happens at run time ($? must see the previous command). Errors carry line and column.
 */

export type Redirect = { fd: number; op: '<' | '>' | '>>' | '>&'; target: string };
export interface SimpleCommand {
  words: string[];
  redirects: Redirect[];
}
export type Pipeline = { commands: SimpleCommand[]; negate: boolean };
export type Connector = ';' | '&' | '&&' | '||';
export interface ListItem {
  pipeline: Pipeline;
  /** How this item connects to the next one (';' for the last). */
  then: Connector;
}

export class ShellSyntaxError extends Error {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(`syntax error at line ${line}, column ${column}: ${message}`);
  }
}

type Token = { kind: 'word'; text: string; at: number } | { kind: 'op'; text: string; at: number };

const OPERATORS = ['&&', '||', '>>', '>&', ';', '&', '|', '<', '>', '\n'];

function position(source: string, at: number): [number, number] {
  const before = source.slice(0, at).split('\n');
  return [before.length, before[before.length - 1]!.length + 1];
}

function fail(source: string, at: number, message: string): never {
  const [line, column] = position(source, at);
  throw new ShellSyntaxError(message, line, column);
}

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === ' ' || c === '\t') { i++; continue; }
    if (c === '#') { while (i < source.length && source[i] !== '\n') i++; continue; }
    if (c === '\\' && source[i + 1] === '\n') { i += 2; continue; }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (op) { tokens.push({ kind: 'op', text: op, at: i }); i += op.length; continue; }
    const start = i;
    while (i < source.length && !' \t\n;&|<>'.includes(source[i]!)) {
      const ch = source[i]!;
      if (ch === '\\') i += 2;
      else if (ch === "'") {
        const end = source.indexOf("'", i + 1);
        if (end < 0) fail(source, i, 'unterminated single quote');
        i = end + 1;
      } else if (ch === '"') {
        i++;
        while (i < source.length && source[i] !== '"') i += source[i] === '\\' ? 2 : 1;
        if (i >= source.length) fail(source, start, 'unterminated double quote');
        i++;
      } else i++;
    }
    const text = source.slice(start, i);
    // `2>` and `2>&1`: a number directly before a redirection is its fd.
    if (/^\d+$/.test(text) && (source[i] === '>' || source[i] === '<')) {
      const rop = OPERATORS.find((o) => source.startsWith(o, i))!;
      tokens.push({ kind: 'op', text: text + rop, at: start });
      i += rop.length;
      continue;
    }
    tokens.push({ kind: 'word', text, at: start });
  }
  return tokens;
}

export function parse(source: string): ListItem[] {
  const tokens = tokenize(source);
  const items: ListItem[] = [];
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  while (i < tokens.length) {
    const t = peek()!;
    if (t.kind === 'op' && (t.text === '\n' || t.text === ';')) { i++; continue; }
    const pipeline: Pipeline = { commands: [], negate: false };
    if (t.kind === 'word' && t.text === '!') { pipeline.negate = true; i++; }
    for (;;) {
      const command: SimpleCommand = { words: [], redirects: [] };
      while (i < tokens.length) {
        const tok = tokens[i]!;
        const redir = tok.kind === 'op' ? /^(\d*)(>>|>&|<|>)$/.exec(tok.text) : null;
        if (tok.kind === 'word') { command.words.push(tok.text); i++; }
        else if (redir) {
          const target = tokens[i + 1];
          if (!target || target.kind !== 'word') fail(source, tok.at, `${tok.text} needs a target`);
          const op = redir[2] as Redirect['op'];
          const fd = redir[1] ? Number(redir[1]) : op === '<' ? 0 : 1;
          command.redirects.push({ fd, op, target: target.text });
          i += 2;
        } else break;
      }
      if (command.words.length === 0 && command.redirects.length === 0) {
        fail(source, peek()?.at ?? source.length, `expected a command${peek() ? ` before '${peek()!.text.replace('\n', '\\n')}'` : ''}`);
      }
      pipeline.commands.push(command);
      if (peek()?.kind === 'op' && peek()!.text === '|') { i++; continue; }
      break;
    }
    const next = peek();
    let then: Connector = ';';
    if (next?.kind === 'op' && ['&&', '||', '&', ';', '\n'].includes(next.text)) {
      then = next.text === '\n' ? ';' : (next.text as Connector);
      i++;
      if ((then === '&&' || then === '||') && !tokens.slice(i).some((tok) => tok.kind === 'word')) fail(source, next.at, `'${then}' needs a command after it`);
    } else if (next) {
      fail(source, next.at, `unexpected '${next.text}'`);
    }
    items.push({ pipeline, then });
  }
  return items;
}
