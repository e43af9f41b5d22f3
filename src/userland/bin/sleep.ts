/** sleep: pause for the sum of the given durations (seconds; fractions and s/m/h/d suffixes ok). */
import { sleepMs } from '../../libc/index.ts';
import { parseArgs, usageError, type Spec } from '../lib/args.ts';

const SPEC: Spec = {
  name: 'sleep',
  usage: 'NUMBER[SUFFIX]...',
  about: "Pause for NUMBER seconds (the sum of all operands). SUFFIX may be 's' seconds, 'm' minutes, 'h' hours or 'd' days.",
};

const UNIT: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  if (opts.operands.length === 0) return usageError(SPEC, 'missing operand');
  let seconds = 0;
  for (const word of opts.operands) {
    const match = /^(\d+\.?\d*|\.\d+)([smhd]?)$/.exec(word);
    if (!match) return usageError(SPEC, `invalid time interval '${word}'`);
    seconds += Number(match[1]) * UNIT[match[2]!]!;
  }
  sleepMs(seconds * 1000);
  return 0;
}
