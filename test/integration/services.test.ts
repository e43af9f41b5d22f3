import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { RedoxFS } from '../../src/redoxfs/fs.ts';
import { FileDevice } from '../../src/redoxfs/node-file-device.ts';
import { DEFAULT_DISK, runInOs } from '../helpers.ts';

const scratch = mkdtempSync(join(tmpdir(), 'redox-services-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function fsckErrors(image: string): string[] {
  const device = new FileDevice(image, { readOnly: true });
  try {
    return RedoxFS.mount(device, { readOnly: true }).fsck().errors.map(String);
  } finally {
    device.close();
  }
}

test('the root filesystem daemon killed with SIGKILL is restarted and the system keeps working; shutdown leaves a clean image', () => {
  const image = join(scratch, 'disk.img');
  copyFileSync(DEFAULT_DISK, image);
  const result = runInOs(
    'echo kept > /root/k; sync; pkill -KILL redoxfsd; sleep 1; pgrep redoxfsd > /scheme/null && echo restarted; cat /root/k; echo after > /root/k2; cat /root/k2; shutdown; sleep 5; echo not-reached',
    { image },
  );
  assert.match(result.stdout, /init: 10_redoxfs exited with status 137/);
  assert.match(result.stdout, /restarted\nkept\nafter\n/);
  assert.match(result.stdout, /init: powering off/);
  assert.doesNotMatch(result.stdout, /not-reached/);
  assert.equal(result.status, 0);
  assert.deepEqual(fsckErrors(image), []);
});

test('reboot starts the machine again from the same disk; the -c command ran on the first boot only', () => {
  const image = join(scratch, 'reboot.img');
  copyFileSync(DEFAULT_DISK, image);
  const first = runInOs('echo boot >> /root/boots; reboot; sleep 5; echo not-reached', { image });
  // The second boot's shell prompts once, learns that the input already ended, and the machine exits cleanly.
  assert.match(first.stdout, /init: rebooting\n(.|\n)*# \n$/);
  assert.doesNotMatch(first.stdout, /not-reached/);
  assert.equal(first.status, 0);
  const second = runInOs('cat /root/boots', { image });
  assert.equal(second.stdout, 'boot\n');
  assert.deepEqual(fsckErrors(image), []);
});
