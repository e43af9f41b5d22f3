/** cp: copy files and directories. */
import { parseArgs, type Spec } from '../lib/args.ts';
import { Copier, sourceTargetPairs } from './_copy.ts';

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
  const pairs = sourceTargetPairs(SPEC, opts.operands);
  if (typeof pairs === 'number') return pairs;
  const copier = new Copier({
    name: 'cp', recursive: opts.has('r') || opts.has('R') || opts.has('a'), preserve: opts.has('p') || opts.has('a'),
    noClobber: opts.has('n'), force: opts.has('f'), verbose: opts.has('v'),
  });
  for (const [source, target] of pairs) copier.copy(source, target);
  return copier.status;
}
