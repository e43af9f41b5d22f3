/**
 * Resolving an install from a verified index, and turning packages into the file list the
 * image writer takes, on the project's own core recipes cooked into a scratch build folder.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cook } from '../../src/cookbook/cook.ts';
import { readPublicKey } from '../../src/cookbook/keys.ts';
import { PackageError, readIndex, readPackage, S_IFLNK, S_IFREG } from '../../src/cookbook/package.ts';
import { packageFiles, resolveInstall } from '../../src/cookbook/resolve.ts';
import { ROOT } from '../helpers.ts';
import { tempCookbook } from './helpers.ts';

const book = tempCookbook();
after(() => book.remove());

test('the base meta-package resolves to the core packages, dependencies first', async () => {
  const report = await cook(['base'], { root: ROOT, buildDir: book.build });
  assert.ok(report.ok, report.results.map((r) => `${r.name}: ${r.reason}`).join('\n'));
  const key = readPublicKey(book.build);
  const index = readIndex(readFileSync(join(book.build, 'repo/repo.idx')), key);
  assert.deepEqual(resolveInstall(index, ['base']).map((p) => p.name), ['coreutils', 'daemons', 'init', 'initfs', 'kernel', 'redoxfs', 'sh', 'userutils', 'base']);
  assert.deepEqual(resolveInstall(index, ['sh']).map((p) => p.name), ['coreutils', 'sh']);
  assert.throws(() => resolveInstall(index, ['nope']), /no package named "nope" in the repository/);
  const broken = { packages: [...index.packages, { ...index.packages[0]!, name: 'needy', dependencies: ['ghost'] }] };
  assert.throws(() => resolveInstall(broken, ['needy']), (err: unknown) => err instanceof PackageError && /package needy depends on "ghost"/.test(err.message));

  const sh = readPackage(readFileSync(join(book.build, 'repo/sh.pkgar')), key);
  assert.deepEqual(packageFiles(sh).map((f) => [f.path, f.kind, f.mode]), [['bin', 'dir', 0o755], ['bin/sh', 'file', 0o755]]);
});

test('packageFiles lists parent folders once, keeps modes and turns symlinks into targets', () => {
  const enc = new TextEncoder();
  const files = packageFiles([
    { path: 'usr/share/a/x', mode: S_IFREG | 0o640, data: enc.encode('x'), sha256: new Uint8Array(32) },
    { path: 'usr/share/a/y', mode: S_IFLNK | 0o777, data: enc.encode('x'), sha256: new Uint8Array(32) },
  ], '/opt/');
  assert.deepEqual(files.map((f) => [f.path, f.kind, f.target ?? null]), [
    ['opt', 'dir', null], ['opt/usr', 'dir', null], ['opt/usr/share', 'dir', null], ['opt/usr/share/a', 'dir', null],
    ['opt/usr/share/a/x', 'file', null], ['opt/usr/share/a/y', 'symlink', 'x'],
  ]);
  assert.equal(files[4]!.mode, 0o640);
});
