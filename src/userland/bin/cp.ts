/** cp: copy files and directories. */
import { parseArgs, usageError, type Spec } from '../lib/args.ts';
import { baseName, isDirPath, joinPath } from './_io.ts';
import { Copier } from './_copy.ts';

const SPEC: Spec = {
  name: 'cp',
  usage: '[OPTION]... SOURCE DEST | SOURCE... DIRECTORY',
  about: 'Copy SOURCE to DEST, or multiple SOURCE(s) into DIRECTORY.',
  options: [
    ['-r, --recursive', 'copy directories recursively'],
    ['-R', 'same as -r'],
    ['-p', 'preserve mode and ownership'],
    ['-a, --archive', 'same as -rp'],
    ['-f, --force', 'if a destination file cannot be opened, remove it and try again'],
    ['-n, --no-clobber', 'do not overwrite an existing file'],
    ['-v, --verbose', 'explain what is being done'],
  ],
};

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const operands = opts.operands;
  if (operands.length === 0) return usageError(SPEC, 'missing file operand');
  if (operands.length === 1) return usageError(SPEC, `missing destination file operand after '${operands[0]}'`);
  const dest = operands.at(-1)!;
  const sources = operands.slice(0, -1);
  const intoDir = isDirPath(dest);
  if (!intoDir && sources.length > 1) return usageError(SPEC, `target '${dest}' is not a directory`);
  const copier = new Copier({
    name: 'cp', recursive: opts.has('r') || opts.has('R') || opts.has('a'), preserve: opts.has('p') || opts.has('a'),
    noClobber: opts.has('n'), force: opts.has('f'), verbose: opts.has('v'),
  });
  for (const source of sources) copier.copy(source, intoDir ? joinPath(dest, baseName(source)) : dest);
  return copier.status;
}
