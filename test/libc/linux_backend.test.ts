/**
 * The TypeScript libc on both of its backends: the same program bundles (from dist/initfs.img)
 * run inside the OS (runInOs) and on the Linux backend (src/host/linux: a host-side syscall
 * server over node:fs), and their results are compared. usertests' libc checks must pass on both,
 * except the named checks that are inherently OS-only (listed with the exact reason they fail on
 * Linux); the coreutils must print the same bytes for the same host files.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { ROOT, runInOs, type RunResult } from '../helpers.ts';

const MAIN = fileURLToPath(new URL('../../src/host/linux/main.ts', import.meta.url));

/** Runs PROGRAM ARGS on the Linux backend with /tmp mapped to `dir` and `dir` as its cwd. */
function runOnLinux(dir: string, args: string[], input = ''): RunResult {
  const result = spawnSync(process.execPath, ['--import', 'tsx', MAIN, '--map', `/tmp=${dir}`, '--cwd', '/tmp', ...args], {
    cwd: ROOT, input, encoding: 'utf8', timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function withTempDir<T>(body: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'redox-linux-'));
  try {
    return body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** usertests checks of the libc that run on both backends. */
const SHARED = ['files', 'dup', 'pipes', 'time'];
/** Checks that pass in the OS and, on Linux, fail at exactly this OS-only step. */
const OS_ONLY: Record<string, RegExp> = {
  // its last step: mkdir under /scheme/initfs, a scheme the Linux backend does not serve
  // (or, when the host user is not root, its chown to uid 1000, which the host refuses)
  paths: process.getuid?.() === 0
    ? /^FAIL paths: mkdir on the read-only initfs: got "ENODEV", wanted "EROFS"$/m
    : /^FAIL paths: chown: .*Operation not permitted$/m,
  // waits for children by polling /scheme/proc/PID/status, the kernel's process scheme
  spawn_wait: /^FAIL spawn_wait: open: No such device \(scheme\)$/m,
};
const CHECKS = [...SHARED, ...Object.keys(OS_ONLY)];

test('usertests: the libc checks pass inside the OS and on the Linux backend', () => {
  let os = runInOs(`usertests ${CHECKS.join(' ')}`, { timeoutMs: 120_000 });
  // The OS's nanosleep can wake a fraction of a millisecond early (a Node timer); that known flake gets one retry.
  if (/^FAIL time: nanosleep slept 4[89]\.\d ms$/m.test(os.stdout)) os = runInOs(`usertests ${CHECKS.join(' ')}`, { timeoutMs: 120_000 });
  for (const check of CHECKS) assert.match(os.stdout, new RegExp(`^ok ${check}$`, 'm'), `OS: ${check}\n${os.stdout}${os.stderr}`);
  assert.equal(os.status, 0, os.stdout);
  withTempDir((dir) => {
    const linux = runOnLinux(dir, ['usertests', ...CHECKS]);
    for (const check of SHARED) assert.match(linux.stdout, new RegExp(`^ok ${check}$`, 'm'), `Linux: ${check}\n${linux.stdout}${linux.stderr}`);
    for (const [check, why] of Object.entries(OS_ONLY)) assert.match(linux.stdout, why, `Linux: ${check}\n${linux.stdout}${linux.stderr}`);
    assert.equal(linux.status, Object.keys(OS_ONLY).length, linux.stdout + linux.stderr);
    assert.deepEqual(readdirSync(dir), [], 'the checks clean up after themselves in the mapped /tmp');
  });
});

const WORDS = 'pear\napple\nbanana\ncherry\nmango\nkiwi\nbanana\ngrape\norange\n';
const NUMBERS = Array.from({ length: 40 }, (_, i) => `${i + 1}\n`).join('');
const COMMANDS: string[][] = [
  ['cat', '/tmp/d/words.txt'],
  ['ls', '-1', '/tmp/d'],
  ['wc', '/tmp/d/words.txt'],
  ['wc', '-l', 'd/numbers.txt'],
  ['sort', '/tmp/d/words.txt'],
  ['sort', '-n', '-r', 'd/numbers.txt'],
  ['grep', 'an', '/tmp/d/words.txt'],
  ['grep', '-c', '3', '/tmp/d/numbers.txt'],
  ['seq', '3', '7'],
  ['head', '-n', '5', '/tmp/d/numbers.txt'],
  ['sh', '-c', 'seq 1 100 | grep 7 | wc -l'],
  ['sh', '-c', 'cat d/words.txt | sort | uniq -c | sort -r -n | head -n 1'],
  ['sh', '-c', 'echo one > /tmp/d/out.txt; echo two >> /tmp/d/out.txt; cat /tmp/d/out.txt; rm /tmp/d/out.txt'],
];
const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

test('coreutils print the same on host files (Linux backend) as inside the OS', () => {
  const shell = [
    'mkdir -p /tmp/d', 'cd /tmp',
    `printf ${quote(WORDS.replace(/\n/g, '\\n'))} > /tmp/d/words.txt`,
    `printf ${quote(NUMBERS.replace(/\n/g, '\\n'))} > /tmp/d/numbers.txt`,
    ...COMMANDS.flatMap((c) => [`echo '== ${c.join(' ')}'`, c.map(quote).join(' ')]),
  ].join('; ');
  const os = runInOs(shell, { timeoutMs: 120_000 });
  assert.equal(os.status, 0, os.stdout + os.stderr);
  withTempDir((dir) => {
    mkdirSync(join(dir, 'd'));
    writeFileSync(join(dir, 'd', 'words.txt'), WORDS);
    writeFileSync(join(dir, 'd', 'numbers.txt'), NUMBERS);
    let linux = '';
    for (const command of COMMANDS) {
      const result = runOnLinux(dir, command);
      assert.equal(result.status, 0, `${command.join(' ')}: ${result.stderr}`);
      linux += `== ${command.join(' ')}\n${result.stdout}`;
    }
    assert.equal(linux, os.stdout);
    assert.match(linux, /== cat \/tmp\/d\/words.txt\npear\napple\n/);
    assert.match(linux, /== sh -c seq 1 100 \| grep 7 \| wc -l\n *19\n/);
  });
});

test('the Linux backend: exit status, stdin, host executables, signals, unknown paths', () => {
  withTempDir((dir) => {
    assert.equal(runOnLinux(dir, ['sh', '-c', 'exit 3']).status, 3);
    assert.equal(runOnLinux(dir, ['cat'], 'from stdin\n').stdout, 'from stdin\n');
    // host executables (child_process), joined to our programs by in-process pipes both ways
    const hostEnv = runOnLinux(dir, ['sh', '-c', '/usr/bin/env | grep -c ^PATH= ; echo abc | /usr/bin/tr a-z A-Z | rev; /usr/bin/false; echo $?']);
    assert.equal(hostEnv.stdout, '1\nCBA\n1\n', hostEnv.stderr);
    const killed = runOnLinux(dir, ['sh', '-c', 'sleep 5 & kill $!; wait $!; echo status $?']);
    assert.equal(killed.stdout, 'status 143\n', killed.stderr);
    const scheme = runOnLinux(dir, ['cat', '/scheme/sys/uname']);
    assert.equal(scheme.status, 1);
    assert.match(scheme.stderr, /No such device/);
    assert.equal(runOnLinux(dir, ['sh', '-c', 'head -c 4 /scheme/zero | wc -c']).stdout.trim(), '4');
    assert.equal(runOnLinux(dir, ['nosuchprogram']).status, 127);
    // a host reader that goes away: EPIPE and SIGPIPE on the host's fd 1 too (status 141, as in the OS)
    const early = spawnSync('bash', ['-c', `"${process.execPath}" --import tsx "${MAIN}" seq 1 1000000 | head -n 1; echo "status \${PIPESTATUS[0]}"`], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(early.stdout, '1\nstatus 141\n', early.stderr);
  });
});

/** Starts PROGRAM on the Linux backend, sends the host process `signal` once it has printed `ready`, and gives its exit. */
function signalOnLinux(args: string[], signal: NodeJS.Signals): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no exit after ${signal}: ${stdout}`));
    }, 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      const before = stdout;
      stdout += chunk.toString();
      if (!before.includes('ready\n') && stdout.includes('ready\n')) child.kill(signal);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout });
    });
  });
}

test('host SIGINT reaches a handler in the program; host SIGTERM ends it with 128+15', async () => {
  const handled = await signalOnLinux(['sh', '-c', 'trap "echo caught INT; exit 4" INT; echo ready; sleep 10; echo slept'], 'SIGINT');
  assert.deepEqual(handled, { code: 4, stdout: 'ready\ncaught INT\n' });
  const ended = await signalOnLinux(['sh', '-c', 'echo ready; sleep 10; echo slept'], 'SIGTERM');
  assert.deepEqual(ended, { code: 143, stdout: 'ready\n' });
});

test('C programs (wasm, POSIX layer over the same libc syscalls) print the same on both backends', () => {
  const os = runInOs('/usr/tests/posix_pipeline.wasm 1000; /usr/tests/posix_signal.wasm', { timeoutMs: 120_000 });
  assert.equal(os.status, 0, os.stdout + os.stderr);
  withTempDir((dir) => {
    for (const name of ['posix_pipeline', 'posix_signal']) {
      copyFileSync(join(ROOT, 'test/fixtures/wasm', `${name}.wasm`), join(dir, `${name}.wasm`));
      chmodSync(join(dir, `${name}.wasm`), 0o755);
    }
    const pipeline = runOnLinux(dir, ['/tmp/posix_pipeline.wasm', '1000']);
    const signals = runOnLinux(dir, ['/tmp/posix_signal.wasm']);
    assert.equal(pipeline.status, 0, pipeline.stderr);
    assert.equal(signals.status, 0, signals.stderr);
    // Pids differ; a spawned child learns that SIGTERM is ignored from /scheme/proc/self/status (OS-only).
    const normal = (text: string): string => text.replace(/pid \d+/g, 'pid N').replace(/SIGTERM ignored \d/g, 'SIGTERM ignored ?');
    assert.equal(normal(pipeline.stdout + signals.stdout), normal(os.stdout));
    assert.match(pipeline.stdout, /^pipeline of 1000: sum 500500$/m);
  });
});
