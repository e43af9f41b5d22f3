/**
 * The daemon side of the scheme protocol (Redox's redox_scheme crate): register a scheme name,
 * then serve request packets with a handler object. A handler method throwing SysError answers
 * that errno; any other exception is a daemon bug and propagates (the daemon crashes, its callers
 * get EIO, and init restarts it). A handler may park a request (return PARKED) and answer it
 * later with `reply`; a CANCEL for a parked request answers it EINTR.
 */
import { Errno, SysError } from '../syscall/errno.ts';
import { O_CLOEXEC, O_CREAT, O_RDWR } from '../syscall/flags.ts';
import { EVENT_TAG, Opcode, decodeRequest, encodeReply, type Request } from '../syscall/packet.ts';
import { DATA_CAPACITY } from '../syscall/slot.ts';
import { decodeTimes, encodeStat, type FileTimes, type Stat, type StatVfs } from '../syscall/stat.ts';
import { close, open, read } from './fs.ts';
import { syscall } from './syscall.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const PARKED = Symbol('parked');
export type Answer<T> = T | typeof PARKED;

/** The caller of a request, as the kernel vouches for it. */
export interface Requester {
  pid: number;
  uid: number;
  gid: number;
  tag: number;
}

export interface SchemeHandler {
  open(path: string, flags: number, who: Requester): Answer<number>;
  close?(id: number, who: Requester): void;
  read?(id: number, count: number, who: Requester, flags: number): Answer<Uint8Array>;
  write?(id: number, data: Uint8Array, who: Requester, flags: number): Answer<number>;
  seek?(id: number, offset: number, whence: number, who: Requester): number;
  fstat?(id: number, who: Requester): Stat;
  fsync?(id: number, who: Requester): void;
  ftruncate?(id: number, length: number, who: Requester): void;
  getdents?(id: number, maxBytes: number, who: Requester): Uint8Array;
  fpath?(id: number, who: Requester): string;
  fchmod?(id: number, mode: number, who: Requester): void;
  fchown?(id: number, uid: number, gid: number, who: Requester): void;
  fevent?(id: number, interest: number, who: Requester): number;
  fstatvfs?(id: number, who: Requester): StatVfs;
  futimens?(id: number, times: FileTimes, who: Requester): void;
  mkdir?(path: string, mode: number, who: Requester): void;
  rmdir?(path: string, who: Requester): void;
  unlink?(path: string, who: Requester): void;
  rename?(from: string, to: string, who: Requester): void;
  link?(from: string, to: string, who: Requester): void;
  symlink?(target: string, path: string, who: Requester): void;
  readlink?(path: string, who: Requester): string;
  chmod?(path: string, mode: number, who: Requester): void;
  chown?(path: string, uid: number, gid: number, who: Requester): void;
  /** Shares the handle's page cache: one of the daemon's own map ids, and the handle's offset cell (src/syscall/page_cache.ts). */
  fmap?(id: number, who: Requester): { mapId: number; offsetCell: number };
  /** A parked request was cancelled; the server answers it EINTR after this returns. */
  cancel?(tag: number): void;
}

/** A number, bytes (the result is their length), or both. */
type Result = number | Uint8Array | { value: number; data: Uint8Array };

export class SchemeServer {
  private readonly parked = new Set<number>();

  private constructor(
    readonly name: string,
    readonly fd: number,
  ) {}

  static register(name: string): SchemeServer {
    return new SchemeServer(name, open(`/scheme/${name}`, O_CREAT | O_RDWR | O_CLOEXEC));
  }

  /** Serves requests until the socket is closed or a handler throws a non-errno exception. */
  serve(handler: SchemeHandler): void {
    for (;;) {
      const packet = read(this.fd, DATA_CAPACITY);
      if (packet.length === 0) return;
      this.handle(handler, decodeRequest(packet));
    }
  }

  handle(handler: SchemeHandler, req: Request): void {
    const who: Requester = { pid: req.pid, uid: req.uid, gid: req.gid, tag: req.tag };
    if (req.opcode === Opcode.CANCEL) return this.cancel(handler, req.id);
    let result: Result | typeof PARKED;
    try {
      result = this.call(handler, req, who);
    } catch (error) {
      if (!(error instanceof SysError)) throw error;
      return this.replyError(req.tag, error.errno);
    }
    if (result === PARKED) this.parked.add(req.tag);
    else this.reply(req.tag, result);
  }

  reply(tag: number, result: Result): void {
    this.parked.delete(tag);
    const reply = typeof result === 'number' ? { value: result, data: new Uint8Array(0) } : result instanceof Uint8Array ? { value: result.length, data: result } : result;
    this.send(encodeReply({ tag, errno: 0, result: reply.value, data: reply.data }));
  }

  replyError(tag: number, errno: number): void {
    this.parked.delete(tag);
    this.send(encodeReply({ tag, errno, result: 0, data: new Uint8Array(0) }));
  }

  /** Tells the kernel a handle's readiness changed (for the event scheme). */
  notifyReadiness(id: number, ready: number): void {
    this.send(encodeReply({ tag: EVENT_TAG, errno: ready, result: id, data: new Uint8Array(0) }));
  }

  /**
   * A reply is a message, not a stream: it goes to the kernel in one write syscall (libc's
   * write() would cut one carrying IO_MAX bytes of data, plus its header, in two).
   */
  private send(packet: Uint8Array): void {
    const taken = syscall('write', this.fd, packet);
    if (taken !== packet.length) throw new SysError(Errno.EIO, `the kernel took ${taken} of a ${packet.length}-byte reply`);
  }

  close(): void {
    close(this.fd);
  }

  private cancel(handler: SchemeHandler, tag: number): void {
    if (!this.parked.has(tag)) return;
    handler.cancel?.(tag);
    this.replyError(tag, Errno.EINTR);
  }

  private call(h: SchemeHandler, req: Request, who: Requester): Result | typeof PARKED {
    const path = (): string => decoder.decode(req.part1);
    const path2 = (): string => decoder.decode(req.part2);
    const need = <F>(f: F | undefined): F => {
      if (f === undefined) throw new SysError(req.opcode >= Opcode.MKDIR ? Errno.EOPNOTSUPP : Errno.EBADF);
      return f;
    };
    switch (req.opcode) {
      case Opcode.OPEN: return h.open(path(), req.a0, who);
      case Opcode.CLOSE: return h.close?.(req.id, who), 0;
      case Opcode.READ: return need(h.read).call(h, req.id, req.a0, who, req.a1);
      case Opcode.WRITE: return need(h.write).call(h, req.id, req.part1, who, req.a1);
      case Opcode.SEEK: return need(h.seek).call(h, req.id, req.a0, req.a1, who);
      case Opcode.FSTAT: return encodeStat(need(h.fstat).call(h, req.id, who));
      case Opcode.FSYNC: return h.fsync?.(req.id, who), 0;
      case Opcode.FTRUNCATE: return need(h.ftruncate).call(h, req.id, req.a0, who), 0;
      case Opcode.GETDENTS: return need(h.getdents).call(h, req.id, req.a0, who);
      case Opcode.FPATH: return encoder.encode(need(h.fpath).call(h, req.id, who));
      case Opcode.FCHMOD: return need(h.fchmod).call(h, req.id, req.a0, who), 0;
      case Opcode.FCHOWN: return need(h.fchown).call(h, req.id, req.a0, req.a1, who), 0;
      case Opcode.FEVENT: return h.fevent ? h.fevent(req.id, req.a0, who) : req.a0;
      case Opcode.FUTIMENS: return need(h.futimens).call(h, req.id, decodeTimes(req.part1), who), 0;
      case Opcode.FMAP: {
        if (!h.fmap) throw new SysError(Errno.ENODEV, `scheme ${this.name} maps nothing`);
        const { mapId, offsetCell } = h.fmap(req.id, who);
        const cell = new Uint8Array(4);
        new DataView(cell.buffer).setInt32(0, offsetCell, true);
        return { value: mapId, data: cell };
      }
      case Opcode.FSTATVFS: return encoder.encode(JSON.stringify(need(h.fstatvfs).call(h, req.id, who)));
      case Opcode.MKDIR: return need(h.mkdir).call(h, path(), req.a0, who), 0;
      case Opcode.RMDIR: return need(h.rmdir).call(h, path(), who), 0;
      case Opcode.UNLINK: return need(h.unlink).call(h, path(), who), 0;
      case Opcode.RENAME: return need(h.rename).call(h, path(), path2(), who), 0;
      case Opcode.LINK: return need(h.link).call(h, path(), path2(), who), 0;
      case Opcode.SYMLINK: return need(h.symlink).call(h, path(), path2(), who), 0;
      case Opcode.READLINK: return encoder.encode(need(h.readlink).call(h, path(), who));
      case Opcode.CHMOD: return need(h.chmod).call(h, path(), req.a0, who), 0;
      case Opcode.CHOWN: return need(h.chown).call(h, path(), req.a0, req.a1, who), 0;
      default: throw new SysError(Errno.ENOSYS, `scheme opcode ${req.opcode}`);
    }
  }
}
