/**
 * The `shm` scheme: named shared-memory objects (`/scheme/shm/NAME`). Create with O_CREAT, size
 * with ftruncate, then map with the fmap syscall: every process mapping the object gets the same
 * SharedArrayBuffer, and futexes on it wake across processes. A mapped object may grow (its
 * buffer is a growable SharedArrayBuffer, so every mapping sees the new length) but not shrink.
 * Objects live until the last handle closes and no process maps them.
 */
import { Errno, SysError } from '../../syscall/errno.ts';
import { O_CREAT, O_EXCL, S_IFREG, SEEK_CUR, SEEK_END, SEEK_SET, canRead, canWrite } from '../../syscall/flags.ts';
import { SHM_MAX_BYTES } from '../../syscall/page_cache.ts';
import { makeStat, type Stat } from '../../syscall/stat.ts';
import { HandleTable, SchemeBase, type Call, type SharedMapping } from '../scheme.ts';


interface ShmObject {
  name: string;
  buffer: SharedArrayBuffer | null;
  /** Processes that map it; the kernel calls unmap when one dies. */
  mappings: number;
  handles: number;
  uid: number;
  mode: number;
}

interface ShmHandle {
  object: ShmObject;
  offset: number;
}

export class ShmScheme extends SchemeBase {
  readonly name = 'shm';
  private readonly objects = new Map<string, ShmObject>();
  private readonly handles = new HandleTable<ShmHandle>();
  private readonly byBuffer = new WeakMap<SharedArrayBuffer, ShmObject>();

  open(path: string, flags: number, call: Call): number {
    if (path === '' || path.includes('/')) throw new SysError(Errno.EINVAL, 'shm objects are /scheme/shm/NAME');
    let object = this.objects.get(path);
    if (object && flags & O_CREAT && flags & O_EXCL) throw new SysError(Errno.EEXIST, path);
    if (!object) {
      if (!(flags & O_CREAT)) throw new SysError(Errno.ENOENT, path);
      object = { name: path, buffer: null, mappings: 0, handles: 0, uid: call.caller.uid, mode: flags & 0o777 || 0o600 };
      this.objects.set(path, object);
    } else {
      this.checkAccess(object, flags, call);
    }
    object.handles++;
    return this.handles.add({ object, offset: 0 });
  }

  /** Owner bits for the creator, the others' bits for everyone else, nothing checked for root. */
  private checkAccess(object: ShmObject, flags: number, call: Call): void {
    const uid = call.caller.uid;
    if (uid === 0) return;
    const bits = uid === object.uid ? object.mode >> 6 : object.mode;
    if ((canRead(flags) && !(bits & 4)) || (canWrite(flags) && !(bits & 2))) throw new SysError(Errno.EACCES, `/scheme/shm/${object.name}`);
  }

  close(id: number): void {
    const handle = this.handles.remove(id);
    if (!handle) return;
    handle.object.handles--;
    this.collect(handle.object);
  }

  ftruncate(id: number, length: number): void {
    const { object } = this.handles.get(id);
    if (length > SHM_MAX_BYTES) throw new SysError(Errno.EFBIG);
    const current = object.buffer?.byteLength ?? 0;
    if (length === current) return;
    if (object.buffer && length > current) {
      object.buffer.grow(length);
      return;
    }
    if (object.mappings > 0) throw new SysError(Errno.EBUSY, 'a mapped object cannot shrink');
    const next = new SharedArrayBuffer(length, { maxByteLength: SHM_MAX_BYTES });
    if (object.buffer) new Uint8Array(next).set(new Uint8Array(object.buffer).subarray(0, length));
    if (object.buffer) this.byBuffer.delete(object.buffer);
    object.buffer = next;
    this.byBuffer.set(next, object);
  }

  fmap(id: number): SharedMapping {
    const { object } = this.handles.get(id);
    if (!object.buffer || object.buffer.byteLength === 0) throw new SysError(Errno.EINVAL, 'set the size with ftruncate before mapping');
    return { buffer: object.buffer, offsetCell: -1 };
  }

  /** One more process maps `buffer` (a no-op for buffers that are not shm objects). */
  retain(buffer: SharedArrayBuffer): void {
    const object = this.byBuffer.get(buffer);
    if (object) object.mappings++;
  }

  /** A process that mapped `buffer` is gone. */
  unmap(buffer: SharedArrayBuffer): void {
    const object = this.byBuffer.get(buffer);
    if (!object) return;
    object.mappings--;
    this.collect(object);
  }

  private collect(object: ShmObject): void {
    if (object.handles === 0 && object.mappings === 0 && this.objects.get(object.name) === object) this.objects.delete(object.name);
  }

  read(id: number, count: number): Uint8Array {
    const handle = this.handles.get(id);
    const bytes = new Uint8Array(handle.object.buffer ?? new SharedArrayBuffer(0));
    const out = bytes.slice(handle.offset, handle.offset + count);
    handle.offset += out.length;
    return out;
  }

  write(id: number, data: Uint8Array): number {
    const handle = this.handles.get(id);
    const bytes = new Uint8Array(handle.object.buffer ?? new SharedArrayBuffer(0));
    const n = Math.max(0, Math.min(data.length, bytes.length - handle.offset));
    if (n === 0 && data.length > 0) throw new SysError(Errno.EFBIG, 'write past the end of a shared-memory object');
    bytes.set(data.subarray(0, n), handle.offset);
    handle.offset += n;
    return n;
  }

  seek(id: number, offset: number, whence: number): number {
    const handle = this.handles.get(id);
    const size = handle.object.buffer?.byteLength ?? 0;
    const base = whence === SEEK_SET ? 0 : whence === SEEK_CUR ? handle.offset : whence === SEEK_END ? size : NaN;
    const next = base + offset;
    if (!(next >= 0)) throw new SysError(Errno.EINVAL);
    handle.offset = next;
    return next;
  }

  fstat(id: number): Stat {
    const { object } = this.handles.get(id);
    return makeStat({ mode: S_IFREG | object.mode, nlink: 1, uid: object.uid, size: object.buffer?.byteLength ?? 0 });
  }

  fpath(id: number): string {
    return `/scheme/shm/${this.handles.get(id).object.name}`;
  }
}
