/**
 * ptyd: serves `/scheme/pty`, pseudo-terminal pairs. Opening `/scheme/pty` makes a new pair and
 * returns its master (fpath `/scheme/pty/N/master`); `/scheme/pty/N` opens the slave, the side a
 * shell uses as its terminal. Beside each: `N/termios`, `N/winsize` (writing it sends SIGWINCH to
 * the foreground group) and `N/pgrp` (the foreground process group, decimal text).
 * The line discipline (src/userland/lib/line_discipline.ts) sits between the two: bytes written
 * to the master are typed keys, bytes written to the slave are a program's output. A read with
 * nothing to give is parked and answered when something arrives (or EINTR if cancelled).
 * Ownership: a pair belongs to whoever opened the master; `login` hands it to the user who logs in
 * (fchown on the slave, root only). Only root and the owner may open the slave or change the
 * settings, so nobody else can read what is typed or aim the terminal's signals; and a user owner
 * may aim them only at a group of its own in its session (never group 1), since ptyd sends them as root.
 */
import { concatBytes } from '../../syscall/bytes.ts';
import { Errno, SysError } from '../../syscall/errno.ts';
import { EVENT_READ, EVENT_WRITE, O_NONBLOCK, S_IFCHR, S_IFREG } from '../../syscall/flags.ts';
import { SIGHUP, SIGWINCH } from '../../syscall/signal.ts';
import { makeStat, type Stat } from '../../syscall/stat.ts';
import { TERMIOS_BYTES, WINSIZE_BYTES, decodeTermios, decodeWinsize, encodeTermios, encodeWinsize, type Winsize } from '../../syscall/termios.ts';
import { kill, readTextFile, readdir, setrens } from '../../libc/index.ts';
import { PARKED, SchemeServer, type Answer, type Requester, type SchemeHandler } from '../../libc/scheme.ts';
import { LineDiscipline } from '../lib/line_discipline.ts';

type Side = 'master' | 'slave';
type Control = 'termios' | 'winsize' | 'pgrp';

class Pty {
  readonly discipline = new LineDiscipline();
  winsize: Winsize = { rows: 24, cols: 80, xpixel: 0, ypixel: 0 };
  pgrp = 0;
  /** The session the foreground group lived in when it was set (null: unknown); its signals go only while it still does. */
  pgrpSession: number | null = null;
  readonly toMaster: Uint8Array[] = [];
  uid = 0;
  gid = 0;
  masterOpen = true;
  slaves = 0;
  everOpened = false;
  constructor(readonly number: number) {}
}

type Handle = { kind: Side; pty: Pty } | { kind: Control; pty: Pty; offset: number };

interface Parked {
  tag: number;
  id: number;
  count: number;
}

class PtyHandler implements SchemeHandler {
  private readonly ptys = new Map<number, Pty>();
  private readonly handles = new Map<number, Handle>();
  private readonly parked: Parked[] = [];
  private readonly notified = new Map<number, number>();
  private nextPty = 0;
  private nextId = 1;
  server!: SchemeServer;

  private handle(id: number): Handle {
    const h = this.handles.get(id);
    if (!h) throw new SysError(Errno.EBADF);
    return h;
  }

  private add(handle: Handle): number {
    const id = this.nextId++;
    this.handles.set(id, handle);
    return id;
  }

  private mayUse(pty: Pty, who: Requester): boolean {
    return who.uid === 0 || who.uid === pty.uid;
  }

  open(path: string, flags: number, who: Requester): number {
    if (path === '') {
      const pty = new Pty(this.nextPty++);
      pty.uid = who.uid;
      pty.gid = who.gid;
      this.ptys.set(pty.number, pty);
      return this.add({ kind: 'master', pty });
    }
    const [number, control, ...rest] = path.split('/');
    const pty = this.ptys.get(Number(number));
    if (!pty || rest.length || !/^\d+$/.test(number ?? '')) throw new SysError(Errno.ENOENT, `/scheme/pty/${path}`);
    const writing = (flags & 0x0002_0000) !== 0;
    if ((control === undefined || writing) && !this.mayUse(pty, who)) throw new SysError(Errno.EACCES, `/scheme/pty/${path}`);
    if (control === undefined) {
      if (!pty.masterOpen) throw new SysError(Errno.EIO, `pty ${pty.number} has no master`);
      pty.slaves++;
      pty.everOpened = true;
      return this.add({ kind: 'slave', pty });
    }
    if (control !== 'termios' && control !== 'winsize' && control !== 'pgrp') throw new SysError(Errno.ENOENT, `/scheme/pty/${path}`);
    return this.add({ kind: control, pty, offset: 0 });
  }

  close(id: number): void {
    const h = this.handles.get(id);
    this.handles.delete(id);
    this.notified.delete(id);
    if (!h) return;
    if (h.kind === 'master') {
      h.pty.masterOpen = false;
      this.signalGroup(h.pty, SIGHUP);
    } else if (h.kind === 'slave') {
      h.pty.slaves--;
    }
    if (!h.pty.masterOpen && h.pty.slaves === 0) this.ptys.delete(h.pty.number);
    this.pump(h.pty);
  }

  read(id: number, count: number, who: Requester, flags: number): Answer<Uint8Array> {
    const h = this.handle(id);
    if (h.kind === 'termios' || h.kind === 'winsize' || h.kind === 'pgrp') {
      const all = this.controlBytes(h.kind, h.pty);
      const out = all.slice(h.offset, h.offset + count);
      h.offset += out.length;
      return out;
    }
    const ready = this.tryRead(h, count);
    if (ready) {
      this.pump(h.pty);
      return ready;
    }
    if (flags & O_NONBLOCK) throw new SysError(Errno.EAGAIN);
    this.parked.push({ tag: who.tag, id, count });
    return PARKED;
  }

  private tryRead(h: Handle, count: number): Uint8Array | null {
    const pty = h.pty;
    if (h.kind === 'slave') {
      const data = pty.discipline.take(count);
      if (data) return data;
      return pty.masterOpen ? null : new Uint8Array(0);
    }
    if (pty.toMaster.length === 0) return pty.everOpened && pty.slaves === 0 ? new Uint8Array(0) : null;
    let size = 0;
    const parts: Uint8Array[] = [];
    while (pty.toMaster.length && size < count) {
      const head = pty.toMaster[0]!;
      const n = Math.min(head.length, count - size);
      parts.push(head.subarray(0, n));
      size += n;
      if (n === head.length) pty.toMaster.shift();
      else pty.toMaster[0] = head.subarray(n);
    }
    return concatBytes(parts);
  }

  write(id: number, data: Uint8Array, who: Requester): number {
    const h = this.handle(id);
    const pty = h.pty;
    if (h.kind === 'master') {
      const { echo, signals } = pty.discipline.input(data);
      if (echo.length) pty.toMaster.push(echo);
      for (const sig of signals) this.signalGroup(pty, sig);
    } else if (h.kind === 'slave') {
      if (!pty.masterOpen) throw new SysError(Errno.EIO, 'the terminal hung up');
      pty.toMaster.push(pty.discipline.output(data));
    } else {
      this.setControl(h.kind, pty, data, who);
    }
    this.pump(pty);
    return data.length;
  }

  private controlBytes(kind: Control, pty: Pty): Uint8Array {
    if (kind === 'termios') return encodeTermios(pty.discipline.termios);
    if (kind === 'winsize') return encodeWinsize(pty.winsize);
    return new TextEncoder().encode(`${pty.pgrp}\n`);
  }

  private setControl(kind: Control, pty: Pty, data: Uint8Array, who: Requester): void {
    if (kind === 'termios') {
      if (data.length !== TERMIOS_BYTES) throw new SysError(Errno.EINVAL, `termios is ${TERMIOS_BYTES} bytes`);
      pty.discipline.termios = decodeTermios(data);
    } else if (kind === 'winsize') {
      if (data.length !== WINSIZE_BYTES) throw new SysError(Errno.EINVAL, `winsize is ${WINSIZE_BYTES} bytes`);
      pty.winsize = decodeWinsize(data);
      this.signalGroup(pty, SIGWINCH);
    } else {
      const text = new TextDecoder().decode(data).trim();
      const pgrp = Number(text);
      // Group 1 is init's, and a signal to "-1" would reach every process: never a terminal's.
      if (!/^\d+$/.test(text) || pgrp < 2) throw new SysError(Errno.EINVAL, 'pgrp must be a process group number other than 1');
      pty.pgrpSession = who.uid !== 0 ? this.checkOwnGroup(pgrp, who) : (groupMembers(pgrp)[0]?.sid ?? null);
      pty.pgrp = pgrp;
    }
  }

  /**
   * ptyd sends the terminal's signals as root, so a user may only make the terminal signal a
   * group of their own: every member runs as them (real uid) in their session. POSIX asks the
   * same session of tcsetpgrp; with no controlling terminals here, the owner is what keeps a user
   * from aiming ^C at root's shell in the same console session. Returns the group's session.
   */
  private checkOwnGroup(pgrp: number, who: Requester): number {
    const writer = processStatus(who.pid);
    const members = groupMembers(pgrp);
    if (members.length === 0) throw new SysError(Errno.EPERM, `no process group ${pgrp}`);
    if (!writer || members.some((m) => m.uid !== who.uid || m.sid !== writer.sid)) {
      throw new SysError(Errno.EPERM, `process group ${pgrp} is not one of this user's in this session`);
    }
    return writer.sid;
  }

  private signalGroup(pty: Pty, sig: number): void {
    if (pty.pgrp < 2) return;
    // Once set, the group's members may change uid (su, a set-user-ID program): the terminal
    // signals them as Linux's would. It stops only if the group's number now lives in another
    // session (the group ended and the number was reused).
    if (pty.pgrpSession !== null && groupMembers(pty.pgrp).some((m) => m.sid !== pty.pgrpSession)) return;
    try {
      kill(-pty.pgrp, sig);
    } catch (error) {
      if (!(error instanceof SysError && error.errno === Errno.ESRCH)) throw error;
    }
  }

  /** Answers parked reads that can now be answered, and tells the kernel about readiness changes. */
  private pump(pty: Pty): void {
    for (let i = 0; i < this.parked.length; ) {
      const p = this.parked[i]!;
      const h = this.handles.get(p.id);
      if (!h) {
        this.parked.splice(i, 1);
        this.server.replyError(p.tag, Errno.EBADF);
        continue;
      }
      const data = h.pty === pty ? this.tryRead(h, p.count) : null;
      if (data) {
        this.parked.splice(i, 1);
        this.server.reply(p.tag, data);
      } else i++;
    }
    for (const [id, h] of this.handles) {
      if (h.pty !== pty || (h.kind !== 'master' && h.kind !== 'slave')) continue;
      const ready = this.fevent(id);
      if (this.notified.get(id) !== ready) {
        this.notified.set(id, ready);
        this.server.notifyReadiness(id, ready);
      }
    }
  }

  cancel(tag: number): void {
    const at = this.parked.findIndex((p) => p.tag === tag);
    if (at >= 0) this.parked.splice(at, 1);
  }

  fevent(id: number): number {
    const h = this.handle(id);
    const pty = h.pty;
    if (h.kind === 'slave') return (pty.discipline.readable || !pty.masterOpen ? EVENT_READ : 0) | EVENT_WRITE;
    if (h.kind === 'master') return (pty.toMaster.length || (pty.everOpened && pty.slaves === 0) ? EVENT_READ : 0) | EVENT_WRITE;
    return EVENT_READ | EVENT_WRITE;
  }

  fchown(id: number, uid: number, gid: number, who: Requester): void {
    const h = this.handle(id);
    if (who.uid !== 0) throw new SysError(Errno.EPERM, 'only root may give a terminal away');
    if (uid >= 0 && uid !== 0xffffffff) h.pty.uid = uid;
    if (gid >= 0 && gid !== 0xffffffff) h.pty.gid = gid;
  }

  fstat(id: number): Stat {
    const h = this.handle(id);
    const owner = { uid: h.pty.uid, gid: h.pty.gid };
    if (h.kind === 'master' || h.kind === 'slave') return makeStat({ mode: S_IFCHR | 0o620, nlink: 1, rdev: 0x8800 + h.pty.number, ...owner });
    return makeStat({ mode: S_IFREG | 0o644, nlink: 1, size: this.controlBytes(h.kind, h.pty).length });
  }

  fpath(id: number): string {
    const h = this.handle(id);
    return h.kind === 'slave' ? `${h.pty.number}` : `${h.pty.number}/${h.kind}`;
  }
}

interface ProcessIds {
  pgid: number;
  sid: number;
  uid: number;
}

/** The live processes of group `pgrp`. */
function groupMembers(pgrp: number): ProcessIds[] {
  const members: ProcessIds[] = [];
  for (const entry of readdir('/scheme/proc')) {
    if (!/^\d+$/.test(entry.name)) continue;
    const status = processStatus(Number(entry.name));
    if (status?.pgid === pgrp) members.push(status);
  }
  return members;
}

/** The group, session and real uid of process `pid` (/scheme/proc/PID/status), or null if it is gone. */
function processStatus(pid: number): ProcessIds | null {
  let text: string;
  try {
    text = readTextFile(`/scheme/proc/${pid}/status`);
  } catch (error) {
    if (error instanceof SysError && (error.errno === Errno.ENOENT || error.errno === Errno.ESRCH)) return null;
    throw error;
  }
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s*(\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  if (/^State: Z/m.test(text)) return null;
  return { pgid: field('Pgid'), sid: field('Sid'), uid: field('Uid') };
}

export function main(): number {
  const handler = new PtyHandler();
  handler.server = SchemeServer.register('pty');
  // proc only: to check whose a process group is before the terminal signals it.
  setrens(['proc']);
  handler.server.serve(handler);
  return 0;
}
