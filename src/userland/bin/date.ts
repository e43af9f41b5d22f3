/** date: print the date and time (UTC; there is no time zone database), optionally in a FORMAT. */
import { nowMs, stdout } from '../../libc/index.ts';
import { parseArgs, usageError, type Spec } from '../lib/args.ts';
import { strftime } from './_format.ts';

const SPEC: Spec = {
  name: 'date',
  usage: '[OPTION]... [+FORMAT]',
  about: 'Display the current time (UTC) in the given FORMAT: %Y %m %d %H %M %S %s %N %a %A %b %B %e %j %y %Z %z %T %F %D %R %n %t %%.',
  options: [
    ['-d, --date STRING', "display time described by STRING: @SECONDS or an ISO date, not 'now'"],
    ['-u, --utc', 'print Coordinated Universal Time (always the case)'],
    ['-I, --iso-8601', 'output date in ISO 8601 format (YYYY-MM-DD)'],
    ['-R, --rfc-email', 'output date and time in RFC 5322 format'],
  ],
};

function parseDate(text: string): number | null {
  if (/^@-?\d+(\.\d+)?$/.test(text)) return Number(text.slice(1)) * 1000;
  if (text === 'now') return nowMs();
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) || !/\d:\d/.test(text) ? text : `${text}Z`);
  return Number.isNaN(ms) ? null : ms;
}

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const formats = opts.operands.filter((o) => o.startsWith('+'));
  if (opts.operands.length > formats.length || formats.length > 1) {
    return usageError(SPEC, `invalid date '${opts.operands.find((o) => !o.startsWith('+')) ?? opts.operands[1]}' (setting the clock is not supported)`);
  }
  const when = opts.has('d') ? parseDate(opts.get('d')!) : nowMs();
  if (when === null) return usageError(SPEC, `invalid date '${opts.get('d')}'`);
  let format = '%a %b %e %H:%M:%S %Z %Y';
  if (opts.has('I')) format = '%Y-%m-%d';
  if (opts.has('R')) format = '%a, %d %b %Y %H:%M:%S %z';
  if (formats.length) format = formats[0]!.slice(1);
  stdout.write(strftime(format, when) + '\n');
  return 0;
}
