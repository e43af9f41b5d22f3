/**
 * init, pid 1: opens the console, starts the services in /etc/init.d in dependency order
 * (waiting for each to register its scheme), then runs the shell on the console. It restarts a
 * service that ends when its policy says so (backoff doubling from 100 ms to 5 s, reset after
 * 10 s of stable running; after 5 ends within a minute it gives up on that service),
 * reaps orphans, and powers off when the console shell ends, with the shell's status.
 * `init -c CMD` runs `sh -c CMD` instead of an interactive shell.
 */
import {
  O_RDWR, SIGCHLD, SIGKILL, SIGTERM, SIGUSR1, WNOHANG, kill, close, fpath, SysError, Errno, open, dup2, readTextFile, readdir, spawn, waitpid, signal, sleepMs,
  monotonicMs, writeFile, setpgid, shellStatus, WIFEXITED, WEXITSTATUS, exists, eprint, environ,
} from '../../libc/index.ts';
import { parseService, startOrder, type Service } from '../lib/services.ts';

const SERVICE_DIR = '/scheme/initfs/etc/init.d';
const MAX_CRASHES = 5;
const STABLE_MS = 10_000;
const CRASH_WINDOW_MS = 60_000;
/** The longest init waits for a starting daemon's scheme. */
const SCHEME_WAIT_MS = 60_000;

interface Running {
  service: Service;
  pid: number | null;
  startedAt: number;
  crashes: number[];
  restartAt: number | null;
  delayMs: number;
}

function log(message: string): void {
  eprint(`init: ${message}`);
}

function openConsole(): void {
  const fd = open('/scheme/debug', O_RDWR);
  if (fd !== 0) dup2(fd, 0);
  dup2(0, 1);
  dup2(0, 2);
}

function loadServices(): Service[] {
  if (!exists(SERVICE_DIR)) return [];
  const files = readdir(SERVICE_DIR).filter((e) => e.name.endsWith('.toml'));
  const services: Service[] = [];
  for (const file of files) {
    try {
      services.push(parseService(file.name.slice(0, -5), readTextFile(`${SERVICE_DIR}/${file.name}`)));
    } catch (error) {
      log(`skipping ${file.name}: ${(error as Error).message}`);
    }
  }
  const present = (path: string): boolean => {
    try {
      return exists(path);
    } catch (error) {
      if (error instanceof SysError) return false;
      throw error;
    }
  };
  const wanted = services.filter((s) => (s.ifExists === null || present(s.ifExists)) && (s.unlessExists === null || !present(s.unlessExists)));
  const names = new Set(wanted.map((s) => s.name));
  try {
    return startOrder(wanted.map((s) => ({ ...s, depends: s.depends.filter((d) => names.has(d)) })));
  } catch (error) {
    log(`${(error as Error).message}; starting services in name order instead`);
    return wanted.sort((a, b) => a.name.localeCompare(b.name));
  }
}

function launch(entry: Running): void {
  const { service } = entry;
  try {
    entry.startedAt = monotonicMs();
    entry.pid = spawn(service.command, [service.command, ...service.args], {
      env: { ...environ }, pgid: 0, ...(service.uid !== 0 || service.gid !== 0 ? { uid: service.uid, gid: service.gid } : {}),
    });
  } catch (error) {
    log(`cannot start ${service.name}: ${(error as Error).message}`);
    entry.pid = null;
    if (service.restart !== 'never') scheduleRestart(entry);
    return;
  }
  if (service.scheme) waitForScheme(service.scheme, entry.pid);
}

/**
 * Waits for a daemon's scheme while the daemon lives: one that takes long to start (unlocking
 * an encrypted disk derives its key with Argon2id) gets the time, one that died is not waited
 * for, and a minute is the limit either way.
 */
function waitForScheme(name: string, pid: number): void {
  const started = monotonicMs();
  let nextNote = started + 5000;
  while (!readdir('/scheme').some((entry) => entry.name === name)) {
    const now = monotonicMs();
    if (!isRunning(pid)) return log(`scheme ${name} did not appear: its daemon (pid ${pid}) ended`);
    if (now - started > SCHEME_WAIT_MS) return log(`scheme ${name} did not appear within ${SCHEME_WAIT_MS / 1000} s`);
    if (now > nextNote) {
      log(`still waiting for scheme ${name} (pid ${pid})`);
      nextNote = now + 5000;
    }
    sleepMs(5);
  }
}

/** True while `pid` runs (or is stopped): not yet a zombie. */
function isRunning(pid: number): boolean {
  try {
    return !readTextFile(`/scheme/proc/${pid}/status`).includes('State: Z');
  } catch (error) {
    if (error instanceof SysError && error.errno === Errno.ENOENT) return false;
    throw error;
  }
}

function scheduleRestart(entry: Running): void {
  const now = monotonicMs();
  entry.crashes = [...entry.crashes.filter((t) => now - t < CRASH_WINDOW_MS), now];
  if (now - entry.startedAt > STABLE_MS) entry.delayMs = 100;
  if (entry.crashes.length >= MAX_CRASHES) {
    log(`${entry.service.name} ended ${entry.crashes.length} times in a minute; not restarting it`);
    entry.restartAt = null;
    return;
  }
  entry.restartAt = now + entry.delayMs;
  log(`restarting ${entry.service.name} in ${entry.delayMs} ms`);
  entry.delayMs = Math.min(entry.delayMs * 2, 5000);
}

function serviceExited(entry: Running, status: number): void {
  entry.pid = null;
  const failed = !(WIFEXITED(status) && WEXITSTATUS(status) === 0);
  log(`${entry.service.name} exited with status ${shellStatus(status)}`);
  if (entry.service.restart === 'always' || (entry.service.restart === 'on-failure' && failed)) scheduleRestart(entry);
}

/**
 * The console shell. On a terminal it gets a pseudo-terminal (ptyd) joined to the console by
 * consoled, so line editing, ^C/^Z and full-screen programs work; on a pipe it uses the console
 * directly, so input and output pass through as plain bytes.
 */
function startShell(args: string[]): number {
  const argv = args[0] === '-c' && args[1] !== undefined ? ['sh', '-c', args[1]] : ['sh'];
  const env = { ...environ, HOME: '/root', PWD: '/', TERM: 'xterm-256color' };
  const terminal = readTextFile('/scheme/sys/console').trim() === 'terminal' && readdir('/scheme').some((e) => e.name === 'pty');
  if (!terminal) {
    const pid = spawn('/bin/sh', argv, { env, pgid: 0 });
    setForeground('/scheme/debug', pid);
    return pid;
  }
  const master = open('/scheme/pty', O_RDWR);
  const tty = fpath(master).replace(/\/master$/, '');
  const slave = open(tty, O_RDWR);
  const raw = open('/scheme/debug/raw', O_RDWR);
  try {
    spawn('/bin/consoled', ['consoled', tty], { env, fds: [[0, raw], [1, raw], [2, 2], [3, master]] });
    // An interactive terminal gets a login prompt; `-c` runs its command as root directly.
    const [program, programArgv] = argv.length === 1 && exists('/bin/login') ? ['/bin/login', ['login']] : ['/bin/sh', argv];
    const pid = spawn(program, programArgv, { env, pgid: 0, fds: [[0, slave], [1, slave], [2, slave]] });
    setForeground(tty, pid);
    return pid;
  } finally {
    for (const fd of [master, slave, raw]) close(fd);
  }
}

function setForeground(tty: string, pgid: number): void {
  try {
    writeFile(`${tty}/pgrp`, String(pgid));
  } catch (error) {
    log(`cannot set the foreground group of ${tty}: ${(error as Error).message}`);
  }
}

function reapOne(block: boolean, sleepUntil: number): { pid: number; status: number } | null {
  try {
    if (block) return waitpid(-1, 0);
    const reaped = waitpid(-1, WNOHANG);
    if (reaped.pid !== 0) return reaped;
    sleepMs(Math.max(1, sleepUntil - monotonicMs()));
  } catch (error) {
    if (!(error instanceof SysError && (error.errno === Errno.EINTR || error.errno === Errno.ECHILD))) throw error;
  }
  return null;
}

/** What SIGTERM (power off) or SIGUSR1 (reboot), sent by `shutdown`/`reboot`, asked of init. */
let powerRequest: 'poweroff' | 'reboot' | null = null;

function supervise(running: Running[], shellPid: number): number {
  for (;;) {
    if (powerRequest) return 0;
    const next = Math.min(...running.map((r) => r.restartAt ?? Infinity));
    const reaped = reapOne(next === Infinity, next);
    if (reaped?.pid === shellPid) return shellStatus(reaped.status);
    const entry = reaped && running.find((r) => r.pid === reaped.pid);
    if (entry) serviceExited(entry, reaped.status);
    const now = monotonicMs();
    for (const due of running) {
      if (due.restartAt !== null && due.restartAt <= now) {
        due.restartAt = null;
        launch(due);
      }
    }
  }
}

/** True once `pid` has been reaped; interrupts (SIGCHLD from other children) just mean "not yet". */
function reaped(pid: number): boolean {
  try {
    return waitpid(pid, WNOHANG).pid === pid;
  } catch (error) {
    if (error instanceof SysError && error.errno === Errno.EINTR) return false;
    throw error;
  }
}

/** Ends every process but init and the services (the console session, background jobs): SIGTERM, then SIGKILL after 2 s. */
function stopOthers(services: Set<number>): void {
  const others = (): number[] =>
    readdir('/scheme/proc').map((e) => Number(e.name)).filter((pid) => Number.isInteger(pid) && pid > 1 && !services.has(pid));
  const signalAll = (sig: number): void => {
    for (const pid of others()) {
      try {
        kill(pid, sig);
      } catch (error) {
        if (!(error instanceof SysError && error.errno === Errno.ESRCH)) throw error;
      }
    }
  };
  signalAll(SIGTERM);
  const deadline = monotonicMs() + 2000;
  for (;;) {
    while (reapAny());
    const alive = others().filter((pid) => {
      try {
        return !readTextFile(`/scheme/proc/${pid}/status`).includes('State: Z');
      } catch (error) {
        if (error instanceof SysError && error.errno === Errno.ENOENT) return false;
        throw error;
      }
    });
    if (alive.length === 0) return;
    if (monotonicMs() > deadline) return signalAll(SIGKILL);
    try {
      sleepMs(10);
    } catch (error) {
      if (!(error instanceof SysError && error.errno === Errno.EINTR)) throw error;
    }
  }
}

function reapAny(): boolean {
  try {
    return waitpid(-1, WNOHANG).pid > 0;
  } catch (error) {
    if (error instanceof SysError && (error.errno === Errno.EINTR || error.errno === Errno.ECHILD)) return false;
    throw error;
  }
}

/** Stops the services in reverse start order: SIGTERM, up to 3 s to exit, then SIGKILL. */
function stopServices(running: Running[]): void {
  for (const entry of [...running].reverse()) {
    entry.restartAt = null;
    const pid = entry.pid;
    if (pid === null) continue;
    try {
      kill(pid, SIGTERM);
      const deadline = monotonicMs() + 3000;
      while (!reaped(pid)) {
        if (monotonicMs() > deadline) {
          log(`${entry.service.name} did not stop within 3 s; killing it`);
          kill(pid, SIGKILL);
          while (!reaped(pid)) sleepMs(5);
          break;
        }
        try {
          sleepMs(5);
        } catch (error) {
          if (!(error instanceof SysError && error.errno === Errno.EINTR)) throw error;
        }
      }
    } catch (error) {
      if (!(error instanceof SysError && (error.errno === Errno.ESRCH || error.errno === Errno.ECHILD))) throw error;
    }
    entry.pid = null;
  }
}

export function main(args: string[]): number {
  openConsole();
  signal(SIGCHLD, () => undefined);
  signal(SIGTERM, () => (powerRequest ??= 'poweroff'));
  signal(SIGUSR1, () => (powerRequest ??= 'reboot'));
  setpgid(0, 0);
  const running: Running[] = loadServices().map((service) => ({ service, pid: null, startedAt: 0, crashes: [], restartAt: null, delayMs: 100 }));
  for (const entry of running) launch(entry);
  const status = supervise(running, startShell(args.slice(1)));
  if (powerRequest) log(powerRequest === 'reboot' ? 'rebooting' : 'powering off');
  stopOthers(new Set(running.map((r) => r.pid).filter((pid): pid is number => pid !== null)));
  stopServices(running);
  writeFile('/scheme/sys/power', powerRequest === 'reboot' ? 'reboot' : `poweroff ${status}`);
  return status;
}
