/**
 * The one interface every scheme implements, kernel schemes and the proxy for user-space daemons
 * alike. `SchemeBase` answers every operation with the errno a scheme that does not support it
 * should give (EOPNOTSUPP for path operations, EBADF for handle operations), so a scheme
 * writes only what it supports. Paths given to a scheme are relative to its root, without a
 * leading slash ('' is the root itself).
 */
import { Errno, SysError } from '../syscall/errno.ts';
import type { FileTimes, Stat, StatVfs } from '../syscall/stat.ts';
import type { Caller } from './types.ts';

export type MaybePromise<T> = T | Promise<T>;

/** Per-call context: the caller, and the signal that aborts a blocking call (EINTR). */
export interface Call {
  readonly caller: Caller;
  readonly signal: AbortSignal;
  /** Open flags of the file description (O_NONBLOCK matters to blocking schemes). */
  readonly flags: number;
}

export interface Scheme {
  readonly name: string;
  open(path: string, flags: number, call: Call): MaybePromise<number>;
  close(id: number): MaybePromise<void>;
  read(id: number, count: number, call: Call): MaybePromise<Uint8Array>;
  write(id: number, data: Uint8Array, call: Call): MaybePromise<number>;
  seek(id: number, offset: number, whence: number, call: Call): MaybePromise<number>;
  fstat(id: number, call: Call): MaybePromise<Stat | Uint8Array>;
  fsync(id: number, call: Call): MaybePromise<void>;
  ftruncate(id: number, length: number, call: Call): MaybePromise<void>;
  getdents(id: number, maxBytes: number, call: Call): MaybePromise<Uint8Array>;
  fpath(id: number, call: Call): MaybePromise<string>;
  fchmod(id: number, mode: number, call: Call): MaybePromise<void>;
  fchown(id: number, uid: number, gid: number, call: Call): MaybePromise<void>;
  fstatvfs(id: number, call: Call): MaybePromise<StatVfs>;
  futimens(id: number, times: FileTimes, call: Call): MaybePromise<void>;
  /** Current readiness (EVENT_READ | EVENT_WRITE) of a handle, for the event scheme. */
  poll(id: number, interest: number, call: Call): MaybePromise<number>;
  /** The shared memory behind a handle, for the fmap syscall (ENODEV where there is none). */
  fmap(id: number, call: Call): MaybePromise<SharedMapping>;
  mkdir(path: string, mode: number, call: Call): MaybePromise<void>;
  rmdir(path: string, call: Call): MaybePromise<void>;
  unlink(path: string, call: Call): MaybePromise<void>;
  rename(from: string, to: string, call: Call): MaybePromise<void>;
  link(from: string, to: string, call: Call): MaybePromise<void>;
  symlink(target: string, path: string, call: Call): MaybePromise<void>;
  readlink(path: string, call: Call): MaybePromise<string>;
  chmod(path: string, mode: number, call: Call): MaybePromise<void>;
  chown(path: string, uid: number, gid: number, call: Call): MaybePromise<void>;
}

const unsupported = (): never => {
  throw new SysError(Errno.EOPNOTSUPP);
};
const badHandle = (): never => {
  throw new SysError(Errno.EBADF);
};

/**
 * What fmap hands a process: a shm object's buffer, or a file's page cache (docs/syscalls.md,
 * "fmap"), with the index of the handle's shared offset cell in it (-1 for plain shm objects).
 */
export interface SharedMapping {
  buffer: SharedArrayBuffer;
  offsetCell: number;
}

export abstract class SchemeBase implements Scheme {
  abstract readonly name: string;
  abstract open(path: string, flags: number, call: Call): MaybePromise<number>;
  close(_id: number): MaybePromise<void> {}
  read(_id: number, _count: number, _call: Call): MaybePromise<Uint8Array> {
    return badHandle();
  }
  write(_id: number, _data: Uint8Array, _call: Call): MaybePromise<number> {
    return badHandle();
  }
  seek(_id: number, _offset: number, _whence: number, _call: Call): MaybePromise<number> {
    throw new SysError(Errno.ESPIPE);
  }
  fstat(_id: number, _call: Call): MaybePromise<Stat | Uint8Array> {
    return badHandle();
  }
  fsync(_id: number, _call: Call): MaybePromise<void> {}
  ftruncate(_id: number, _length: number, _call: Call): MaybePromise<void> {
    throw new SysError(Errno.EINVAL);
  }
  getdents(_id: number, _maxBytes: number, _call: Call): MaybePromise<Uint8Array> {
    throw new SysError(Errno.ENOTDIR);
  }
  fpath(_id: number, _call: Call): MaybePromise<string> {
    return badHandle();
  }
  fchmod(_id: number, _mode: number, _call: Call): MaybePromise<void> {
    return unsupported();
  }
  fchown(_id: number, _uid: number, _gid: number, _call: Call): MaybePromise<void> {
    return unsupported();
  }
  fstatvfs(_id: number, _call: Call): MaybePromise<StatVfs> {
    return unsupported();
  }
  futimens(_id: number, _times: FileTimes, _call: Call): MaybePromise<void> {
    return unsupported();
  }
  poll(_id: number, interest: number, _call: Call): MaybePromise<number> {
    return interest;
  }
  fmap(_id: number, _call: Call): MaybePromise<SharedMapping> {
    throw new SysError(Errno.ENODEV, `${this.name} has nothing to map`);
  }
  mkdir(_path: string, _mode: number, _call: Call): MaybePromise<void> {
    return unsupported();
  }
  rmdir(_path: string, _call: Call): MaybePromise<void> {
    return unsupported();
  }
  unlink(_path: string, _call: Call): MaybePromise<void> {
    return unsupported();
  }
  rename(_from: string, _to: string, _call: Call): MaybePromise<void> {
    return unsupported();
  }
  link(_from: string, _to: string, _call: Call): MaybePromise<void> {
    return unsupported();
  }
  symlink(_target: string, _path: string, _call: Call): MaybePromise<void> {
    return unsupported();
  }
  readlink(_path: string, _call: Call): MaybePromise<string> {
    throw new SysError(Errno.EINVAL);
  }
  chmod(_path: string, _mode: number, _call: Call): MaybePromise<void> {
    return unsupported();
  }
  chown(_path: string, _uid: number, _gid: number, _call: Call): MaybePromise<void> {
    return unsupported();
  }
}

/** Handle ids for kernel schemes: a map from small integers to per-open state. */
export class HandleTable<T> {
  private next = 1;
  private readonly handles = new Map<number, T>();
  add(value: T): number {
    const id = this.next++;
    this.handles.set(id, value);
    return id;
  }
  get(id: number): T {
    const value = this.handles.get(id);
    if (value === undefined) throw new SysError(Errno.EBADF);
    return value;
  }
  remove(id: number): T | undefined {
    const value = this.handles.get(id);
    this.handles.delete(id);
    return value;
  }
  values(): IterableIterator<T> {
    return this.handles.values();
  }
}
