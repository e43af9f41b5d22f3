/**
 * The snapshot control scheme of a RedoxFS daemon: besides the filesystem itself (scheme
 * `file`), redoxfsd serves `/scheme/file.snapshots` (SCHEME.snapshots for a volume served as
 * SCHEME), through which root takes, rolls back to and deletes snapshots of the live volume
 * (docs/redoxfs-format.md, "Snapshots from inside the OS"):
 *
 *   ls /scheme/file.snapshots                        the snapshots, by name
 *   mkdir /scheme/file.snapshots/NAME                take one
 *   cat /scheme/file.snapshots/NAME                  its generation and creation time
 *   echo rollback > /scheme/file.snapshots/NAME      make the live volume what NAME holds
 *   rm /scheme/file.snapshots/NAME                   delete it (so does rmdir)
 *
 * Only root may use it (EACCES otherwise): a rollback discards every change made since. Each
 * operation commits before it answers, so what it reports is durable. After a rollback the
 * file scheme's open handles are revalidated (`onRollback`): one whose file the snapshot does
 * not hold answers ENOENT from then on.
 */
import { Errno, SysError } from '../syscall/errno.ts';
import { DT_REG, O_CREAT, O_EXCL, S_IFDIR, S_IFREG } from '../syscall/flags.ts';
import { makeStat, type Stat } from '../syscall/stat.ts';
import { F_GETFL, F_SETFL, O_NONBLOCK } from '../syscall/flags.ts';
import { DATA_CAPACITY } from '../syscall/slot.ts';
import { decodeRequest } from '../syscall/packet.ts';
import { fcntl, read } from '../libc/fs.ts';
import { SchemeServer, type Requester, type SchemeHandler } from '../libc/scheme.ts';
import { listingReply, seekTarget } from '../libc/scheme_handles.ts';
import { isFsError } from './errors.ts';
import type { RedoxFS, SnapshotInfo } from './fs.ts';

export const SNAPSHOT_SCHEME_SUFFIX = '.snapshots';
const ROLLBACK_COMMAND = 'rollback';

type Handle = { kind: 'listing'; offset: number } | { kind: 'snapshot'; name: string; info: Uint8Array; offset: number };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The control scheme's name for a volume served as `scheme`. */
export function snapshotSchemeName(scheme: string): string {
  return `${scheme}${SNAPSHOT_SCHEME_SUFFIX}`;
}

function infoText(s: SnapshotInfo): Uint8Array {
  return encoder.encode(`name ${s.name}\ngeneration ${s.generation}\ncreated ${s.created.sec}.${String(s.created.nsec).padStart(9, '0')}\n`);
}

export class SnapshotControl implements SchemeHandler {
  private readonly handles = new Map<number, Handle>();
  private nextId = 1;

  /** `onRollback` runs after every rollback, to revalidate what the file scheme holds open. */
  constructor(
    private readonly fs: RedoxFS,
    private readonly scheme: string,
    private readonly onRollback: () => void,
  ) {}

  /** Runs a volume call as root only, turning filesystem errors into errnos. */
  private asRoot<T>(who: Requester, work: () => T): T {
    if (who.uid !== 0) throw new SysError(Errno.EACCES, 'only root may manage snapshots');
    try {
      return work();
    } catch (error) {
      if (isFsError(error)) throw new SysError(Errno[error.code], error.message);
      throw error;
    }
  }

  private find(name: string): SnapshotInfo | undefined {
    return this.fs.snapshots().find((s) => s.name === name);
  }

  private handle(id: number): Handle {
    const h = this.handles.get(id);
    if (!h) throw new SysError(Errno.EBADF);
    return h;
  }

  private snapshotHandle(id: number): Extract<Handle, { kind: 'snapshot' }> {
    const h = this.handle(id);
    if (h.kind !== 'snapshot') throw new SysError(Errno.EISDIR);
    return h;
  }

  open(path: string, flags: number, who: Requester): number {
    const name = path.replace(/^\/+|\/+$/g, '');
    return this.asRoot(who, () => {
      const id = this.nextId++;
      if (name === '') {
        this.handles.set(id, { kind: 'listing', offset: 0 });
        return id;
      }
      // Only mkdir takes a snapshot, so `echo rollback > .../TYPO` fails instead of making one.
      const found = this.find(name);
      if (!found) throw new SysError(Errno.ENOENT, `no snapshot named ${name}`);
      if (flags & O_CREAT && flags & O_EXCL) throw new SysError(Errno.EEXIST, `snapshot ${name} exists`);
      this.handles.set(id, { kind: 'snapshot', name, info: infoText(found), offset: 0 });
      return id;
    });
  }

  close(id: number): void {
    this.handles.delete(id);
  }

  read(id: number, count: number): Uint8Array {
    const h = this.snapshotHandle(id);
    const out = h.info.slice(h.offset, h.offset + count);
    h.offset += out.length;
    return out;
  }

  /** The one command: `rollback` (a trailing newline allowed, as echo writes it). */
  write(id: number, data: Uint8Array, who: Requester): number {
    const h = this.snapshotHandle(id);
    const command = decoder.decode(data).trim();
    if (command !== ROLLBACK_COMMAND) throw new SysError(Errno.EINVAL, `unknown snapshot command ${JSON.stringify(command.slice(0, 40))} (only "${ROLLBACK_COMMAND}")`);
    this.asRoot(who, () => this.fs.rollback(h.name));
    this.onRollback();
    return data.length;
  }

  /** The shell's `>` truncates before it writes; there is nothing to truncate. */
  ftruncate(): void {}

  seek(id: number, offset: number, whence: number): number {
    const h = this.handle(id);
    h.offset = seekTarget(h.offset, offset, whence, h.kind === 'snapshot' ? h.info.length : 0);
    return h.offset;
  }

  fstat(id: number): Stat {
    const h = this.handle(id);
    if (h.kind === 'listing') return makeStat({ mode: S_IFDIR | 0o700, nlink: 2 });
    return makeStat({ mode: S_IFREG | 0o600, nlink: 1, size: h.info.length });
  }

  getdents(id: number, maxBytes: number, who: Requester): Uint8Array {
    const h = this.handle(id);
    if (h.kind !== 'listing') throw new SysError(Errno.ENOTDIR);
    const names = this.asRoot(who, () => this.fs.snapshots().map((s) => s.name).sort());
    const { bytes, cursor } = listingReply(names, h.offset, maxBytes, DT_REG);
    h.offset = cursor;
    return bytes;
  }

  fpath(id: number): string {
    const h = this.handle(id);
    return `/scheme/${snapshotSchemeName(this.scheme)}${h.kind === 'snapshot' ? `/${h.name}` : ''}`;
  }

  mkdir(path: string, _mode: number, who: Requester): void {
    this.asRoot(who, () => this.fs.snapshotCreate(path.replace(/^\/+|\/+$/g, '')));
  }

  unlink(path: string, who: Requester): void {
    this.asRoot(who, () => this.fs.snapshotDelete(path.replace(/^\/+|\/+$/g, '')));
  }

  rmdir(path: string, who: Requester): void {
    this.unlink(path, who);
  }
}

/** The control scheme's socket, non-blocking, so the daemon's one loop serves it beside the volume. */
export class SnapshotControlServer {
  private readonly server: SchemeServer;
  private readonly handler: SnapshotControl;

  constructor(fs: RedoxFS, scheme: string, onRollback: () => void) {
    this.server = SchemeServer.register(snapshotSchemeName(scheme));
    fcntl(this.server.fd, F_SETFL, fcntl(this.server.fd, F_GETFL) | O_NONBLOCK);
    this.handler = new SnapshotControl(fs, scheme, onRollback);
  }

  get fd(): number {
    return this.server.fd;
  }

  /** Serves the requests waiting on the socket; false when there were none. */
  serveWaiting(): boolean {
    let served = false;
    for (;;) {
      let packet: Uint8Array;
      try {
        packet = read(this.server.fd, DATA_CAPACITY);
      } catch (error) {
        if (error instanceof SysError && (error.errno === Errno.EAGAIN || error.errno === Errno.EINTR)) return served;
        throw error;
      }
      if (packet.length === 0) return served;
      this.server.handle(this.handler, decodeRequest(packet));
      served = true;
    }
  }
}
