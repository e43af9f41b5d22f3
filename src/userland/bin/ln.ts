/** ln: make links between files (hard links by default, symbolic with -s). */
import { Errno, SysError, link, stdout, symlink, unlink } from '../../libc/index.ts';
import { fail, parseArgs, usageError, type Spec } from '../lib/args.ts';
import { baseName, isDirPath, joinPath } from './_io.ts';

const SPEC: Spec = {
  name: 'ln',
  usage: '[OPTION]... TARGET [LINK_NAME] | TARGET... DIRECTORY',
  about: 'Create a link to TARGET named LINK_NAME, or links in DIRECTORY named after each TARGET.',
  options: [
    ['-s, --symbolic', 'make symbolic links instead of hard links'],
    ['-f, --force', 'remove existing destination files'],
    ['-v, --verbose', 'print name of each linked file'],
  ],
};

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const operands = opts.operands;
  if (operands.length === 0) return usageError(SPEC, 'missing file operand');
  let pairs: [string, string][];
  if (operands.length === 1) pairs = [[operands[0]!, baseName(operands[0]!)]];
  else if (isDirPath(operands.at(-1)!)) pairs = operands.slice(0, -1).map((t) => [t, joinPath(operands.at(-1)!, baseName(t))]);
  else if (operands.length === 2) pairs = [[operands[0]!, operands[1]!]];
  else return usageError(SPEC, `target '${operands.at(-1)}' is not a directory`);
  let status = 0;
  for (const [target, name] of pairs) {
    try {
      if (opts.has('f')) {
        try {
          unlink(name);
        } catch (error) {
          if (!(error instanceof SysError && error.errno === Errno.ENOENT)) throw error;
        }
      }
      if (opts.has('s')) symlink(target, name);
      else link(target, name);
      if (opts.has('v')) stdout.write(`'${name}' -> '${target}'\n`);
    } catch (error) {
      status = fail('ln', `failed to create ${opts.has('s') ? 'symbolic' : 'hard'} link '${name}'`, error);
    }
  }
  return status;
}
