/** pkill: send a signal (default TERM) to processes whose name matches a pattern. Exit 1 when none match. */
import { Errno, SIGTERM, SysError, eprint, getpid, kill, signalNumber } from '../../libc/index.ts';
import { parseArgs, usageError, type Spec } from '../lib/args.ts';
import { compilePattern, matching } from '../lib/process_match.ts';

const SPEC: Spec = {
  name: 'pkill',
  usage: '[-SIGNAL] [-f] PATTERN',
  about: 'Signal the processes whose name matches PATTERN (a regular expression); SIGTERM unless -SIGNAL is given.',
  options: [['-f, --full', 'match the whole command line']],
};

export function main(args: string[]): number {
  let sig = SIGTERM;
  const rest = [...args];
  const named = rest.findIndex((a, i) => i > 0 && /^-[A-Z0-9]+$/.test(a) && signalNumber(a.slice(1)) !== undefined);
  if (named > 0) sig = signalNumber(rest.splice(named, 1)[0]!.slice(1))!;
  const opts = parseArgs(rest, SPEC);
  if (typeof opts === 'number') return opts;
  const pattern = opts.operands[0];
  if (pattern === undefined) return usageError(SPEC, 'no pattern given');
  const regex = compilePattern('pkill', pattern);
  if (typeof regex === 'number') return regex;
  const found = matching(regex, opts.has('f'), getpid());
  let status = found.length ? 0 : 1;
  for (const p of found) {
    try {
      kill(p.pid, sig);
    } catch (error) {
      if (!(error instanceof SysError)) throw error;
      if (error.errno !== Errno.ESRCH) {
        eprint(`pkill: ${p.pid}: ${error.message}`);
        status = 1;
      }
    }
  }
  return status;
}
