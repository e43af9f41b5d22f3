/** Shared memory and futexes: map a /scheme/shm object and wait/wake on 32-bit words in it. */
import { FUTEX_WAIT, FUTEX_WAKE } from '../syscall/flags.ts';
import { bootInfo } from './boot.ts';
import { syscall } from './syscall.ts';

export interface Mapping {
  id: number;
  buffer: SharedArrayBuffer;
  words: Int32Array;
}

export function fmap(fd: number): Mapping {
  const [id] = syscall('fmap', fd);
  const buffer = bootInfo().receiveMap(id);
  return { id, buffer, words: new Int32Array(buffer) };
}

/** Drops a mapping made by fmap (the object lives on while others map it or hold it open). */
export function funmap(map: Mapping): void {
  syscall('funmap', map.id);
}

/** Sleeps while the word at `index` equals `expected`; throws EAGAIN if it already differs, ETIMEDOUT on timeout. */
export function futexWait(map: Mapping, index: number, expected: number, timeoutMs = -1): void {
  syscall('futex', FUTEX_WAIT, map.id, index * 4, expected, timeoutMs);
}

export function futexWake(map: Mapping, index: number, count: number): number {
  return syscall('futex', FUTEX_WAKE, map.id, index * 4, count, -1);
}
