/**
 * The Stat record returned by fstat, and statvfs: fixed layouts of float64 fields so kernel
 * schemes, user-space daemons and libc encode them the same way.
 */

export interface Stat {
  dev: number;
  ino: number;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: number;
  size: number;
  blksize: number;
  blocks: number;
  atimeSec: number;
  atimeNsec: number;
  mtimeSec: number;
  mtimeNsec: number;
  ctimeSec: number;
  ctimeNsec: number;
}

const STAT_FIELDS: readonly (keyof Stat)[] = [
  'dev', 'ino', 'mode', 'nlink', 'uid', 'gid', 'rdev', 'size', 'blksize', 'blocks',
  'atimeSec', 'atimeNsec', 'mtimeSec', 'mtimeNsec', 'ctimeSec', 'ctimeNsec',
];
export const STAT_BYTES = STAT_FIELDS.length * 8;

export function encodeStat(stat: Stat): Uint8Array {
  const out = new DataView(new ArrayBuffer(STAT_BYTES));
  STAT_FIELDS.forEach((field, i) => out.setFloat64(i * 8, stat[field], true));
  return new Uint8Array(out.buffer);
}

export function decodeStat(bytes: Uint8Array): Stat {
  if (bytes.byteLength < STAT_BYTES) throw new RangeError(`stat record is ${bytes.byteLength} bytes, expected ${STAT_BYTES}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, STAT_BYTES);
  const stat = {} as Stat;
  STAT_FIELDS.forEach((field, i) => (stat[field] = view.getFloat64(i * 8, true)));
  return stat;
}

/** What fstatvfs reports about the filesystem (scheme) holding a file: df's numbers. */
export interface StatVfs {
  /** Name of the filesystem type, e.g. "redoxfs" or "ramfs". */
  type: string;
  blockSize: number;
  blocks: number;
  freeBlocks: number;
  availableBlocks: number;
  files: number;
  freeFiles: number;
  nameMax: number;
  readOnly: boolean;
}

export function isStatVfs(value: unknown): value is StatVfs {
  const v = value as Partial<StatVfs> | null;
  return !!v && typeof v.type === 'string' && ['blockSize', 'blocks', 'freeBlocks', 'availableBlocks', 'files', 'freeFiles', 'nameMax']
    .every((k) => Number.isFinite(v[k as keyof StatVfs])) && typeof v.readOnly === 'boolean';
}

/** Times for futimens: a time, 'now', or undefined to leave it unchanged. */
export type TimeSetting = { sec: number; nsec: number } | 'now' | undefined;
export interface FileTimes {
  atime: TimeSetting;
  mtime: TimeSetting;
}

/** The 32-byte futimens record in scheme packets: f64 atime sec, nsec, mtime sec, nsec (sec -1 now, -2 omit). */
export function encodeTimes(t: FileTimes): Uint8Array {
  const view = new DataView(new ArrayBuffer(32));
  [t.atime, t.mtime].forEach((time, i) => {
    view.setFloat64(i * 16, time === 'now' ? -1 : time === undefined ? -2 : time.sec, true);
    view.setFloat64(i * 16 + 8, time === 'now' || time === undefined ? 0 : time.nsec, true);
  });
  return new Uint8Array(view.buffer);
}

export function timeSetting(sec: number, nsec: number): TimeSetting {
  if (sec === -1) return 'now';
  if (sec === -2) return undefined;
  return { sec, nsec };
}

export function decodeTimes(bytes: Uint8Array): FileTimes {
  if (bytes.length !== 32) throw new RangeError(`times record of ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, 32);
  return { atime: timeSetting(view.getFloat64(0, true), view.getFloat64(8, true)), mtime: timeSetting(view.getFloat64(16, true), view.getFloat64(24, true)) };
}

/** A Stat with every field zero except those given. */
export function makeStat(fields: Partial<Stat>): Stat {
  const stat = {} as Stat;
  for (const field of STAT_FIELDS) stat[field] = fields[field] ?? 0;
  if (!fields.blksize) stat.blksize = 4096;
  return stat;
}

export function timeFields(ms: number): { sec: number; nsec: number } {
  const sec = Math.floor(ms / 1000);
  return { sec, nsec: Math.round((ms - sec * 1000) * 1e6) };
}
