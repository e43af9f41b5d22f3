/** pgrep: print the pids of processes whose name matches a pattern. Exit 1 when none match. */
import { getpid, stdout } from '../../libc/index.ts';
import { parseArgs, usageError, type Spec } from '../lib/args.ts';
import { compilePattern, matching } from '../lib/process_match.ts';

const SPEC: Spec = {
  name: 'pgrep',
  usage: '[-f] [-l] PATTERN',
  about: 'List the process ids of processes whose name matches PATTERN (a regular expression).',
  options: [['-f, --full', 'match the whole command line'], ['-l, --list-name', 'show the name beside each pid']],
};

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const pattern = opts.operands[0];
  if (pattern === undefined) return usageError(SPEC, 'no pattern given');
  const regex = compilePattern('pgrep', pattern);
  if (typeof regex === 'number') return regex;
  const found = matching(regex, opts.has('f'), getpid());
  for (const p of found) stdout.write(opts.has('l') ? `${p.pid} ${p.name}\n` : `${p.pid}\n`);
  return found.length ? 0 : 1;
}
