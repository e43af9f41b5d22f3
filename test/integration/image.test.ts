/**
 * The default image (build/base/harddrive.img, made by `npm run build` through the cookbook
 * from config/base.toml) boots and holds exactly the configuration's packages: one record per
 * package in /var/lib/pkg, and `pkg list` names the same set; su keeps its set-user-ID bit
 * (the userutils recipe's [package] modes) and the boot archive is the initfs package's.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { assembleImage, loadConfig } from '../../src/cookbook/image.ts';
import { ROOT, redox, runInOs } from '../helpers.ts';

test('the default image holds exactly config/base.toml\'s packages', () => {
  const wanted = Object.keys(loadConfig(join(ROOT, 'config/base.toml')).packages).sort();
  const result = runInOs('ls /var/lib/pkg; echo --; pkg list; echo --; ls -l /bin/su; ls /scheme/initfs/bin /etc/init.d');
  assert.equal(result.status, 0, result.stderr);
  const [records, listed, rest] = result.stdout.split('--\n');
  assert.match(rest!, /^-rwsr-xr-x .* \/bin\/su\n/);
  assert.match(rest!, /redoxfsd/);
  assert.match(rest!, /10_redoxfs\.toml/);
  assert.deepEqual(records!.split(/\s+/).filter((n) => n !== '').sort(), wanted.map((n) => `${n}.toml`).sort());
  assert.deepEqual(listed!.split('\n').filter((l) => l !== '').map((l) => l.split(/\s+/)[0]).sort(), wanted);
});

test('an encrypted image with the default key cost boots all the way (init waits while redoxfsd unlocks it)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'redox-encrypted-'));
  try {
    const base = loadConfig(join(ROOT, 'config/base.toml'));
    const config = { ...base, general: { ...base.general, encrypt: true } };
    const disk = join(dir, 'harddrive.img');
    writeFileSync(join(dir, 'password'), 'open sesame\n');
    assembleImage(config, { root: ROOT, output: disk, password: 'open sesame' });
    assert.match(redox(['fs', 'info', disk]).stdout, /^encrypted: +yes/m);
    const started = performance.now();
    const result = redox(['run', disk, '--ephemeral', '--password-file', join(dir, 'password'), '-c', 'df /; pkg list | wc -l'], { timeoutMs: 60_000 });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^redoxfs .* \/$/m);
    assert.match(result.stdout, new RegExp(`^${Object.keys(base.packages).length}$`, 'm'));
    assert.ok(performance.now() - started < 30_000, 'unlocking takes seconds, not minutes');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
