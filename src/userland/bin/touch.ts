/**
 * touch: set the access and modification times of each FILE (to now, or to -d SECONDS since the
 * epoch, or to -r FILE's), creating files that do not exist.
 */
import { O_CREAT, O_RDONLY, O_STAT, close, futimens, isErrno, open, stat, type FileTimes } from '../../libc/index.ts';
import { fail, parseArgs, usageError, type Spec } from '../lib/args.ts';

const SPEC: Spec = {
  name: 'touch',
  usage: '[OPTION]... FILE...',
  about: 'Update the access and modification times of each FILE to now, creating it empty if it does not exist.',
  options: [
    ['-c, --no-create', 'do not create any files'],
    ['-a', 'change only the access time'],
    ['-m', 'change only the modification time'],
    ['-d, --date SECONDS', 'use this time (seconds since the epoch, or @SECONDS) instead of now'],
    ['-r, --reference FILE', "use FILE's times instead of now"],
  ],
};

function chosenTimes(opts: { has(k: string): boolean; get(k: string): string | undefined }): FileTimes | string {
  let atime: FileTimes['atime'] = 'now';
  let mtime: FileTimes['mtime'] = 'now';
  const date = opts.get('d');
  const reference = opts.get('r');
  if (date !== undefined) {
    const seconds = Number(date.replace(/^@/, ''));
    if (!Number.isFinite(seconds) || seconds < 0) return `invalid date '${date}'`;
    atime = mtime = { sec: Math.floor(seconds), nsec: Math.round((seconds % 1) * 1e9) };
  } else if (reference !== undefined) {
    const st = stat(reference);
    atime = { sec: st.atimeSec, nsec: st.atimeNsec };
    mtime = { sec: st.mtimeSec, nsec: st.mtimeNsec };
  }
  return { atime: opts.has('m') && !opts.has('a') ? undefined : atime, mtime: opts.has('a') && !opts.has('m') ? undefined : mtime };
}

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  if (opts.operands.length === 0) return usageError(SPEC, 'missing file operand');
  let times: FileTimes | string;
  try {
    times = chosenTimes(opts);
  } catch (error) {
    return fail('touch', `failed to get attributes of '${opts.get('r')}'`, error);
  }
  if (typeof times === 'string') return usageError(SPEC, times);
  let status = 0;
  for (const path of opts.operands) {
    try {
      const fd = open(path, O_RDONLY | O_STAT | (opts.has('c') ? 0 : O_CREAT), 0o644);
      try {
        futimens(fd, times);
      } finally {
        close(fd);
      }
    } catch (error) {
      if (opts.has('c') && isErrno(error, 'ENOENT')) continue;
      status = fail('touch', `cannot touch '${path}'`, error);
    }
  }
  return status;
}
