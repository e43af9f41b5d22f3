/**
 * C programs linked with libredox.a (libc/c), run inside the booted OS: a two-stage pipeline
 * built with posix_spawn and pipe, a SIGINT handler run when signalled, ids, cwd, dup2 and
 * terminals; plus the parts of the WASI layer node:wasi cannot be compared on (polling files,
 * past deadlines) and how a bad module or a trap ends.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runInOs } from '../helpers.ts';

test('a C program builds a two-stage pipeline with posix_spawn and pipe', () => {
  const r = runInOs('/usr/tests/posix_pipeline.wasm 1000; echo "status $?"');
  assert.match(r.stdout, /^pipeline of 1000: sum 500500$/m, r.stdout + r.stderr);
  assert.match(r.stdout, /^gen exited 0, sum exited 0$/m);
  assert.match(r.stdout, /^addopen: spawn 0, exit 0, file '1 2 3 '$/m);
  assert.match(r.stdout, /^posix_spawnp echo: found on PATH$/m);
  assert.match(r.stdout, /^posix_spawn missing: No such file or directory$/m);
  assert.match(r.stdout, /^status 0$/m);
});

test('a C program with a SIGINT handler sees it run when signalled; spawn attributes set the child\'s signals', () => {
  const r = runInOs('/usr/tests/posix_signal.wasm; echo "status $?"');
  const expected = [
    'after raise: caught 1 (signal 2)',
    'sleep interrupted: 1 (Interrupted system call)',
    /^after kill from pid \d+: caught 2$/m,
    'killer exited 0',
    'blocked: pending 1, caught 2',
    'unblocked: caught 3',
    'ignored: caught 3',
    'plain spawn:\n  child: SIGUSR1 blocked 0, SIGTERM ignored 1',
    'spawn with SETSIGMASK {USR1}, SETSIGDEF {TERM}:\n  child: SIGUSR1 blocked 1, SIGTERM ignored 0',
    'parent afterwards: SIGUSR1 blocked 0, SIGTERM still ignored (alive)',
    'read across a growing handler: 4 ping',
    'write across a growing handler: 4 pong, handler ran 2 times',
    'status 0',
  ];
  for (const line of expected) {
    if (typeof line === 'string') assert.ok(r.stdout.includes(`${line}\n`), `missing "${line}" in\n${r.stdout}${r.stderr}`);
    else assert.match(r.stdout, line);
  }
});

test('ids, process groups, cwd, dup/dup2 and terminals agree with the OS', () => {
  const r = runInOs('cd /tmp; /usr/tests/posix_misc.wasm; echo "status $?"');
  const expected = [
    'pid > 1: 1, ppid > 0: 1',
    'uid 0 gid 0 euid 0 egid 0',
    'setpgid: 0, leads its group: 1',
    'setsid as group leader: -1 Operation not permitted',
    'start cwd /tmp',
    'getcwd /tmp/posix_misc',
    '/scheme/proc/self/cwd: /tmp/posix_misc',
    '/tmp/posix_misc/here.txt: relative',
    'child cwd /tmp/posix_misc',
    'chdir missing: -1 No such file or directory',
    'written through the dup',
    'dup2 onto 9: 9',
    'read via 9: relative',
    'dup2 bad fd: -1 Bad file descriptor',
    'isatty(1): 1',
    'isatty(null): 0 Not a tty',
    'tcgetattr(null): -1 Not a tty',
    'isatty(console): 1',
    'tcgetattr: 0 icanon 1 echo 1',
    'tcsetattr same: 0',
    'tcsetattr raw: -1 Not supported',
    'TIOCGWINSZ: 0 80x24',
    'waitpid no child: -1 No child process',
    'poll empty pipe: 0',
    'poll full pipe: 1 revents 1',
    'poll pipe for writing: 1 revents 2',
    'status 0',
  ];
  for (const line of expected) assert.ok(r.stdout.includes(`${line}\n`), `missing "${line}" in\n${r.stdout}${r.stderr}`);
});

test('a pseudo-terminal of its own: canonical and raw modes, echo, output translation, window size, foreground group', () => {
  const r = runInOs('/usr/tests/posix_tty.wasm; echo "status $?"');
  const expected = [
    'posix_openpt: 1',
    'grantpt: 0 unlockpt: 0',
    'ptsname: /scheme/pty/N',
    'isatty(slave): 1 isatty(master): 1',
    'ttyname is the slave: 1',
    'tcgetattr: 0 icanon 1 echo 1 isig 1 opost 1',
    'control characters: intr 3 erase 127 eof 4',
    // Typed "ab", erase, "c", newline: the reader gets the edited line; the echo rubs out the b.
    'canonical read: 3 "ac\\n"',
    'echo: 8 "ab\\b \\bc\\r\\n"',
    'output: 5 "out\\r\\n"',
    'tcsetattr raw: 0',
    'now: icanon 0 echo 0 isig 0 opost 0',
    'raw read: 1 "q"',
    'echo in raw mode: 0',
    'raw ^C: 1 "\\x03"',
    'raw output: 4 "out\\n"',
    'tcsetattr back: 0',
    'back: icanon 1 echo 1',
    'TIOCSWINSZ: 0',
    'TIOCGWINSZ: 0 100x30',
    'tcsetpgrp: 0',
    'tcgetpgrp is ours: 1',
    'TIOCGPGRP: 0 ours 1',
    'ptsname(null): Not a tty',
    'ptsname(slave): Not a tty',
    'grantpt(slave): -1 Invalid argument',
    'ttyname(null): Not a tty',
    'tcgetpgrp(null): -1 Not a tty',
    'TIOCSWINSZ(null): -1 Not a tty',
    'tcsetattr bad action: -1 Invalid argument',
    'posix_openpt bad flags: -1 Invalid argument',
    'cfsetospeed: 0 speed 1',
    'status 0',
  ];
  assert.equal(r.stdout, `${expected.join('\n')}\n`, r.stderr);
});

test('poll_oneoff on files, bad fds and past deadlines, and sock_* (not comparable under node:wasi)', () => {
  const r = runInOs('/usr/tests/wasi_misc.wasm --os-only </scheme/null');
  assert.match(r.stdout, /^poll fds: 0 events 2$/m, r.stdout);
  assert.match(r.stdout, /^ {2}userdata 11 type 1 error 0 nbytes 5$/m);
  assert.match(r.stdout, /^ {2}userdata 22 type 2 error 0 nbytes 0$/m);
  assert.match(r.stdout, /^poll bad fd: 0 events 1 error 8$/m);
  assert.match(r.stdout, /^poll past deadline: 0 events 1 userdata 33$/m);
  assert.match(r.stdout, /^poll\(\): 1 revents 1$/m);
  assert.match(r.stdout, /^sock_recv on stdin: 57$/m); // ENOTSOCK
  assert.match(r.stdout, /^sock_send on stdout: 57$/m);
});

test('a truncated module exits 126 with a message; a trap aborts with SIGABRT', () => {
  const r = runInOs(
    'head -c 200 /usr/tests/wasi_dump.wasm > /tmp/cut.wasm; chmod 755 /tmp/cut.wasm; /tmp/cut.wasm; echo "cut $?"; ' +
      '/usr/tests/wasi_trap.wasm; echo "trap $?"',
  );
  assert.match(r.stdout, /^cut.wasm: not a valid WebAssembly module: .+$/m, r.stdout);
  assert.match(r.stdout, /^cut 126$/m);
  assert.match(r.stdout, /^about to trap$/m);
  assert.match(r.stdout, /^wasi_trap.wasm: wasm trap: unreachable$/m);
  assert.match(r.stdout, /^trap 134$/m);
});

test('linear memory is capped at the process memory limit: malloc fails instead of the host running out', () => {
  const r = runInOs('/usr/tests/wasi_memhog.wasm; echo "status $?"');
  const match = /^allocated (\d+) MiB before malloc failed/m.exec(r.stdout);
  assert.ok(match, r.stdout + r.stderr);
  const mib = Number(match[1]);
  assert.ok(mib > 100 && mib < 128, `allocated ${mib} MiB under the default 128 MiB limit`);
  assert.match(r.stdout, /^status 0$/m);
});
