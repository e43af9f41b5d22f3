/** chmod: change file mode bits (octal modes, or symbolic like u+x, go-w, a=r). */
import { chmod, isDirectory, isSymlink, lstat, readdir, stat, stdout } from '../../libc/index.ts';
import { fail, parseArgs, usageError, type Spec } from '../lib/args.ts';
import { modeString } from './_format.ts';
import { joinPath } from './_io.ts';

const SPEC: Spec = {
  name: 'chmod',
  usage: '[OPTION]... MODE FILE...',
  about: 'Change the mode of each FILE to MODE: octal (755) or symbolic ([ugoa]*[-+=][rwxst]*, comma-separated).',
  options: [
    ['-R, --recursive', 'change files and directories recursively'],
    ['-v, --verbose', 'output a diagnostic for every file processed'],
  ],
};

/** The new mode for `old` under MODE text, or null when the text is not a mode. */
function applyMode(text: string, old: number, isDir: boolean): number | null {
  if (/^[0-7]{1,4}$/.test(text)) return parseInt(text, 8);
  let mode = old & 0o7777;
  for (const clause of text.split(',')) {
    const match = /^([ugoa]*)([-+=])([rwxXst]*)$/.exec(clause);
    if (!match) return null;
    const who = match[1] || 'a';
    let mask = 0;
    if (/[ua]/.test(who)) mask |= 0o4700;
    if (/[ga]/.test(who)) mask |= 0o2070;
    if (/[oa]/.test(who)) mask |= 0o1007;
    let bits = 0;
    for (const p of match[3]!) {
      if (p === 'r') bits |= 0o444;
      if (p === 'w') bits |= 0o222;
      if (p === 'x' || (p === 'X' && (isDir || (old & 0o111) !== 0))) bits |= 0o111;
      if (p === 's') bits |= 0o6000;
      if (p === 't') bits |= 0o1000;
    }
    bits &= mask;
    if (match[2] === '+') mode |= bits;
    else if (match[2] === '-') mode &= ~bits;
    else mode = (mode & ~(mask & 0o777)) | bits;
  }
  return mode;
}

export function main(args: string[]): number {
  // A symbolic mode such as -w looks like an option: take the first mode-shaped word as MODE.
  const end = args.indexOf('--') < 0 ? args.length : args.indexOf('--');
  const at = args.findIndex((a, i) => i > 0 && i < end && /^-[rwxXst]+$/.test(a));
  const opts = parseArgs(at < 0 ? args : args.filter((_, i) => i !== at), SPEC);
  if (typeof opts === 'number') return opts;
  const operands = at < 0 ? opts.operands : [args[at]!, ...opts.operands];
  if (operands.length < 2) return usageError(SPEC, operands.length ? `missing operand after '${operands[0]}'` : 'missing operand');
  const [modeText, ...files] = operands as [string, ...string[]];
  if (applyMode(modeText, 0, false) === null) return usageError(SPEC, `invalid mode: '${modeText}'`);
  let status = 0;
  const change = (path: string, top: boolean): void => {
    try {
      const st = top ? stat(path) : lstat(path);
      if (isSymlink(st)) return;
      const mode = applyMode(modeText, st.mode, isDirectory(st))!;
      chmod(path, mode);
      if (opts.has('v')) stdout.write(`mode of '${path}' changed to ${mode.toString(8).padStart(4, '0')} (${modeString(st.mode & ~0o7777 | mode).slice(1)})\n`);
      if (opts.has('R') && isDirectory(st)) {
        for (const d of readdir(path)) if (d.name !== '.' && d.name !== '..') change(joinPath(path, d.name), false);
      }
    } catch (error) {
      status = fail('chmod', `changing permissions of '${path}'`, error);
    }
  };
  for (const file of files) change(file, true);
  return status;
}
