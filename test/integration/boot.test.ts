import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redox, runInOs } from '../helpers.ts';

test('redox run -c prints the output of one command and exits 0', () => {
  const result = runInOs('echo hello');
  assert.equal(result.stdout, 'hello\n');
  assert.equal(result.status, 0);
});

test('redox run -c exits with the shell status', () => {
  assert.equal(runInOs('exit 3').status, 3);
});

test('bad usage prints usage and exits 2', () => {
  for (const args of [[], ['bogus'], ['run', '-c'], ['run', '--frobnicate']]) {
    const result = redox(args);
    assert.equal(result.status, 2, `redox ${args.join(' ')}`);
    assert.match(result.stderr, /usage: redox/);
  }
});

test('a missing boot image is refused with a message', () => {
  const result = redox(['run', '/nonexistent.img', '-c', 'true']);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /no boot image at \/nonexistent\.img/);
});

test('the host powers off quietly when its output pipe closes', async () => {
  const { spawnSync } = await import('node:child_process');
  const result = spawnSync('sh', ['-c', `"${process.execPath}" bin/redox run -c 'usertests --child flood' | head -2`], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(result.stdout, 'y\ny\n');
  assert.doesNotMatch(result.stderr, /EPIPE|Error/);
});

test('-c runs its command on the first boot only: after `reboot` the machine comes up, reads the ended input and powers off', () => {
  const result = runInOs('echo first boot; reboot', { input: 'echo typed for the first boot\n', timeoutMs: 30_000 });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout.match(/first boot/g)?.length, 1, result.stdout);
  assert.match(result.stdout, /init: rebooting/);
});
