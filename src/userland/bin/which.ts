/** which: locate a command in PATH. */
import { environ, stdout } from '../../libc/index.ts';
import { parseArgs, usageError, type Spec } from '../lib/args.ts';
import { joinPath } from './_io.ts';
import { findInPath } from './_system.ts';

const SPEC: Spec = {
  name: 'which',
  usage: '[-a] COMMAND...',
  about: 'Print the path of each COMMAND that would be run, searching PATH. Status 1 if any is not found.',
  options: [['-a', 'print all matching pathnames of each argument']],
};

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  if (opts.operands.length === 0) return usageError(SPEC, 'missing operand');
  const searchPath = environ.PATH ?? '/bin';
  let status = 0;
  for (const command of opts.operands) {
    const found = opts.has('a') && !command.includes('/')
      ? searchPath.split(':').map((dir) => findInPath(joinPath(dir || '.', command))).filter((p): p is string => p !== null)
      : [findInPath(command, searchPath)].filter((p): p is string => p !== null);
    for (const path of found) stdout.write(path + '\n');
    if (found.length === 0) status = 1;
  }
  return status;
}
