/**
 * The shell's syntax tree: words made of parts (kept unexpanded until run time, so `$?` sees the
 * previous command) and the POSIX command forms. Plain data only: a subshell that has to run in
 * another process gets its commands as JSON.
 */

export type WordPart =
  | { k: 'lit'; s: string } // unquoted text: field splitting does not apply, globbing does
  | { k: 'sq'; s: string } // quoted text (single quotes, backslash escapes, quoted text inside "...")
  | { k: 'dq'; parts: WordPart[] } // a double-quoted stretch
  | { k: 'param'; name: string; op: string; arg: Word | null; length: boolean }
  | { k: 'cmd'; body: Command | null } // $(...) and `...`
  | { k: 'arith'; expr: Word };

export type Word = WordPart[];

export type RedirOp = '<' | '>' | '>>' | '>|' | '<>' | '<&' | '>&' | '<<' | '<<-';

export interface Redir {
  fd: number | null;
  op: RedirOp;
  target: Word;
  /** Here-documents: the body, expanded at run time unless the delimiter was quoted. */
  heredoc?: { body: Word; quoted: boolean };
}

export interface Assign {
  name: string;
  value: Word;
}

export type Command =
  | { t: 'simple'; assigns: Assign[]; words: Word[]; redirs: Redir[]; line: number }
  | { t: 'pipeline'; cmds: Command[]; neg: boolean }
  | { t: 'andor'; first: Command; rest: { op: '&&' | '||'; cmd: Command }[] }
  | { t: 'list'; items: { cmd: Command; bg: boolean }[] }
  | { t: 'subshell'; body: Command; redirs: Redir[] }
  | { t: 'group'; body: Command; redirs: Redir[] }
  | { t: 'if'; clauses: { cond: Command; body: Command }[]; else: Command | null; redirs: Redir[] }
  | { t: 'for'; name: string; words: Word[] | null; body: Command; redirs: Redir[] }
  | { t: 'loop'; until: boolean; cond: Command; body: Command; redirs: Redir[] }
  | { t: 'case'; word: Word; items: { patterns: Word[]; body: Command | null }[]; redirs: Redir[] }
  | { t: 'func'; name: string; body: Command };

export const lit = (s: string): Word => [{ k: 'lit', s }];

/** The text of a word that has no quoting or expansion in it, else null. */
export function plainText(word: Word): string | null {
  let out = '';
  for (const part of word) {
    if (part.k !== 'lit') return null;
    out += part.s;
  }
  return out;
}
