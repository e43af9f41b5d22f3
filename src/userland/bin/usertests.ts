/**
 * usertests: the kernel's test suite as a user program (after xv6's usertests). Each check runs
 * inside the booted OS and prints `ok NAME` or `FAIL NAME: why`; the exit status is the number of
 * failures. `usertests NAME...` runs only the named checks. `usertests --child MODE` is the
 * helper process some checks spawn.
 */
import {
  EVENT_READ, Errno, F_GETFD, FD_CLOEXEC, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_EXCL, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY,
  SEEK_CUR, SEEK_SET, SEEK_END, SIGKILL, SIGPIPE, SIGUSR1, SIGTERM, SIG_BLOCK, SIG_UNBLOCK, SysError, WEXITSTATUS, WIFEXITED,
  WIFSIGNALED, WNOHANG, WTERMSIG, chdir, chmod, chown, close, dup, dup2, exit, fcntl, fstat, fsync, ftruncate, getcwd,
  getgid, getpid, getppid, getuid, kill, link, lseek, lstat, mkdir, monotonicMs, nowMs, open, pipe, read, readFile,
  readTextFile, readdir, readlink, rename, rmdir, setgid, setrens, setuid, signal, sigpending, sigprocmask, sleepMs,
  spawn, stat, stdout, symlink, syscall, unlink, waitpid, write, writeFile, fmap, futexWait, futexWake, isDirectory,
  isSymlink, fpath, eprint, environ, statvfs, futimens,
} from '../../libc/index.ts';
import { rawSyscallErrno } from '../../libc/syscall.ts';
import { bootInfo } from '../../libc/boot.ts';
import { SLOT_ERRNO, SLOT_IN_LEN, SLOT_NR, SLOT_STATE, STATE_IDLE, STATE_REPLY, STATE_REQUEST } from '../../syscall/slot.ts';
import { SYSCALLS } from '../../syscall/table.ts';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const SELF = '/bin/usertests';

class CheckFailed extends Error {}

function expect(condition: boolean, message: string): void {
  if (!condition) throw new CheckFailed(message);
}

function equal<T>(actual: T, wanted: T, what: string): void {
  if (actual !== wanted) throw new CheckFailed(`${what}: got ${JSON.stringify(actual)}, wanted ${JSON.stringify(wanted)}`);
}

function errnoOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof SysError) return error.code;
    throw error;
  }
  return 'no error';
}

function fails(action: () => unknown, code: string, what: string): void {
  equal(errnoOf(action), code, what);
}

function child(mode: string, options: Parameters<typeof spawn>[2] = {}): number {
  return spawn(SELF, [SELF, '--child', mode], options);
}

function exitCode(pid: number): number {
  const { status } = waitpid(pid);
  expect(WIFEXITED(status), `pid ${pid} did not exit normally (status ${status})`);
  return WEXITSTATUS(status);
}

/** Runs a shell command with stdout captured through a pipe. */
function capture(command: string): { out: string; code: number } {
  const [r, w] = pipe();
  const pid = spawn('/bin/sh', ['sh', '-c', command], { fds: [[0, 0], [1, w], [2, w]] });
  close(w);
  let out = '';
  for (let chunk = read(r, 65536); chunk.length; chunk = read(r, 65536)) out += text(chunk);
  close(r);
  return { out, code: exitCode(pid) };
}

const CHECKS: Record<string, () => void> = {
  files() {
    const fd = open('/tmp/ut-file', O_RDWR | O_CREAT | O_TRUNC, 0o640);
    equal(write(fd, 'hello world'), 11, 'write count');
    equal(lseek(fd, 6, SEEK_SET), 6, 'lseek');
    equal(text(read(fd, 100)), 'world', 'read after seek');
    equal(fstat(fd).size, 11, 'fstat size');
    equal(fstat(fd).mode & 0o777, 0o640, 'created mode');
    equal(fsync(fd), 0, 'fsync');
    ftruncate(fd, 5);
    equal(fstat(fd).size, 5, 'ftruncate size');
    equal(lseek(fd, 0, SEEK_END), 5, 'seek end');
    close(fd);
    equal(readTextFile('/tmp/ut-file'), 'hello', 'contents');
    fails(() => open('/tmp/ut-file', O_CREAT | O_EXCL | O_WRONLY), 'EEXIST', 'O_EXCL on existing');
    fails(() => open('/tmp/no/such', O_RDONLY), 'ENOENT', 'missing path');
    fails(() => open('/tmp/ut-file/x', O_RDONLY), 'ENOTDIR', 'file as directory');
    fails(() => open('/tmp', O_WRONLY), 'EISDIR', 'write a directory');
    fails(() => open('/tmp/ut-file', O_RDONLY | O_DIRECTORY), 'ENOTDIR', 'O_DIRECTORY on a file');
    fails(() => open('/scheme/nosuchscheme/x', O_RDONLY), 'ENODEV', 'unknown scheme');
    fails(() => read(999, 1), 'EBADF', 'read bad fd');
    fails(() => write(999, 'x'), 'EBADF', 'write bad fd');
    fails(() => close(999), 'EBADF', 'close bad fd');
    fails(() => fstat(-1), 'EBADF', 'fstat bad fd');
    const timed = open('/tmp/ut-times', O_WRONLY | O_CREAT | O_TRUNC);
    futimens(timed, { atime: { sec: 1000, nsec: 5000 }, mtime: { sec: 2000, nsec: 7000 } });
    equal(fstat(timed).mtimeSec, 2000, 'futimens sets the modification time');
    equal(fstat(timed).atimeSec, 1000, 'futimens sets the access time');
    futimens(timed, { atime: undefined, mtime: 'now' });
    equal(fstat(timed).atimeSec, 1000, 'an omitted time is left alone');
    expect(Math.abs(fstat(timed).mtimeSec - nowMs() / 1000) < 5, 'now is now');
    fails(() => syscall('futimens', timed, 0, 2e9, 0, 0), 'EINVAL', 'futimens with a bad timespec');
    close(timed);
    unlink('/tmp/ut-times');
    const space = statvfs('/tmp');
    expect(space.blocks > 0 && space.freeBlocks <= space.blocks && space.blockSize > 0, `statvfs of the root (${JSON.stringify(space)})`);
    fails(() => statvfs('/scheme/null'), 'EOPNOTSUPP', 'statvfs of a device');
    const ro = open('/tmp/ut-file', O_RDONLY);
    fails(() => write(ro, 'x'), 'EBADF', 'write to read-only fd');
    fails(() => read(ro, -1), 'EINVAL', 'negative count');
    close(ro);
    unlink('/tmp/ut-file');
  },

  dup() {
    const fd = open('/tmp/ut-dup', O_RDWR | O_CREAT | O_TRUNC);
    write(fd, 'abcdef');
    lseek(fd, 0, SEEK_SET);
    const copy = dup(fd);
    expect(copy !== fd, 'dup gives a new fd');
    equal(text(read(fd, 2)), 'ab', 'read original');
    equal(text(read(copy, 2)), 'cd', 'dup shares the offset');
    equal(dup2(fd, 40), 40, 'dup2 target');
    equal(text(read(40, 2)), 'ef', 'dup2 shares the offset');
    close(fd);
    equal(lseek(copy, 0, SEEK_SET), 0, 'dup survives closing the original');
    close(copy);
    close(40);
    fails(() => dup(12345), 'EBADF', 'dup bad fd');
    const [r, w] = pipe();
    fails(() => child('exit7', { fds: [[1, w], [2, 999]] }), 'EBADF', 'spawn with a bad fd map');
    close(w);
    equal(read(r, 10).length, 0, 'a refused spawn holds no reference to the pipe');
    close(r);
    const cloexec = open('/tmp/ut-dup', O_RDONLY | O_CLOEXEC);
    equal(fcntl(cloexec, F_GETFD), FD_CLOEXEC, 'O_CLOEXEC sets FD_CLOEXEC');
    close(cloexec);
    unlink('/tmp/ut-dup');
  },

  pipes() {
    const [r, w] = pipe();
    write(w, 'through the pipe');
    equal(text(read(r, 100)), 'through the pipe', 'pipe data');
    close(w);
    equal(read(r, 100).length, 0, 'read of a pipe with no writer is end of file');
    close(r);
    const [r2, w2] = pipe();
    close(r2);
    signal(SIGPIPE, 'ignore');
    fails(() => write(w2, 'x'), 'EPIPE', 'write with no reader');
    signal(SIGPIPE, 'default');
    close(w2);
    const big = new Uint8Array(1 << 20).fill(7);
    const [r3, w3] = pipe();
    const pid = child('drain', { fds: [[0, r3], [1, 1], [2, 2]] });
    close(r3);
    write(w3, big);
    close(w3);
    equal(exitCode(pid), 0, '1 MiB through a pipe to a child');
  },

  paths() {
    mkdir('/tmp/ut-dir');
    mkdir('/tmp/ut-dir/sub');
    fails(() => mkdir('/tmp/ut-dir'), 'EEXIST', 'mkdir existing');
    writeFile('/tmp/ut-dir/sub/f', 'data');
    fails(() => rmdir('/tmp/ut-dir/sub'), 'ENOTEMPTY', 'rmdir non-empty');
    rename('/tmp/ut-dir/sub/f', '/tmp/ut-dir/g');
    equal(readTextFile('/tmp/ut-dir/g'), 'data', 'rename across directories');
    fails(() => stat('/tmp/ut-dir/sub/f'), 'ENOENT', 'old name gone after rename');
    link('/tmp/ut-dir/g', '/tmp/ut-dir/h');
    equal(stat('/tmp/ut-dir/h').nlink, 2, 'hard link count');
    symlink('g', '/tmp/ut-dir/s');
    equal(readlink('/tmp/ut-dir/s'), 'g', 'readlink');
    expect(isSymlink(lstat('/tmp/ut-dir/s')), 'lstat sees the link');
    equal(readTextFile('/tmp/ut-dir/s'), 'data', 'open follows the symlink');
    const names = readdir('/tmp/ut-dir').map((e) => e.name).sort().join(',');
    equal(names, 'g,h,s,sub', 'getdents');
    chmod('/tmp/ut-dir/g', 0o600);
    equal(stat('/tmp/ut-dir/g').mode & 0o777, 0o600, 'chmod');
    chown('/tmp/ut-dir/g', 1000, 1000);
    equal(stat('/tmp/ut-dir/g').uid, 1000, 'chown');
    chdir('/tmp/ut-dir/sub');
    equal(getcwd(), '/tmp/ut-dir/sub', 'chdir/getcwd');
    chdir('..');
    equal(getcwd(), '/tmp/ut-dir', 'chdir ..');
    fails(() => chdir('/tmp/ut-dir/g'), 'ENOTDIR', 'chdir to a file');
    fails(() => chdir('/tmp/none'), 'ENOENT', 'chdir to nothing');
    chdir('/');
    for (const f of ['g', 'h', 's']) unlink(`/tmp/ut-dir/${f}`);
    fails(() => unlink('/tmp/ut-dir/sub'), 'EISDIR', 'unlink a directory');
    rmdir('/tmp/ut-dir/sub');
    rmdir('/tmp/ut-dir');
    fails(() => rename('/tmp', '/scheme/null/x'), 'EXDEV', 'rename across schemes');
    fails(() => mkdir('/scheme/initfs/x'), 'EROFS', 'mkdir on the read-only initfs');
  },

  spawn_wait() {
    equal(exitCode(child('exit7')), 7, 'exit status');
    const pid = child('sleep200');
    equal(waitpid(pid, WNOHANG).pid, 0, 'WNOHANG while running');
    equal(exitCode(pid), 0, 'blocking wait');
    const zombie = child('exit7');
    waitForStatus(zombie, 'zombie', (st) => st.includes('State: Z'));
    equal(exitCode(zombie), 7, 'zombie reaped with its status');
    fails(() => stat(`/scheme/proc/${zombie}`), 'ENOENT', 'reaped zombie is gone');
    fails(() => waitpid(-1), 'ECHILD', 'no children');
    fails(() => spawn('/tmp/none', ['x']), 'ENOENT', 'spawn missing program');
    writeFile('/tmp/ut-notexec', 'plain text', 0o644);
    fails(() => spawn('/tmp/ut-notexec', ['x']), 'EACCES', 'spawn non-executable');
    chmod('/tmp/ut-notexec', 0o755);
    fails(() => spawn('/tmp/ut-notexec', ['x']), 'ENOEXEC', 'spawn non-program');
    writeFile('/tmp/ut-wasm', new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), 0o755);
    const quiet = open('/scheme/null', O_WRONLY);
    equal(exitCode(spawn('/tmp/ut-wasm', ['x'], { fds: [[2, quiet]] })), 126, 'a wasm module without _start starts, says why and exits 126');
    close(quiet);
    unlink('/tmp/ut-wasm');
    unlink('/tmp/ut-notexec');
    fails(() => syscall('spawn', { path: 3 }), 'EINVAL', 'malformed spawn request');
    writeFile('/tmp/ut-script', '#!/bin/sh\necho from-script "$1"\n', 0o755);
    equal(capture('/tmp/ut-script arg').out, 'from-script arg\n', '#! script');
    unlink('/tmp/ut-script');
  },

  orphans() {
    const [r, w] = pipe();
    const parent = child('orphan-maker', { fds: [[0, 0], [1, w], [2, 2]] });
    close(w);
    const grandchild = Number(text(read(r, 100)).trim());
    close(r);
    equal(exitCode(parent), 0, 'orphan maker exits');
    sleepMs(50);
    const status = readTextFile(`/scheme/proc/${grandchild}/status`);
    expect(/PPid: 1\n/.test(status), `orphan reparented to init (${status.split('\n')[3]})`);
    kill(grandchild, SIGKILL);
  },

  signals() {
    const pid = child('usr1');
    waitForStatus(pid, 'asleep with a SIGUSR1 handler', (st) => catches(SIGUSR1)(st) && st.includes('Syscall: nanosleep'));
    kill(pid, SIGUSR1);
    equal(exitCode(pid), 42, 'handler ran and the blocked sleep returned EINTR');
    const term = child('sleep200');
    kill(term, SIGTERM);
    const { status } = waitpid(term);
    expect(WIFSIGNALED(status) && WTERMSIG(status) === SIGTERM, 'SIGTERM default action kills');
    let ran = 0;
    signal(SIGUSR1, () => ran++);
    sigprocmask(SIG_BLOCK, 1 << SIGUSR1);
    kill(getpid(), SIGUSR1);
    equal(ran, 0, 'blocked signal does not run');
    expect((sigpending() & (1 << SIGUSR1)) !== 0, 'blocked signal is pending');
    sigprocmask(SIG_UNBLOCK, 1 << SIGUSR1);
    getpid();
    equal(ran, 1, 'unblocked signal runs at the next kernel entry');
    signal(SIGUSR1, 'default');
    equal(exitCode(child('block-term')), 5, 'a blocked signal with the default action stays pending');
    const unblocked = waitpid(child('unblock-term')).status;
    expect(WIFSIGNALED(unblocked) && WTERMSIG(unblocked) === SIGTERM, 'its default action runs once unblocked');
    const sleeper = child('sleep-huge');
    waitForStatus(sleeper, 'in a very long nanosleep', (st) => st.includes('Syscall: nanosleep'));
    sleepMs(50);
    expect(readTextFile(`/scheme/proc/${sleeper}/status`).includes('Syscall: nanosleep'), 'a sleep longer than 2^31 ms does not end at once');
    kill(sleeper, SIGKILL);
    waitpid(sleeper);
    fails(() => kill(getpid(), 99), 'EINVAL', 'bad signal number');
    fails(() => kill(999999, SIGTERM), 'ESRCH', 'no such process');
    fails(() => syscall('sigaction', SIGKILL, 1), 'EINVAL', 'SIGKILL cannot be ignored');
  },

  kill_loop() {
    const pid = child('spin');
    waitForStatus(pid, 'running', (st) => st.includes('State: R') && st.includes('Syscall: -'));
    kill(pid, SIGKILL);
    const { status } = waitpid(pid);
    expect(WIFSIGNALED(status) && WTERMSIG(status) === SIGKILL, 'endless loop killed by SIGKILL');
  },

  memory_hog() {
    const pid = child('hog', { memoryMiB: 32 });
    const { status } = waitpid(pid);
    expect(WIFSIGNALED(status) && WTERMSIG(status) === SIGKILL, `memory hog killed by a signal (status ${status})`);
    equal(exitCode(child('exit7')), 7, 'the system still runs programs after the hog');
  },

  credentials() {
    equal(getuid(), 0, 'uid');
    equal(getgid(), 0, 'gid');
    expect(getppid() > 0, 'ppid');
    equal(exitCode(child('drop-privileges')), 0, 'setuid/setgid in a child');
  },

  namespaces() {
    equal(exitCode(child('narrow')), 0, 'setrens narrows the namespace');
  },

  time() {
    const start = monotonicMs();
    sleepMs(50);
    const slept = monotonicMs() - start;
    expect(slept >= 49, `nanosleep slept ${slept.toFixed(1)} ms`);
    expect(Math.abs(nowMs() - Date.now()) < 1000, 'realtime clock agrees with the host');
    fails(() => syscall('clock_gettime', 77), 'EINVAL', 'unknown clock');
    fails(() => syscall('nanosleep', 0, 2e9), 'EINVAL', 'bad timespec');
  },

  futex() {
    const fd = open('/scheme/shm/ut-futex', O_RDWR | O_CREAT);
    ftruncate(fd, 4096);
    const map = fmap(fd);
    ftruncate(fd, 4096);
    fails(() => ftruncate(fd, 2048), 'EBUSY', 'shrinking a mapped object');
    ftruncate(fd, 8192);
    equal(map.buffer.byteLength, 8192, 'a mapped object grows under its mappings');
    fails(() => futexWait(map, 0, 5), 'EAGAIN', 'wait on a changed word');
    fails(() => futexWait(map, 0, 0, 20), 'ETIMEDOUT', 'wait times out');
    const pid = child('futex-waiter');
    waitForStatus(pid, 'asleep on the futex', (st) => st.includes('Syscall: futex'));
    Atomics.store(map.words, 0, 1);
    equal(futexWake(map, 0, 1), 1, 'wake count');
    equal(exitCode(pid), 0, 'waiter woke');
    close(fd);
  },

  events() {
    const queue = open('/scheme/event', O_RDWR);
    const [r, w] = pipe();
    const record = new DataView(new ArrayBuffer(16));
    record.setInt32(0, r, true);
    record.setUint32(4, EVENT_READ, true);
    record.setFloat64(8, 77, true);
    write(queue, new Uint8Array(record.buffer));
    write(w, 'x');
    const got = new DataView(read(queue, 16).buffer);
    equal(got.getInt32(0, true), r, 'ready fd');
    equal(got.getFloat64(8, true), 77, 'user data');
    close(r);
    close(w);
    const timer = open('/scheme/time/1', O_RDWR);
    const now = new DataView(read(timer, 16).buffer);
    const deadline = new DataView(new ArrayBuffer(16));
    const later = now.getFloat64(8, true) + 30e6; // a timespec's nanoseconds stay below 1e9
    deadline.setFloat64(0, now.getFloat64(0, true) + Math.floor(later / 1e9), true);
    deadline.setFloat64(8, later % 1e9, true);
    write(timer, new Uint8Array(deadline.buffer));
    const queue2 = open('/scheme/event', O_RDWR);
    record.setInt32(0, timer, true);
    write(queue2, new Uint8Array(record.buffer));
    read(queue2, 16);
    const fired = new DataView(read(timer, 16).buffer);
    const late = (fired.getFloat64(0, true) - deadline.getFloat64(0, true)) * 1e3 + (fired.getFloat64(8, true) - deadline.getFloat64(8, true)) / 1e6;
    expect(late >= 0, `timer event fires at its deadline, not ${(-late).toFixed(1)} ms early`);
    close(timer);
    close(queue);
    close(queue2);
  },

  kernel_schemes() {
    const nul = open('/scheme/null', O_RDWR);
    equal(read(nul, 10).length, 0, 'null reads nothing');
    equal(write(nul, 'gone'), 4, 'null swallows');
    close(nul);
    const zero = open('/scheme/zero', O_RDONLY);
    expect(read(zero, 16).every((b) => b === 0), 'zero reads zeros');
    close(zero);
    const rand = open('/scheme/rand', O_RDONLY);
    expect(read(rand, 32).some((b) => b !== 0), 'rand reads random bytes');
    close(rand);
    expect(readTextFile('/scheme/sys/uname').startsWith('redox-ts\n'), 'sys/uname');
    expect(/^\d+\n$/.test(readTextFile('/scheme/debug/pgrp')), 'debug/pgrp reads a number and ends');
    equal(readdir('/scheme/proc').find((e) => e.name === 'self')?.type, 4, 'proc/self listed as a directory');
    fails(() => open('/scheme/null/extra', O_RDONLY), 'ENOENT', 'device schemes have no sub-paths');
    expect(readTextFile('/scheme/proc/self/status').includes(`Pid: ${getpid()}\n`), 'proc/self/status');
    expect(readTextFile('/scheme/sys/scheme').includes('pipe\n'), 'sys/scheme lists schemes');
    expect(readdir('/scheme').some((e) => e.name === 'file'), '/scheme lists the file daemon');
    expect(isDirectory(stat('/scheme/proc/1')), 'proc/1 is a directory');
    equal(fpath(0).startsWith('/scheme/'), true, 'fpath names the scheme');
    equal(rawSyscallErrno(999), Errno.ENOSYS, 'unknown syscall number');
    fails(() => open('/scheme/sys/uname', O_WRONLY), 'EACCES', 'sys/uname is read-only');
    const registered = child('register-as-user');
    equal(exitCode(registered), 0, 'only root may register a scheme');
  },

  confinement() {
    const global = globalThis as Record<string, unknown>;
    for (const name of ['process', 'require', 'module', 'Buffer', 'fetch', 'setTimeout']) equal(typeof global[name], 'undefined', `global ${name}`);
    const boot = global.__redox as { receiveMap: object; slot: object };
    let bridgeError: object = {};
    try {
      (boot.receiveMap as (id: number) => unknown)(12345);
    } catch (error) {
      bridgeError = error as object;
    }
    const reachable: [string, object][] = [
      ['receiveMap', boot.receiveMap], ['slot', boot.slot], ['TextEncoder output', new TextEncoder().encode('x')],
      ['TextDecoder', new TextDecoder()], ['a host error', bridgeError], ['stdout', stdout],
    ];
    for (const [what, value] of reachable) {
      const makeFunction = (value.constructor as unknown as { constructor: (code: string) => () => unknown }).constructor;
      equal(makeFunction('return typeof process')(), 'undefined', `host realm reachable through ${what}`);
    }
  },

  /**
   * Reads through a file's shared page cache (on redoxfs) stay exact while another descriptor
   * writes, truncates and extends the file: a seeded run of mixed operations against a model.
   */
  page_cache() {
    const path = '/tmp/ut-pagecache';
    let seed = 20261126;
    const next = (below: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % below;
    };
    let model = new Uint8Array(600 * 1024).map((_, i) => (i * 7) & 255);
    writeFile(path, model);
    const reader = open(path, O_RDWR);
    const writer = open(path, O_RDWR);
    if (statvfs('/tmp').type.startsWith('redoxfs')) {
      const [mapId, cell] = syscall('fmap', reader);
      expect(cell >= 0, 'a redoxfs file maps with an offset cell');
      syscall('funmap', mapId);
    }
    let offset = 0;
    const same = (got: Uint8Array, from: number, what: string): void => {
      const wanted = model.subarray(from, from + got.length);
      expect(got.length <= wanted.length, `${what}: ${got.length} bytes, past the end of the file`);
      for (let i = 0; i < got.length; i++) if (got[i] !== wanted[i]) throw new CheckFailed(`${what}: byte ${from + i} is ${got[i]}, wanted ${wanted[i]}`);
    };
    for (let step = 0; step < 300; step++) {
      const op = next(5);
      if (op <= 1) {
        const count = 32 * 1024 + next(96 * 1024);
        const got = read(reader, count);
        const left = Math.max(0, Math.min(count, model.length - offset));
        expect(got.length <= left && (got.length > 0 || left === 0), `step ${step}: read ${got.length} bytes of ${left}`);
        same(got, offset, `step ${step}: read at ${offset}`);
        offset += got.length;
      } else if (op === 2) {
        const at = next(model.length + 70000);
        const data = new Uint8Array(1 + next(70000)).map(() => next(256));
        lseek(writer, at);
        write(writer, data);
        if (at + data.length > model.length) {
          const grown = new Uint8Array(at + data.length);
          grown.set(model);
          model = grown;
        }
        model.set(data, at);
      } else if (op === 3) {
        const length = next(800 * 1024);
        ftruncate(writer, length);
        const resized = new Uint8Array(length);
        resized.set(model.subarray(0, length));
        model = resized;
      } else {
        offset = next(model.length + 1);
        lseek(reader, offset);
      }
      equal(lseek(reader, 0, SEEK_CUR), offset, `step ${step}: the daemon sees the reader's offset`);
    }
    const twin = dup(reader);
    lseek(reader, 0);
    const first = read(reader, 65536);
    const second = read(twin, 65536);
    same(first, 0, 'dup: first read');
    same(second, first.length, 'dup: a duplicate shares the offset');
    close(twin);
    close(reader);
    close(writer);
    unlink(path);
    const fresh = new Uint8Array(300 * 1024).fill(9);
    writeFile(path, fresh);
    model = fresh;
    const again = open(path, O_RDONLY);
    same(read(again, 65536), 0, 'a new file under the old name');
    close(again);
    unlink(path);
  },

  daemon_crash() {
    waitForScheme('fault');
    equal(readTextFile('/scheme/fault/hello'), 'hello\n', 'daemon serves');
    fails(() => open('/scheme/fault/crash', O_RDONLY), 'EIO', 'caller of a crashing daemon');
    waitForScheme('fault');
    equal(readTextFile('/scheme/fault/hello'), 'hello\n', 'restarted daemon serves again');
    const pid = child('park');
    waitForStatus(pid, 'parked in a daemon read', (st) => catches(SIGUSR1)(st) && st.includes('Syscall: read'));
    kill(pid, SIGUSR1);
    equal(exitCode(pid), 4, 'a signal cancels a request parked in a daemon (EINTR)');
  },

  wait_guards() {
    // Event-queue reads that find readiness at once leave no waiter behind (each used to leave
    // one until the next global wake): many such reads stay quick and the kernel keeps serving.
    const queue = open('/scheme/event', O_RDWR);
    const zero = open('/scheme/zero', O_RDONLY);
    const record = new DataView(new ArrayBuffer(16));
    record.setInt32(0, zero, true);
    record.setUint32(4, EVENT_READ, true);
    write(queue, new Uint8Array(record.buffer));
    const start = monotonicMs();
    for (let i = 0; i < 20_000; i++) equal(new DataView(read(queue, 16).buffer).getInt32(0, true), zero, 'ready fd');
    const took = monotonicMs() - start;
    expect(took < 30_000, `20000 ready event reads took ${took.toFixed(0)} ms`);
    close(zero);
    close(queue);

    // A timer deadline outside the timespec's domain is EINVAL, not an armed timer that never fires.
    const timer = open('/scheme/time/1', O_RDWR);
    const arm = (sec: number, nsec: number): number => {
      const deadline = new DataView(new ArrayBuffer(16));
      deadline.setFloat64(0, sec, true);
      deadline.setFloat64(8, nsec, true);
      return write(timer, new Uint8Array(deadline.buffer));
    };
    fails(() => arm(NaN, 0), 'EINVAL', 'NaN deadline seconds');
    fails(() => arm(0, NaN), 'EINVAL', 'NaN deadline nanoseconds');
    fails(() => arm(Infinity, 0), 'EINVAL', 'infinite deadline');
    fails(() => arm(-1, 0), 'EINVAL', 'negative deadline');
    fails(() => arm(0, -1), 'EINVAL', 'negative nanoseconds');
    fails(() => arm(0, 1e9), 'EINVAL', 'nanoseconds of 1e9');
    fails(() => arm(1.5, 0), 'EINVAL', 'fractional seconds');
    equal(arm(0, 0), 16, 'a deadline in the past is armed');
    equal(syscall('fevent', timer, EVENT_READ), EVENT_READ, 'and is due at once');
    close(timer);
    fails(() => syscall('nanosleep', NaN, 0), 'EINVAL', 'nanosleep of NaN seconds');
    fails(() => syscall('nanosleep', 0, NaN), 'EINVAL', 'nanosleep of NaN nanoseconds');
    fails(() => syscall('nanosleep', -1, 0), 'EINVAL', 'negative nanosleep');
    fails(() => syscall('nanosleep', 0.5, 0), 'EINVAL', 'nanosleep of a fraction of a second');

    // /scheme/proc: environ, fds and cwd are private to the owner (and root); cmdline and status are not.
    expect(readTextFile('/scheme/proc/1/environ').length >= 0, 'root reads init\'s environ');
    equal(exitCode(child('proc-privacy')), 0, 'a non-root user reads only its own private proc files');
  },

  kernel_guards() {
    // One call in flight per thread: a REQUEST stored over a call being served kills the process.
    const { status } = waitpid(child('double-post'));
    expect(WIFSIGNALED(status) && WTERMSIG(status) === SIGKILL, `a second call posted over one in flight: status ${status}, wanted SIGKILL`);
    equal(getpid() > 0, true, 'the kernel still serves calls');
    equal(exitCode(child('exit7')), 7, 'and still spawns');
    // exit with a status that is not a number is answered EINVAL (it used to leave the caller hanging).
    equal(exitCode(child('exit-nan')), 0, 'raw exit(NaN) answers EINVAL');
    // uids and gids are integers in 0..0xFFFFFFFE (daemons see them as u32).
    equal(exitCode(child('id-bounds')), 0, 'ids outside 0..0xFFFFFFFE are EINVAL');
    fails(() => spawn(SELF, [SELF, '--child', 'exit7'], { uid: 2 ** 32 }), 'EINVAL', 'spawn uid 2**32');
    fails(() => spawn(SELF, [SELF, '--child', 'exit7'], { gid: -1 }), 'EINVAL', 'spawn gid -1');
    // chown takes the same ids, or -1 to leave one as it is.
    fails(() => chown('/tmp', 2 ** 32, -1), 'EINVAL', 'chown uid 2**32');
    fails(() => chown('/tmp', -1, 1.5), 'EINVAL', 'chown gid 1.5');
    // A program file over 64 MiB is refused before it is read (E2BIG).
    const huge = '/tmp/ut-huge-program';
    const fd = open(huge, O_WRONLY | O_CREAT | O_TRUNC, 0o755);
    write(fd, '#!redox-js\n');
    ftruncate(fd, 64 * 1024 * 1024 + 1);
    close(fd);
    try {
      fails(() => spawn(huge, ['huge']), 'E2BIG', 'spawn of a program over 64 MiB');
    } finally {
      unlink(huge);
    }
  },
};

/** Polls /scheme/proc/PID/status until `ready` holds for it (so checks do not race a child's start-up). */
function waitForStatus(pid: number, what: string, ready: (status: string) => boolean): void {
  for (let i = 0; i < 500; i++) {
    if (ready(readTextFile(`/scheme/proc/${pid}/status`))) return;
    sleepMs(10);
  }
  throw new CheckFailed(`pid ${pid} never reached: ${what}`);
}

const catches = (sig: number) => (status: string): boolean =>
  (parseInt(/SigCaught: ([0-9a-f]+)/.exec(status)?.[1] ?? '0', 16) & (1 << sig)) !== 0;

function waitForScheme(name: string): void {
  for (let i = 0; i < 300; i++) {
    if (readdir('/scheme').some((e) => e.name === name)) return;
    sleepMs(10);
  }
  throw new CheckFailed(`scheme ${name} never appeared`);
}

const CHILDREN: Record<string, () => number> = {
  exit7: () => 7,
  sleep200: () => (sleepMs(200), 0),
  spin: () => {
    for (;;);
  },
  hog: () => {
    const hoard: number[][] = [];
    for (;;) hoard.push(new Array(1 << 16).fill(hoard.length));
  },
  drain: () => {
    let total = 0;
    for (let chunk = read(0, 65536); chunk.length; chunk = read(0, 65536)) total += chunk.length;
    return total === 1 << 20 ? 0 : 1;
  },
  usr1: () => {
    let handled = false;
    signal(SIGUSR1, () => (handled = true));
    try {
      sleepMs(5000);
    } catch (error) {
      if (error instanceof SysError && error.errno === Errno.EINTR && handled) return 42;
    }
    return 1;
  },
  'orphan-maker': () => {
    const pid = child('sleep-long', { fds: [[0, 0], [1, 2], [2, 2]] });
    write(1, `${pid}\n`);
    return 0;
  },
  'sleep-long': () => (sleepMs(10_000), 0),
  flood: () => {
    for (;;) write(1, 'y\n');
  },
  'sleep-huge': () => (syscall('nanosleep', 3e6, 0), 0),
  'block-term': () => {
    sigprocmask(SIG_BLOCK, 1 << SIGTERM);
    kill(getpid(), SIGTERM);
    return sigpending() & (1 << SIGTERM) ? 5 : 1;
  },
  'unblock-term': () => {
    sigprocmask(SIG_BLOCK, 1 << SIGTERM);
    kill(getpid(), SIGTERM);
    sigprocmask(SIG_UNBLOCK, 1 << SIGTERM);
    return 1;
  },
  'drop-privileges': () => {
    setgid(100);
    setuid(1000);
    if (getuid() !== 1000 || getgid() !== 100) return 1;
    return errnoOf(() => setuid(0)) === 'EPERM' ? 0 : 2;
  },
  narrow: () => {
    setrens(['file', 'debug']);
    if (errnoOf(() => open('/scheme/rand', O_RDONLY)) !== 'ENODEV') return 1;
    readFile('/etc/init.d/10_ramfs.toml');
    setrens(['file', 'debug', 'rand']);
    return errnoOf(() => open('/scheme/rand', O_RDONLY)) === 'ENODEV' ? 0 : 2;
  },
  'futex-waiter': () => {
    const fd = open('/scheme/shm/ut-futex', O_RDWR);
    const map = fmap(fd);
    Atomics.store(map.words, 1, 1);
    try {
      futexWait(map, 0, 0, 5000);
    } catch (error) {
      if (!(error instanceof SysError && error.errno === Errno.EAGAIN)) return 1;
    }
    return Atomics.load(map.words, 0) === 1 ? 0 : 2;
  },
  'register-as-user': () => {
    setuid(1000);
    return errnoOf(() => open('/scheme/ut-mine', O_CREAT | O_RDWR)) === 'EACCES' ? 0 : 1;
  },
  'proc-privacy': () => {
    setgid(100);
    setuid(1000);
    for (const name of ['environ', 'fds', 'cwd']) {
      if (errnoOf(() => readTextFile(`/scheme/proc/1/${name}`)) !== 'EACCES') return 1;
      if (!readTextFile(`/scheme/proc/self/${name}`)) return 2;
      if (!readTextFile(`/scheme/proc/${getpid()}/${name}`)) return 3;
    }
    if (!readTextFile('/scheme/proc/1/cmdline').includes('init')) return 4;
    if (!readTextFile('/scheme/proc/1/status').includes('Pid: 1\n')) return 5;
    if ((stat('/scheme/proc/1/environ').mode & 0o777) !== 0o400) return 6;
    // Another process of the same user: readable.
    const peer = child('sleep200');
    const peerEnv = errnoOf(() => readTextFile(`/scheme/proc/${peer}/environ`));
    exitCode(peer);
    return peerEnv === 'no error' ? 0 : 7;
  },
  park: () => {
    signal(SIGUSR1, () => undefined);
    const fd = open('/scheme/fault/park', O_RDONLY);
    return errnoOf(() => read(fd, 10)) === 'EINTR' ? 4 : 1;
  },
  // Posts straight into the slot, bypassing libc: a 10 s nanosleep, then (while it is in flight)
  // a getpid over it. The kernel must kill this process rather than serve both.
  'double-post': () => {
    const raw = rawSlot();
    raw.post(SYSCALLS.nanosleep.nr, 10, 0);
    if (!raw.waitWhile(STATE_REQUEST, 5000)) return 3;
    raw.post(SYSCALLS.getpid.nr, 0, 0);
    for (let waits = 0; waits < 100 && Atomics.load(raw.words, SLOT_STATE) !== STATE_REPLY; waits++) {
      Atomics.wait(raw.words, SLOT_STATE, Atomics.load(raw.words, SLOT_STATE), 50);
    }
    return Atomics.load(raw.words, SLOT_STATE) === STATE_REPLY ? 1 : 2;
  },
  'exit-nan': () => {
    const raw = rawSlot();
    raw.post(SYSCALLS.exit.nr, NaN, 0);
    for (let waits = 0; Atomics.load(raw.words, SLOT_STATE) !== STATE_REPLY; waits++) {
      if (waits > 100) return 3;
      Atomics.wait(raw.words, SLOT_STATE, Atomics.load(raw.words, SLOT_STATE), 50);
    }
    const errno = raw.words[SLOT_ERRNO];
    Atomics.store(raw.words, SLOT_STATE, STATE_IDLE);
    return errno === Errno.EINVAL ? 0 : 1;
  },
  'id-bounds': () => {
    for (const id of [2 ** 32, 0xffff_ffff, 2 ** 53, -1, 1.5]) {
      if (errnoOf(() => setuid(id)) !== 'EINVAL') return 1;
      if (errnoOf(() => setgid(id)) !== 'EINVAL') return 2;
    }
    if (getuid() !== 0 || getgid() !== 0) return 3;
    setgid(0xffff_fffe);
    setuid(0xffff_fffe);
    return getuid() === 0xffff_fffe && getgid() === 0xffff_fffe ? 0 : 4;
  },
};

/** This process's syscall slot, written by hand (for checks of the slot protocol itself). */
function rawSlot(): { words: Int32Array; post(nr: number, a: number, b: number): void; waitWhile(state: number, ms: number): boolean } {
  const info = bootInfo();
  const words = new Int32Array(info.slot, 0, 32);
  const floats = new Float64Array(info.slot, 0, 16);
  const bell = new Int32Array(info.doorbell);
  return {
    words,
    post(nr, a, b) {
      floats[4] = a;
      floats[5] = b;
      words[SLOT_IN_LEN] = 0;
      words[SLOT_NR] = nr;
      Atomics.store(words, SLOT_STATE, STATE_REQUEST);
      Atomics.add(bell, 0, 1);
      Atomics.notify(bell, 0, 1);
    },
    /** Waits until the slot's state is no longer `state`; false if it still is after about `ms` (no clock: no syscall). */
    waitWhile(state, ms) {
      for (let waits = 0; Atomics.load(words, SLOT_STATE) === state; waits++) {
        if (waits > ms / 50) return false;
        Atomics.wait(words, SLOT_STATE, state, 50);
      }
      return true;
    },
  };
}

export function main(args: string[]): number {
  if (args[1] === '--child') {
    const run = CHILDREN[args[2] ?? ''];
    if (!run) return 99;
    return run();
  }
  const names = args.length > 1 ? args.slice(1) : Object.keys(CHECKS);
  let failures = 0;
  for (const name of names) {
    const check = CHECKS[name];
    if (!check) {
      eprint(`usertests: no check named ${name}`);
      failures++;
      continue;
    }
    try {
      check();
      stdout.write(`ok ${name}\n`);
    } catch (error) {
      failures++;
      const why = error instanceof Error ? error.message : String(error);
      stdout.write(`FAIL ${name}: ${why}\n`);
    }
    stdout.flush();
  }
  stdout.write(failures ? `${failures} check(s) failed\n` : 'ALL TESTS PASSED\n');
  void environ;
  return exit(Math.min(failures, 255));
}
