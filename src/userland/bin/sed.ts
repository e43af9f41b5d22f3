/**
 * sed: stream editor. Addresses N, $, /RE/ and ranges A,B (with !); commands s///[gpNi], d, p, q,
 * =, n, N, y///, a/i/c TEXT and { } blocks; -n, -e, -f, -i (in place), -E. Regexes are POSIX
 * basic (or extended with -E) translated to JavaScript.
 */
import { readTextFile, stdout, writeFile } from '../../libc/index.ts';
import { fail, parseArgs, usageError, type Spec } from '../lib/args.ts';
import { readInputText, splitLines } from './_io.ts';
import { type Address, type Command, Script } from './_sed_script.ts';

const SPEC: Spec = {
  name: 'sed',
  usage: '[OPTION]... {SCRIPT | -e SCRIPT...} [FILE]...',
  about: 'Edit each line of the FILEs (standard input when none) by SCRIPT and print the result.',
  options: [
    ['-n, --quiet', 'suppress automatic printing of pattern space'],
    ['-e, --expression SCRIPT', 'add the script to the commands to be executed'],
    ['-f, --file FILE', 'add the contents of FILE to the commands to be executed'],
    ['-i, --in-place', 'edit files in place'],
    ['-E, --regexp-extended', 'use extended regular expressions'],
    ['-r', 'same as -E'],
  ],
};

/** The replacement for one match: & is the match, \1-\9 groups, \n newline. */
function substitute(rep: string, match: string, groups: (string | undefined)[]): string {
  return rep.replace(/\\(\d)|\\n|\\(.)|&/g, (whole, digit: string, other: string) =>
    digit !== undefined ? groups[Number(digit) - 1] ?? '' : whole === '\\n' ? '\n' : other !== undefined ? other : match);
}

class Runner {
  out = '';
  quit: number | null = null;
  constructor(readonly script: Script, readonly quiet: boolean) {}

  private matches(addr: Address, line: string, n: number, last: boolean): boolean {
    if (addr === '$') return last;
    if (typeof addr === 'number') return n === addr;
    if (addr instanceof RegExp) return addr.test(line);
    return addr.step > 0 ? n >= addr.first && (n - addr.first) % addr.step === 0 : n === addr.first;
  }

  private selected(cmd: Command, line: string, n: number, last: boolean): boolean {
    let hit: boolean;
    if (cmd.a1 === undefined) hit = true;
    else if (cmd.a2 === undefined) hit = this.matches(cmd.a1, line, n, last);
    else if (cmd.active) {
      hit = true;
      if (typeof cmd.a2 === 'number' ? n >= cmd.a2 : this.matches(cmd.a2, line, n, last)) cmd.active = false;
    } else {
      hit = this.matches(cmd.a1, line, n, last);
      if (hit) cmd.active = typeof cmd.a2 === 'number' ? n < cmd.a2 : true;
    }
    return hit !== cmd.negate;
  }

  /** Runs the script over `lines`, appending the output to this.out. */
  run(lines: string[]): void {
    const cmds = this.script.commands;
    for (let n = 0; n < lines.length && this.quit === null; ) {
      let space = lines[n++]!;
      let deleted = false;
      const after: string[] = [];
      for (let pc = 0; pc < cmds.length && !deleted; pc++) {
        const cmd = cmds[pc]!;
        if (cmd.name === '}') continue;
        if (!this.selected(cmd, space, n, n === lines.length)) {
          if (cmd.name === '{') pc = cmd.end!;
          continue;
        }
        switch (cmd.name) {
          case 's': {
            let count = 0;
            let done = false;
            space = space.replace(cmd.re!, (match: string, ...rest: unknown[]) => {
              const groups = rest.slice(0, -2) as (string | undefined)[];
              if (++count < cmd.nth! || (done && !cmd.global)) return match;
              done = true;
              return substitute(cmd.rep!, match, groups);
            });
            if (done && cmd.print) this.out += space + '\n';
            break;
          }
          case 'y': space = [...space].map((c) => cmd.map!.get(c) ?? c).join(''); break;
          case 'd': deleted = true; break;
          case 'p': this.out += space + '\n'; break;
          case '=': this.out += `${n}\n`; break;
          case 'a': after.push(cmd.text!); break;
          case 'i': this.out += cmd.text + '\n'; break;
          case 'c': deleted = true; if (!cmd.active) this.out += cmd.text + '\n'; break;
          case 'q': this.quit = cmd.nth!; pc = cmds.length; break;
          case 'n':
            if (!this.quiet) this.out += space + '\n';
            if (n < lines.length) space = lines[n++]!;
            else {
              deleted = true;
              this.quit = 0;
            }
            break;
          case 'N':
            if (n < lines.length) space += '\n' + lines[n++];
            break;
        }
      }
      if (!deleted && !this.quiet) this.out += space + '\n';
      for (const text of after) this.out += text + '\n';
    }
  }
}

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const operands = [...opts.operands];
  const pieces = [...opts.all('e')];
  try {
    for (const file of opts.all('f')) pieces.push(readTextFile(file));
  } catch (error) {
    return fail('sed', `couldn't open file ${opts.all('f').join(' ')}`, error);
  }
  if (pieces.length === 0) {
    if (operands.length === 0) return usageError(SPEC, 'no script specified');
    pieces.push(operands.shift()!);
  }
  let script: Script;
  try {
    script = new Script(pieces.join('\n'), opts.has('E') || opts.has('r'));
  } catch (error) {
    return usageError(SPEC, `-e expression: ${(error as Error).message}`);
  }
  const files = operands.length ? operands : ['-'];
  let status = 0;
  if (opts.has('i')) {
    for (const file of files) {
      const runner = new Runner(script, opts.has('n'));
      try {
        runner.run(splitLines(readTextFile(file)));
        writeFile(file, runner.out);
      } catch (error) {
        status = fail('sed', file, error);
      }
    }
    return status;
  }
  const lines: string[] = [];
  for (const file of files) {
    try {
      for (const line of splitLines(readInputText(file))) lines.push(line);
    } catch (error) {
      status = fail('sed', `can't read ${file}`, error) + 1;
    }
  }
  const runner = new Runner(script, opts.has('n'));
  runner.run(lines);
  stdout.write(runner.out);
  return runner.quit ?? status;
}
