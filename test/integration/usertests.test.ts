import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runInOs } from '../helpers.ts';

const CHECKS = [
  'files', 'dup', 'pipes', 'paths', 'spawn_wait', 'orphans', 'signals', 'kill_loop', 'memory_hog', 'credentials',
  'namespaces', 'time', 'futex', 'events', 'kernel_schemes', 'confinement', 'daemon_crash',
  'wait_guards', 'kernel_guards',
];

test('usertests: every syscall and its errors, inside the booted OS', () => {
  const result = runInOs('usertests', { timeoutMs: 120_000 });
  for (const check of CHECKS) assert.match(result.stdout, new RegExp(`^ok ${check}$`, 'm'), `${check}\n${result.stdout}`);
  assert.doesNotMatch(result.stdout, /^FAIL/m);
  assert.match(result.stdout, /ALL TESTS PASSED/);
  assert.equal(result.status, 0);
});

test('a daemon that crashes mid-request is restarted by init and logged', () => {
  const result = runInOs('usertests daemon_crash');
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /faultd: uncaught exception: Error: faultd: deliberate crash/);
  assert.match(result.stdout, /init: restarting 90_faultd in 100 ms/);
});

