/**
 * The default image (build/base/harddrive.img, made by `npm run build` through the cookbook
 * from config/base.toml) boots and holds exactly the configuration's packages: one record per
 * package in /var/lib/pkg, and `pkg list` names the same set; su keeps its set-user-ID bit
 * (the userutils recipe's [package] modes) and the boot archive is the initfs package's.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../src/cookbook/image.ts';
import { ROOT, runInOs } from '../helpers.ts';

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
