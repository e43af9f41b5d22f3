/** free: show memory accounting, from /scheme/sys/memory (`Key: value` lines). */
import { readTextFile, stdout } from '../../libc/index.ts';
import { fail, parseArgs, type Spec } from '../lib/args.ts';
import { humanSize } from './_format.ts';

const SPEC: Spec = {
  name: 'free',
  usage: '[OPTION]...',
  about: 'Display the memory the kernel accounts: live processes, the default per-process heap limit and the sum of limits.',
  options: [
    ['-h, --human', 'show sizes in human-readable units'],
    ['-k, --kibi', 'show sizes in KiB'],
    ['-m, --mebi', 'show sizes in MiB (the default)'],
  ],
};

/** `CommittedLimitMiB` -> `Committed limit`; values of `*MiB` keys are sizes. */
const label = (key: string): string => key.replace(/MiB$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').replace(/ ([A-Z])/g, (_, c: string) => ` ${c.toLowerCase()}`);

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  let text: string;
  try {
    text = readTextFile('/scheme/sys/memory');
  } catch (error) {
    return fail('free', '/scheme/sys/memory', error);
  }
  const rows: [string, string][] = [];
  for (const line of text.split('\n')) {
    const match = /^(\w+):\s*(.*)$/.exec(line);
    if (!match) continue;
    const [, key, value] = match as unknown as [string, string, string];
    const mib = Number(value);
    if (!key.endsWith('MiB') || Number.isNaN(mib)) rows.push([label(key), value]);
    else if (opts.has('h')) rows.push([label(key), humanSize(mib * 1024 * 1024) + (mib ? 'i' : '')]);
    else if (opts.has('k')) rows.push([label(key) + ' (KiB)', String(mib * 1024)]);
    else rows.push([label(key) + ' (MiB)', String(mib)]);
  }
  const width = Math.max(0, ...rows.map(([k]) => k.length)) + 1;
  for (const [key, value] of rows) stdout.write(`${(key + ':').padEnd(width)} ${value.padStart(8)}\n`);
  return 0;
}
