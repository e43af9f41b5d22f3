/** uptime: tell how long the system has been running, from /scheme/sys/uptime. */
import { nowMs, readTextFile, readdir, stdout } from '../../libc/index.ts';
import { fail, parseArgs, type Spec } from '../lib/args.ts';
import { strftime } from './_format.ts';

const SPEC: Spec = {
  name: 'uptime',
  usage: '[OPTION]...',
  about: 'Print the current time, how long the system has been running, and the number of processes.',
  options: [
    ['-p, --pretty', 'show uptime in pretty format'],
    ['-s, --since', 'system up since, in yyyy-mm-dd HH:MM:SS format'],
  ],
};

const plural = (n: number, unit: string, many = `${unit}s`): string => `${n} ${n === 1 ? unit : many}`;

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  let seconds: number;
  try {
    seconds = Number(readTextFile('/scheme/sys/uptime').trim().split(/\s+/)[0]);
  } catch (error) {
    return fail('uptime', '/scheme/sys/uptime', error);
  }
  const now = nowMs();
  if (opts.has('s')) {
    stdout.write(strftime('%Y-%m-%d %H:%M:%S', now - seconds * 1000) + '\n');
    return 0;
  }
  const minutes = Math.floor(seconds / 60);
  const [days, hours, mins] = [Math.floor(minutes / 1440), Math.floor((minutes % 1440) / 60), minutes % 60];
  if (opts.has('p')) {
    const parts = [days && plural(days, 'day'), hours && plural(hours, 'hour'), plural(mins, 'minute')].filter(Boolean);
    stdout.write(`up ${parts.join(', ')}\n`);
    return 0;
  }
  const up = (days ? `${plural(days, 'day')}, ` : '') + (hours ? `${String(hours).padStart(2)}:${String(mins).padStart(2, '0')}` : `${mins} min`);
  let count = 0;
  try {
    count = readdir('/scheme/proc').filter((d) => /^\d+$/.test(d.name)).length;
  } catch {
    // Without /scheme/proc there is no process count to show.
  }
  stdout.write(` ${strftime('%H:%M:%S', now)} up ${up},  ${plural(count, 'process', 'processes')}\n`);
  return 0;
}
