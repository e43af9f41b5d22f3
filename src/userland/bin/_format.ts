/** How the coreutils show file metadata and times: mode strings, human sizes, ls/stat/date formats (UTC). */
import { S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFSOCK } from '../../libc/index.ts';

/** POSIX's block-device type bits (not every layer names them yet). */
const S_IFBLK = 0x6000;

/** The type letter ls shows first: - d l p c b s. */
export function typeChar(mode: number): string {
  switch (mode & S_IFMT) {
    case S_IFBLK: return 'b';
    case S_IFDIR: return 'd';
    case S_IFLNK: return 'l';
    case S_IFIFO: return 'p';
    case S_IFCHR: return 'c';
    case S_IFSOCK: return 's';
    default: return '-';
  }
}

/** `drwxr-xr-x`, with setuid/setgid/sticky shown as s/S and t/T. */
export function modeString(mode: number): string {
  const rwx = (bits: number, special: boolean, mark: string): string =>
    (bits & 4 ? 'r' : '-') + (bits & 2 ? 'w' : '-') +
    (special ? (bits & 1 ? mark : mark.toUpperCase()) : bits & 1 ? 'x' : '-');
  return typeChar(mode) + rwx(mode >> 6, (mode & 0o4000) !== 0, 's') + rwx(mode >> 3, (mode & 0o2000) !== 0, 's') +
    rwx(mode, (mode & 0o1000) !== 0, 't');
}

/** 1.5K, 12M ... as `ls -h` and `du -h` print sizes. */
export function humanSize(bytes: number): string {
  const units = ['', 'K', 'M', 'G', 'T', 'P'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return String(bytes);
  return (value < 10 ? (Math.ceil(value * 10) / 10).toFixed(1) : String(Math.ceil(value))) + units[unit];
}

const SHORT_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Nov 26 15:12` for recent times, `Nov 26  2025` for those over six months away (UTC). */
export function lsTime(sec: number, nowSec: number): string {
  const d = new Date(sec * 1000);
  const day = `${SHORT_MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)}`;
  const recent = Math.abs(nowSec - sec) < 183 * 24 * 3600;
  const clock = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  return recent ? `${day} ${clock}` : `${day}  ${d.getUTCFullYear()}`;
}

/** `2026-11-26 15:12:37.123456789 +0000`, as stat prints times. */
export function isoTime(sec: number, nsec: number): string {
  const iso = new Date(sec * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${String(Math.round(nsec)).padStart(9, '0')} +0000`;
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const two = (n: number): string => String(n).padStart(2, '0');

/** Formats a time (ms since the epoch, UTC) with strftime(3)'s conversions. */
export function strftime(format: string, ms: number): string {
  const d = new Date(ms);
  const dayOfYear = Math.floor((ms - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
  const codes: Record<string, () => string> = {
    Y: () => String(d.getUTCFullYear()), y: () => two(d.getUTCFullYear() % 100), m: () => two(d.getUTCMonth() + 1),
    d: () => two(d.getUTCDate()), e: () => String(d.getUTCDate()).padStart(2), H: () => two(d.getUTCHours()),
    M: () => two(d.getUTCMinutes()), S: () => two(d.getUTCSeconds()), s: () => String(Math.floor(ms / 1000)),
    N: () => String(Math.round((ms % 1000) * 1e6)).padStart(9, '0'), a: () => DAYS[d.getUTCDay()]!.slice(0, 3),
    A: () => DAYS[d.getUTCDay()]!, b: () => MONTHS[d.getUTCMonth()]!.slice(0, 3), h: () => MONTHS[d.getUTCMonth()]!.slice(0, 3),
    B: () => MONTHS[d.getUTCMonth()]!, j: () => String(dayOfYear).padStart(3, '0'), Z: () => 'UTC', z: () => '+0000',
    T: () => strftime('%H:%M:%S', ms), F: () => strftime('%Y-%m-%d', ms), D: () => strftime('%m/%d/%y', ms),
    R: () => strftime('%H:%M', ms), n: () => '\n', t: () => '\t', '%': () => '%', u: () => String(d.getUTCDay() || 7),
    w: () => String(d.getUTCDay()),
  };
  return format.replace(/%(.)/g, (whole, c: string) => codes[c]?.() ?? whole);
}
