/**
 * Schemes served by user-space daemons. `UserScheme` is the kernel's proxy registered under the
 * daemon's name: every operation on it becomes a request packet (src/syscall/packet.ts) queued
 * for the daemon, and the caller waits for the reply with the same tag. The daemon holds the
 * other side as a file descriptor on the `SchemeSocketScheme`: reading it takes the next request,
 * writing it delivers replies (and unprompted readiness events).
 *
 * If the socket closes (the daemon exits, crashes or is killed) the scheme is unregistered and
 * every caller still waiting gets EIO; handles opened on it answer EIO from then on.
 * An interrupted caller's request is not dropped: a CANCEL packet follows it to the daemon (at
 * once if the daemon has taken it, else right after it does), and the caller takes whatever the
 * daemon replies: EINTR for a request it had parked, the real answer for one it could finish.
 * So only calls that would wait are interrupted, as with a slow device in POSIX.
 */
import { Errno, SysError } from '../../syscall/errno.ts';
import { EVENT_READ, EVENT_WRITE, O_NONBLOCK } from '../../syscall/flags.ts';
import {
  EVENT_TAG, Opcode, REPLY_HEADER, REQUEST_HEADER, decodeReplies, encodeRequest, type Reply,
} from '../../syscall/packet.ts';
import { IO_MAX } from '../../syscall/slot.ts';
import { STAT_BYTES, encodeTimes, isStatVfs, type FileTimes, type StatVfs } from '../../syscall/stat.ts';
import type { Kernel } from '../kernel.ts';
import { schemePathToAbsolute } from '../path.ts';
import { HandleTable, SchemeBase, type Call, type SharedMapping } from '../scheme.ts';
import { asPid } from '../types.ts';
import { WaitQueue } from '../wait_queue.ts';

/** Largest data part of a WRITE request or READ reply: a packet with it fits one daemon read. */
export const MAX_TRANSFER = IO_MAX;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const EMPTY = new Uint8Array(0);

interface Pending {
  tag: number;
  packet: Uint8Array;
  taken: boolean;
  /** Interrupted before the daemon took it: send CANCEL right after the daemon takes it. */
  cancelWhenTaken: Call | null;
  resolve(reply: Reply): void;
  reject(error: unknown): void;
}

export class UserScheme extends SchemeBase {
  private readonly queue: Pending[] = [];
  private readonly inFlight = new Map<number, Pending>();
  private readonly readiness = new Map<number, number>();
  private readonly requestArrived = new WaitQueue();
  private nextTag = 1;
  private dead = false;

  constructor(
    readonly name: string,
    readonly ownerPid: number,
    private readonly kernel: Kernel,
  ) {
    super();
  }

  // ---- the daemon's side ------------------------------------------------------------------

  async takeRequest(count: number, call: Call): Promise<Uint8Array> {
    for (;;) {
      const next = this.queue.shift();
      if (next) {
        if (next.packet.length > count) {
          this.queue.unshift(next);
          throw new SysError(Errno.EINVAL, `scheme read buffer of ${count} bytes is smaller than a ${next.packet.length}-byte request`);
        }
        next.taken = true;
        if (next.cancelWhenTaken) this.sendCancel(next, next.cancelWhenTaken);
        return next.packet;
      }
      if (call.flags & O_NONBLOCK) throw new SysError(Errno.EAGAIN);
      await this.requestArrived.wait(call.signal);
    }
  }

  deliverReplies(bytes: Uint8Array): number {
    let replies: Reply[];
    try {
      replies = decodeReplies(bytes);
    } catch (error) {
      throw new SysError(Errno.EINVAL, `malformed reply from ${this.name}: ${(error as Error).message}`);
    }
    for (const reply of replies) {
      if (reply.tag === EVENT_TAG) {
        this.readiness.set(reply.result, reply.errno);
        this.kernel.readiness.wakeAll();
        continue;
      }
      const pending = this.inFlight.get(reply.tag);
      if (!pending) {
        this.kernel.log.info(`scheme ${this.name}: reply for unknown tag ${reply.tag} ignored`);
        continue;
      }
      this.inFlight.delete(reply.tag);
      pending.resolve(reply);
    }
    return bytes.length;
  }

  hasRequests(): boolean {
    return this.queue.length > 0 || this.dead;
  }

  /** The daemon's socket closed: fail everything outstanding and leave the registry. */
  shutdown(): void {
    if (this.dead) return;
    this.dead = true;
    this.kernel.unregisterScheme(this);
    const failed = [...this.queue.splice(0), ...this.inFlight.values()];
    this.inFlight.clear();
    for (const pending of failed) pending.reject(new SysError(Errno.EIO, `scheme ${this.name} went away`));
    if (failed.length) this.kernel.log.info(`scheme ${this.name}: ${failed.length} request(s) failed with EIO`);
    this.requestArrived.wakeAll();
    this.kernel.readiness.wakeAll();
  }

  // ---- the callers' side ------------------------------------------------------------------

  private async request(
    opcode: number, call: Call,
    fields: { id?: number; a0?: number; a1?: number; a2?: number; part1?: Uint8Array; part2?: Uint8Array },
  ): Promise<Reply> {
    if (this.dead) throw new SysError(Errno.EIO, `scheme ${this.name} is gone`);
    const tag = this.nextTag;
    this.nextTag = this.nextTag >= 0x7fff_ffff ? 1 : this.nextTag + 1;
    const packet = encodeRequest({
      opcode, tag, pid: call.caller.pid, uid: call.caller.uid, gid: call.caller.gid,
      id: fields.id ?? 0, a0: fields.a0 ?? 0, a1: fields.a1 ?? 0, a2: fields.a2 ?? 0,
      part1: fields.part1 ?? EMPTY, part2: fields.part2 ?? EMPTY,
    });
    let onAbort = (): void => undefined;
    const reply = await new Promise<Reply>((resolve, reject) => {
      const pending: Pending = { tag, packet, taken: false, cancelWhenTaken: null, resolve, reject };
      this.queue.push(pending);
      this.inFlight.set(tag, pending);
      this.requestArrived.wakeAll();
      this.kernel.readiness.wakeAll();
      onAbort = () => this.cancel(pending, call);
      if (call.signal.aborted) onAbort();
      else call.signal.addEventListener('abort', onAbort, { once: true });
    }).finally(() => call.signal.removeEventListener('abort', onAbort));
    if (reply.errno !== 0) throw new SysError(reply.errno);
    return reply;
  }

  private cancel(pending: Pending, call: Call): void {
    if (!this.inFlight.has(pending.tag)) return;
    if (!pending.taken) {
      pending.cancelWhenTaken = call;
      return;
    }
    this.sendCancel(pending, call);
  }

  private sendCancel(pending: Pending, call: Call): void {
    const packet = encodeRequest({
      opcode: Opcode.CANCEL, tag: 0, pid: call.caller.pid, uid: call.caller.uid, gid: call.caller.gid,
      id: pending.tag, a0: 0, a1: 0, a2: 0, part1: EMPTY, part2: EMPTY,
    });
    this.queue.unshift({ tag: 0, packet, taken: false, cancelWhenTaken: null, resolve: () => undefined, reject: () => undefined });
    this.requestArrived.wakeAll();
  }

  async open(path: string, flags: number, call: Call): Promise<number> {
    return (await this.request(Opcode.OPEN, call, { a0: flags, part1: encoder.encode(path) })).result;
  }
  async close(id: number): Promise<void> {
    this.readiness.delete(id);
    if (this.dead) return;
    await this.request(Opcode.CLOSE, { caller: { pid: 0, uid: 0, gid: 0 }, signal: new AbortController().signal, flags: 0 }, { id });
  }
  async read(id: number, count: number, call: Call): Promise<Uint8Array> {
    return (await this.request(Opcode.READ, call, { id, a0: Math.min(count, MAX_TRANSFER), a1: call.flags })).data;
  }
  async write(id: number, data: Uint8Array, call: Call): Promise<number> {
    return (await this.request(Opcode.WRITE, call, { id, a1: call.flags, part1: data.subarray(0, MAX_TRANSFER) })).result;
  }
  async seek(id: number, offset: number, whence: number, call: Call): Promise<number> {
    return (await this.request(Opcode.SEEK, call, { id, a0: offset, a1: whence })).result;
  }
  async fstat(id: number, call: Call): Promise<Uint8Array> {
    const reply = await this.request(Opcode.FSTAT, call, { id });
    if (reply.data.length !== STAT_BYTES) throw new SysError(Errno.EIO, `scheme ${this.name} sent a malformed stat`);
    return reply.data;
  }
  async fsync(id: number, call: Call): Promise<void> {
    await this.request(Opcode.FSYNC, call, { id });
  }
  async ftruncate(id: number, length: number, call: Call): Promise<void> {
    await this.request(Opcode.FTRUNCATE, call, { id, a0: length });
  }
  async getdents(id: number, maxBytes: number, call: Call): Promise<Uint8Array> {
    return (await this.request(Opcode.GETDENTS, call, { id, a0: Math.min(maxBytes, MAX_TRANSFER) })).data;
  }
  async fpath(id: number, call: Call): Promise<string> {
    return schemePathToAbsolute(this.name, decoder.decode((await this.request(Opcode.FPATH, call, { id })).data));
  }
  async fchmod(id: number, mode: number, call: Call): Promise<void> {
    await this.request(Opcode.FCHMOD, call, { id, a0: mode });
  }
  async fchown(id: number, uid: number, gid: number, call: Call): Promise<void> {
    await this.request(Opcode.FCHOWN, call, { id, a0: uid, a1: gid });
  }
  async fstatvfs(id: number, call: Call): Promise<StatVfs> {
    const reply = await this.request(Opcode.FSTATVFS, call, { id });
    let parsed: unknown;
    try {
      parsed = JSON.parse(decoder.decode(reply.data));
    } catch {
      parsed = null;
    }
    if (!isStatVfs(parsed)) throw new SysError(Errno.EIO, `scheme ${this.name} sent a malformed statvfs`);
    return parsed;
  }
  async futimens(id: number, times: FileTimes, call: Call): Promise<void> {
    await this.request(Opcode.FUTIMENS, call, { id, part1: encodeTimes(times) });
  }
  async poll(id: number, interest: number, call: Call): Promise<number> {
    if (this.dead) return interest;
    let ready = this.readiness.get(id);
    if (ready === undefined) {
      ready = (await this.request(Opcode.FEVENT, call, { id, a0: EVENT_READ | EVENT_WRITE })).result;
      this.readiness.set(id, ready);
    }
    return ready & interest;
  }
  /**
   * The daemon answers FMAP with one of its own map ids (a shm object it mapped) and the handle's
   * offset cell; the caller gets that same buffer. A daemon can only share what it has mapped.
   */
  async fmap(id: number, call: Call): Promise<SharedMapping> {
    const reply = await this.request(Opcode.FMAP, call, { id });
    const buffer = this.kernel.processes.get(asPid(this.ownerPid))?.maps.get(reply.result);
    if (!buffer || reply.data.length !== 4) throw new SysError(Errno.EIO, `scheme ${this.name} sent a malformed fmap reply`);
    const offsetCell = new DataView(reply.data.buffer, reply.data.byteOffset, 4).getInt32(0, true);
    return { buffer, offsetCell };
  }
  async mkdir(path: string, mode: number, call: Call): Promise<void> {
    await this.request(Opcode.MKDIR, call, { a0: mode, part1: encoder.encode(path) });
  }
  async rmdir(path: string, call: Call): Promise<void> {
    await this.request(Opcode.RMDIR, call, { part1: encoder.encode(path) });
  }
  async unlink(path: string, call: Call): Promise<void> {
    await this.request(Opcode.UNLINK, call, { part1: encoder.encode(path) });
  }
  async rename(from: string, to: string, call: Call): Promise<void> {
    await this.request(Opcode.RENAME, call, { part1: encoder.encode(from), part2: encoder.encode(to) });
  }
  async link(from: string, to: string, call: Call): Promise<void> {
    await this.request(Opcode.LINK, call, { part1: encoder.encode(from), part2: encoder.encode(to) });
  }
  async symlink(target: string, path: string, call: Call): Promise<void> {
    await this.request(Opcode.SYMLINK, call, { part1: encoder.encode(target), part2: encoder.encode(path) });
  }
  async readlink(path: string, call: Call): Promise<string> {
    return decoder.decode((await this.request(Opcode.READLINK, call, { part1: encoder.encode(path) })).data);
  }
  async chmod(path: string, mode: number, call: Call): Promise<void> {
    await this.request(Opcode.CHMOD, call, { a0: mode, part1: encoder.encode(path) });
  }
  async chown(path: string, uid: number, gid: number, call: Call): Promise<void> {
    await this.request(Opcode.CHOWN, call, { a0: uid, a1: gid, part1: encoder.encode(path) });
  }
}

/** The daemons' ends of their schemes. Not registered by name: reached only through the fd. */
export class SchemeSocketScheme extends SchemeBase {
  readonly name = 'scheme-socket';
  private readonly sockets = new HandleTable<UserScheme>();

  bind(scheme: UserScheme): number {
    return this.sockets.add(scheme);
  }
  open(): number {
    throw new SysError(Errno.ENOENT);
  }
  close(id: number): void {
    this.sockets.remove(id)?.shutdown();
  }
  read(id: number, count: number, call: Call): Promise<Uint8Array> {
    return this.sockets.get(id).takeRequest(count, call);
  }
  write(id: number, data: Uint8Array): number {
    return this.sockets.get(id).deliverReplies(data);
  }
  poll(id: number, interest: number): number {
    return ((this.sockets.get(id).hasRequests() ? EVENT_READ : 0) | EVENT_WRITE) & interest;
  }
  fpath(id: number): string {
    return `/scheme/${this.sockets.get(id).name}`;
  }
}

export const REQUEST_OVERHEAD = REQUEST_HEADER + REPLY_HEADER;
