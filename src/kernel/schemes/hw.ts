/**
 * The `hw` scheme: raw access to the block devices the host hands the machine
 * (`/scheme/hw/disk0`), Redox's equivalent being the hardware access a driver gets from the
 * kernel. Each device is a device channel for exactly one driver: only root may open it, and
 * only one handle may be open at a time (EBUSY). Reads and writes work at the handle's offset
 * and never cross the end of the device; fsync waits until the host has made every earlier
 * write durable. An encrypted disk's password, given to the bootloader, is at `DISK-key`: only
 * the process holding the disk open (its driver) may read it, so a restarted driver can unlock
 * the volume again and nothing else can read the key.
 */
import { DT_BLK, DT_REG, O_DIRECTORY, O_STAT, S_IFBLK, S_IFDIR, S_IFREG, SEEK_CUR, SEEK_END, SEEK_SET, canWrite } from '../../syscall/flags.ts';
import { Errno, SysError } from '../../syscall/errno.ts';
import { encodeDirents } from '../../syscall/dirent.ts';
import { makeStat, type Stat } from '../../syscall/stat.ts';
import { HandleTable, SchemeBase, type Call } from '../scheme.ts';
import type { HostBlockDevice } from '../types.ts';

type Handle =
  | { kind: 'listing'; offset: number }
  | { kind: 'device'; device: HostBlockDevice; offset: number; stat: boolean }
  | { kind: 'key'; device: HostBlockDevice; secret: Uint8Array; offset: number };

const KEY_SUFFIX = '-key';

export class HwScheme extends SchemeBase {
  readonly name = 'hw';
  private readonly handles = new HandleTable<Handle>();
  /** Devices open by their driver, and the driver's pid. */
  private readonly busy = new Map<HostBlockDevice, number>();
  private readonly keys = new Map<string, HostBlockDevice>();

  constructor(private readonly devices: readonly HostBlockDevice[]) {
    super();
    for (const device of devices) if (device.password !== undefined) this.keys.set(device.name + KEY_SUFFIX, device);
  }

  private names(): string[] {
    return [...this.devices.map((d) => d.name), ...this.keys.keys()];
  }

  open(path: string, flags: number, call: Call): number {
    if (path === '') return this.handles.add({ kind: 'listing', offset: 0 });
    const keyOf = this.keys.get(path);
    if (keyOf) {
      if (flags & O_STAT) return this.handles.add({ kind: 'key', device: keyOf, secret: new Uint8Array(0), offset: 0 });
      if (this.busy.get(keyOf) !== call.caller.pid) throw new SysError(Errno.EACCES, `only the driver holding ${keyOf.name} may read its key`);
      return this.handles.add({ kind: 'key', device: keyOf, secret: new TextEncoder().encode(keyOf.password), offset: 0 });
    }
    const device = this.devices.find((d) => d.name === path);
    if (!device) throw new SysError(Errno.ENOENT, `/scheme/hw/${path}`);
    if (flags & O_DIRECTORY) throw new SysError(Errno.ENOTDIR);
    if (flags & O_STAT) return this.handles.add({ kind: 'device', device, offset: 0, stat: true });
    if (call.caller.uid !== 0) throw new SysError(Errno.EACCES, 'only root may open a device');
    if (canWrite(flags) && device.readOnly) throw new SysError(Errno.EROFS, `${device.name} is read-only`);
    if (this.busy.has(device)) throw new SysError(Errno.EBUSY, `${device.name} is already open by its driver`);
    this.busy.set(device, call.caller.pid);
    return this.handles.add({ kind: 'device', device, offset: 0, stat: false });
  }

  close(id: number): void {
    const h = this.handles.remove(id);
    if (h?.kind === 'device' && !h.stat) this.busy.delete(h.device);
  }

  private device(id: number): Extract<Handle, { kind: 'device' }> {
    const h = this.handles.get(id);
    if (h.kind !== 'device' || h.stat) throw new SysError(Errno.EBADF);
    return h;
  }

  async read(id: number, count: number): Promise<Uint8Array> {
    const key = this.handles.get(id);
    if (key.kind === 'key') {
      const out = key.secret.slice(key.offset, key.offset + count);
      key.offset += out.length;
      return out;
    }
    const h = this.device(id);
    const length = Math.max(0, Math.min(count, h.device.sizeBytes - h.offset));
    if (length === 0) return new Uint8Array(0);
    const data = await h.device.read(h.offset, length);
    h.offset += data.length;
    return data;
  }

  async write(id: number, data: Uint8Array): Promise<number> {
    const h = this.device(id);
    // Open already refuses write access to a read-only device; this keeps any other path out too.
    if (h.device.readOnly) throw new SysError(Errno.EROFS, `${h.device.name} is read-only`);
    if (h.offset + data.length > h.device.sizeBytes) throw new SysError(Errno.ENOSPC, `write past the end of ${h.device.name}`);
    const n = await h.device.write(h.offset, data);
    h.offset += n;
    return n;
  }

  seek(id: number, offset: number, whence: number): number {
    const h = this.device(id);
    const base = whence === SEEK_SET ? 0 : whence === SEEK_CUR ? h.offset : whence === SEEK_END ? h.device.sizeBytes : NaN;
    if (!(base + offset >= 0)) throw new SysError(Errno.EINVAL);
    h.offset = base + offset;
    return h.offset;
  }

  async fsync(id: number): Promise<void> {
    await this.device(id).device.flush();
  }

  fstat(id: number): Stat {
    const h = this.handles.get(id);
    if (h.kind === 'listing') return makeStat({ mode: S_IFDIR | 0o555, nlink: 2 });
    if (h.kind === 'key') return makeStat({ mode: S_IFREG | 0o400, nlink: 1, size: h.secret.length });
    return makeStat({ mode: S_IFBLK | (h.device.readOnly ? 0o400 : 0o600), nlink: 1, size: h.device.sizeBytes, rdev: 8 });
  }

  getdents(id: number, maxBytes: number): Uint8Array {
    const h = this.handles.get(id);
    if (h.kind !== 'listing') throw new SysError(Errno.ENOTDIR);
    const rest = this.names().slice(h.offset);
    const { bytes, count } = encodeDirents(rest.map((name) => ({ name, type: name.endsWith(KEY_SUFFIX) ? DT_REG : DT_BLK })), maxBytes);
    if (count === 0 && rest.length > 0) throw new SysError(Errno.EINVAL, 'buffer too small for a directory entry');
    h.offset += count;
    return bytes;
  }

  fpath(id: number): string {
    const h = this.handles.get(id);
    if (h.kind === 'listing') return '/scheme/hw';
    return h.kind === 'key' ? `/scheme/hw/${h.device.name}${KEY_SUFFIX}` : `/scheme/hw/${h.device.name}`;
  }
}
