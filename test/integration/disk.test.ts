import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { RedoxFS } from '../../src/redoxfs/fs.ts';
import { FileDevice } from '../../src/redoxfs/node-file-device.ts';
import { resolve } from '../../src/redoxfs/paths.ts';
import { DEFAULT_DISK, INITFS_IMAGE, runInOs } from '../helpers.ts';

const scratch = mkdtempSync(join(tmpdir(), 'redox-disk-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function readBack(image: string, path: string): string {
  const device = new FileDevice(image, { readOnly: true });
  try {
    const fs = RedoxFS.mount(device, { readOnly: true });
    const ino = resolve(fs, path);
    return new TextDecoder().decode(fs.read(ino, 0, fs.getattr(ino).size));
  } finally {
    device.close();
  }
}

test('the root lives on the RedoxFS disk: writes survive a reboot and the image stays clean', () => {
  const image = join(scratch, 'persist.img');
  copyFileSync(DEFAULT_DISK, image);
  const first = runInOs('echo kept across reboots > /root/note && mkdir -p /home/alice && echo done', { image });
  assert.equal(first.stdout, 'done\n', first.stderr);
  const second = runInOs('cat /root/note; test -d /home/alice && echo alice', { image });
  assert.equal(second.stdout, 'kept across reboots\nalice\n');
  assert.equal(readBack(image, '/root/note'), 'kept across reboots\n');
  const device = new FileDevice(image, { readOnly: true });
  try {
    const report = RedoxFS.mount(device, { readOnly: true }).fsck();
    assert.deepEqual(report.errors, []);
  } finally {
    device.close();
  }
});

test('--ephemeral boots leave the disk image untouched', () => {
  const image = join(scratch, 'ephemeral.img');
  copyFileSync(DEFAULT_DISK, image);
  const before = statSync(image).mtimeMs;
  const result = runInOs('echo scratch > /root/gone && cat /root/gone');
  assert.equal(result.stdout, 'scratch\n');
  const again = runInOs('cat /root/gone', { image: `${image}` });
  assert.match(again.stderr + again.stdout, /No such file/);
  void before;
});

test('usertests pass on a machine without a disk (RAM root from the initfs)', () => {
  const result = runInOs('usertests', { image: INITFS_IMAGE, timeoutMs: 120_000 });
  assert.match(result.stdout, /ALL TESTS PASSED/, result.stdout);
  assert.equal(result.status, 0);
});

test('an encrypted disk boots with its password and is refused cleanly without it', async () => {
  const { readFileSync, writeFileSync } = await import('node:fs');
  const { parseInitfs } = await import('../../src/syscall/initfs.ts');
  const { writeDiskImage } = await import('../../src/host/node/disk_image.ts');
  const archive = readFileSync(INITFS_IMAGE);
  const index = parseInitfs(archive);
  const files = [...index.entries.values()].map((e) => ({
    path: e.path, kind: e.kind, mode: e.mode, data: index.data.subarray(e.offset, e.offset + e.size), ...(e.target ? { target: e.target } : {}),
  }));
  const image = join(scratch, 'secret.img');
  writeDiskImage(image, files, archive, { sizeBytes: 64 * 1024 * 1024, password: 'hunter2', kdf: { m: 256, t: 1, p: 1 } });
  const passwordFile = join(scratch, 'password');
  writeFileSync(passwordFile, 'hunter2\n');
  const { redox } = await import('../helpers.ts');
  const good = redox(['run', image, '--password-file', passwordFile, '-c', 'echo sealed > /root/s; cat /root/s; cat /scheme/hw/disk0-key']);
  assert.equal(good.stdout, 'sealed\ncat: /scheme/hw/disk0-key: Permission denied\n', good.stderr);
  writeFileSync(passwordFile, 'wrong\n');
  const bad = redox(['run', image, '--password-file', passwordFile, '-c', 'true']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /wrong password/);
  assert.doesNotMatch(bad.stderr, /at .*\.ts:\d+/);
  const none = redox(['run', image, '-c', 'true']);
  assert.equal(none.status, 1);
  assert.match(none.stderr, /encrypted: a password is needed/);
  assert.equal(readFileSync(image).includes(Buffer.from('sealed\n')), false, 'no plaintext on the disk');
});

test('a disk image in use is locked: a second machine and the host tool are refused', async () => {
  const { spawn } = await import('node:child_process');
  const { existsSync } = await import('node:fs');
  const { REDOX, redox } = await import('../helpers.ts');
  const image = join(scratch, 'locked.img');
  copyFileSync(DEFAULT_DISK, image);
  const first = spawn(process.execPath, [REDOX, 'run', image, '-c', 'sleep 2'], { stdio: 'ignore' });
  const ended = new Promise((resolve) => first.on('exit', resolve));
  for (let i = 0; i < 100 && !existsSync(`${image}.lock`); i++) await new Promise((r) => setTimeout(r, 50));
  const second = redox(['run', image, '-c', 'true']);
  assert.equal(second.status, 1);
  assert.match(second.stderr, /is in use by process \d+/);
  const tool = redox(['fs', 'mkdir', image, '/x']);
  assert.equal(tool.status, 1);
  assert.match(tool.stderr, /is in use by process \d+/);
  await ended;
  assert.equal(existsSync(`${image}.lock`), false, 'the lock goes when the machine powers off');
  assert.equal(redox(['run', image, '-c', 'echo free']).stdout, 'free\n');
});
