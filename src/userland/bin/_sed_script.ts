/**
 * sed's script language: commands separated by `;` or newlines, each with up to two addresses
 * (N, $, /RE/, \cREc) and an optional `!`, parsed into a flat list where `{` records the index of
 * its matching `}`. Regexes are POSIX basic (or extended) translated to JavaScript.
 */
import { regexSource } from './_match.ts';

/** A line number, the last line, a regex, or GNU's FIRST~STEP (every STEP-th line from FIRST). */
export type Address = number | '$' | RegExp | { first: number; step: number };
export interface Command {
  a1?: Address;
  a2?: Address;
  negate: boolean;
  name: string;
  /** s: regex, replacement, global, print, occurrence; y: map; a/i/c: text; }: index of the block end for `{`. */
  re?: RegExp; rep?: string; global?: boolean; print?: boolean; nth?: number; map?: Map<string, string>; text?: string; end?: number;
  active?: boolean;
}

export class Script {
  readonly commands: Command[] = [];
  private at = 0;
  constructor(private readonly src: string, private readonly extended: boolean) {
    const open: number[] = [];
    for (this.skip(); this.at < src.length; this.skip()) {
      const cmd = this.command();
      if (cmd.name === '{') open.push(this.commands.length);
      if (cmd.name === '}') {
        if (!open.length) throw new Error("unexpected '}'");
        this.commands[open.pop()!]!.end = this.commands.length;
      }
      this.commands.push(cmd);
    }
    if (open.length) throw new Error("unmatched '{'");
  }

  private skip(): void {
    while (this.at < this.src.length && /[\s;]/.test(this.src[this.at]!)) this.at++;
  }

  /** Reads a delimited part (after the delimiter) up to the next unescaped delimiter. */
  private part(delim: string): string {
    let out = '';
    for (; this.at < this.src.length && this.src[this.at] !== delim; this.at++) {
      if (this.src[this.at] === '\\' && this.src[this.at + 1] === delim) out += this.src[++this.at];
      else if (this.src[this.at] === '\\') out += this.src[this.at] + (this.src[++this.at] ?? '');
      else out += this.src[this.at];
    }
    if (this.at >= this.src.length) throw new Error(`unterminated expression`);
    this.at++;
    return out;
  }

  private regex(source: string, flags = ''): RegExp {
    return new RegExp(regexSource(source.replace(/\\n/g, '\n'), this.extended), flags);
  }

  private address(): Address | undefined {
    const rest = this.src.slice(this.at);
    const step = /^(\d+)~(\d+)/.exec(rest);
    if (step) {
      this.at += step[0].length;
      return { first: Number(step[1]), step: Number(step[2]) };
    }
    const num = /^\d+/.exec(rest);
    if (num) {
      this.at += num[0].length;
      return Number(num[0]);
    }
    if (rest[0] === '$') {
      this.at++;
      return '$';
    }
    if (rest[0] === '/' || rest[0] === '\\') {
      this.at += rest[0] === '/' ? 1 : 2;
      return this.regex(this.part(rest[0] === '/' ? '/' : rest[1]!));
    }
    return undefined;
  }

  private text(): string {
    let rest = this.src.slice(this.at).replace(/^\s*\\?\n?/, '');
    const end = rest.search(/(?<!\\)\n/);
    if (end >= 0) rest = rest.slice(0, end);
    this.at = end >= 0 ? this.src.indexOf(rest, this.at) + rest.length : this.src.length;
    return rest.replace(/^\s+/, '').replace(/\\(.)/g, '$1');
  }

  private command(): Command {
    const cmd: Command = { negate: false, name: '' };
    cmd.a1 = this.address();
    if (cmd.a1 !== undefined && this.src[this.at] === ',') {
      this.at++;
      cmd.a2 = this.address();
    }
    while (this.src[this.at] === ' ') this.at++;
    if (this.src[this.at] === '!') {
      this.at++;
      cmd.negate = true;
    }
    cmd.name = this.src[this.at++] ?? '';
    if (cmd.name === 's') {
      const delim = this.src[this.at++]!;
      const source = this.part(delim);
      cmd.rep = this.part(delim);
      const flags = /^[gpiI\d]*/.exec(this.src.slice(this.at))![0];
      this.at += flags.length;
      cmd.global = flags.includes('g');
      cmd.print = flags.includes('p');
      cmd.nth = Number(/\d+/.exec(flags)?.[0] ?? 1);
      cmd.re = this.regex(source, 'g' + (/[iI]/.test(flags) ? 'i' : ''));
    } else if (cmd.name === 'y') {
      const delim = this.src[this.at++]!;
      const [from, to] = [[...this.part(delim)], [...this.part(delim)]];
      if (from.length !== to.length) throw new Error("strings for 'y' command are different lengths");
      cmd.map = new Map(from.map((c, i) => [c, to[i]!]));
    } else if ('aic'.includes(cmd.name)) cmd.text = this.text();
    else if (cmd.name === 'q') {
      const exit = /^\s*(\d*)/.exec(this.src.slice(this.at))!;
      cmd.nth = Number(exit[1] || 0);
      this.at += exit[0].length;
    }
    else if (!'dpn=N{}'.includes(cmd.name) || cmd.name === '') throw new Error(`unknown command: '${cmd.name}'`);
    return cmd;
  }
}
