/**
 * Cookbook hardening: a tarball whose only top-level entry is a symlink is refused (patches are
 * never applied outside the build folder); a build cannot ship set-user-ID files except through
 * `[package] modes`; a mode change in the stage rebuilds; the cache key follows the compiler
 * (CC) and the template's code; the key pair's public half follows the secret one, whose file
 * is kept private.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cacheKey, treeHash } from '../../src/cookbook/cache.ts';
import { cook, type CookReport } from '../../src/cookbook/cook.ts';
import { loadOrCreateKeys, PUBLIC_KEY_FILE, readPublicKey, SECRET_KEY_FILE } from '../../src/cookbook/keys.ts';
import { generateKeyPair, readIndex, readPackage, S_IFREG, toHex } from '../../src/cookbook/package.ts';
import { stageFiles, writeIndex } from '../../src/cookbook/repo.ts';
import { setTemplateCodeFiles, templateFingerprint } from '../../src/cookbook/templates/fingerprint.ts';
import { ROOT } from '../helpers.ts';
import { customRecipe, tempCookbook } from './helpers.ts';

const books: ReturnType<typeof tempCookbook>[] = [];
after(() => books.forEach((b) => b.remove()));

function book(): ReturnType<typeof tempCookbook> {
  const b = tempCookbook();
  books.push(b);
  return b;
}

function statusOf(report: CookReport, name: string): string {
  return report.results.find((r) => r.name === name)!.status;
}

test('a tarball whose only top-level entry is a symlink to a host folder is refused, and nothing is patched through it', async () => {
  const b = book();
  const victim = join(b.dir, 'victim');
  mkdirSync(victim);
  writeFileSync(join(victim, 'file'), 'old line\n');
  const work = join(b.dir, 'tarwork');
  mkdirSync(work);
  symlinkSync(victim, join(work, 'evil'));
  const tar = join(work, 'evil.tar');
  assert.equal(spawnSync('tar', ['-cf', tar, '-C', work, 'evil']).status, 0);
  const sha = spawnSync('sha256sum', [tar], { encoding: 'utf8' }).stdout.slice(0, 64);
  const patch = '--- a/file\n+++ b/file\n@@ -1 +1 @@\n-old line\n+pwned\n';
  b.recipe('libs/evil', `[source]\ntar = "${tar}"\nsha256 = "${sha}"\npatches = ["p.patch"]\n[build]\ntemplate = "none"\n[package]\nversion = "1"\n`, { 'p.patch': patch });
  for (const fetchOnly of [true, false]) {
    const report = await cook(['evil'], { root: ROOT, recipesDir: b.recipes, buildDir: b.build, fetchOnly });
    assert.equal(statusOf(report, 'evil'), 'failed');
    assert.match(report.results[0]!.reason, /^evil: \[source\]: .*"evil", a symbolic link; a source root must be a real folder/);
  }
  assert.equal(readFileSync(join(victim, 'file'), 'utf8'), 'old line\n', 'the host folder was not patched');
});

test('a patched path source that is a symlink is copied, not patched in place', async () => {
  const b = book();
  const real = join(b.dir, 'real-src');
  mkdirSync(real);
  writeFileSync(join(real, 'file'), 'old line\n');
  const file = b.recipe('libs/linked', '[source]\npath = "src"\npatches = ["p.patch"]\n[build]\ntemplate = "none"\n[package]\nversion = "1"\n', { 'p.patch': '--- a/file\n+++ b/file\n@@ -1 +1 @@\n-old line\n+new line\n' });
  symlinkSync(real, join(file, '..', 'src'));
  const report = await cook(['linked'], { root: ROOT, recipesDir: b.recipes, buildDir: b.build });
  assert.ok(report.ok, report.results[0]!.reason);
  assert.equal(readFileSync(join(b.build, 'cookbook/linked/stage/file'), 'utf8'), 'new line\n');
  assert.equal(readFileSync(join(real, 'file'), 'utf8'), 'old line\n');
});

const suidRecipe = (modes: string): string => `[build]
template = "custom"
script = """
mkdir -p "$COOKBOOK_STAGE/bin"
printf 'x' > "$COOKBOOK_STAGE/bin/tool"
chmod 4755 "$COOKBOOK_STAGE/bin/tool"
"""
[package]
version = "1"
${modes}
`;

test('a build cannot ship a set-user-ID file; [package] modes can', async () => {
  const b = book();
  const file = b.recipe('core/suid', suidRecipe(''));
  const options = { root: ROOT, recipesDir: b.recipes, buildDir: b.build };
  assert.ok((await cook(['suid'], options)).ok);
  const modeOf = (): number => readPackage(readFileSync(join(b.build, 'repo/suid.pkgar')), readPublicKey(b.build)).find((e) => e.path === 'bin/tool')!.mode;
  assert.equal(modeOf(), S_IFREG | 0o755, 'the stage set-user-ID bit was dropped');
  assert.equal(stageFiles(join(b.build, 'cookbook/suid/stage'))[0]!.mode, S_IFREG | 0o755);
  writeFileSync(file, suidRecipe('modes = { "bin/tool" = "4755" }'));
  assert.ok((await cook(['suid'], options)).ok);
  assert.equal(modeOf(), S_IFREG | 0o4755, '[package] modes still sets it');
});

test('the tree hash covers every permission bit, so a mode change in the stage rebuilds', async () => {
  const b = book();
  const dir = join(b.dir, 'tree');
  mkdirSync(dir);
  writeFileSync(join(dir, 'f'), 'x');
  chmodSync(join(dir, 'f'), 0o644);
  const h644 = treeHash(dir);
  chmodSync(join(dir, 'f'), 0o664);
  const h664 = treeHash(dir);
  chmodSync(join(dir, 'f'), 0o4644);
  const hSuid = treeHash(dir);
  assert.equal(new Set([h644, h664, hSuid]).size, 3);

  b.recipe('core/plain', customRecipe('plain', 'P'));
  const options = { root: ROOT, recipesDir: b.recipes, buildDir: b.build };
  await cook(['plain'], options);
  assert.equal(statusOf(await cook(['plain'], options), 'plain'), 'cached');
  chmodSync(join(b.build, 'cookbook/plain/stage/out/plain'), 0o4644);
  const again = await cook(['plain'], options);
  assert.equal(statusOf(again, 'plain'), 'built');
  assert.equal(again.results[0]!.reason, 'stage altered');
});

test('changing CC rebuilds custom and wasi-c recipes (their fingerprint follows the compiler)', async () => {
  const saved = process.env.CC;
  try {
    process.env.CC = '/bin/true';
    const custom1 = templateFingerprint('custom');
    const wasiC1 = templateFingerprint('wasi-c');
    assert.equal(templateFingerprint('custom'), custom1, 'stable while nothing changes');
    process.env.CC = '/bin/false';
    assert.notEqual(templateFingerprint('custom'), custom1);
    assert.notEqual(templateFingerprint('wasi-c'), wasiC1);
    assert.equal(templateFingerprint('none'), (process.env.CC = '/bin/true', templateFingerprint('none')), 'none does not use CC');

    const b = book();
    b.recipe('core/cc', customRecipe('cc', 'C'));
    const options = { root: ROOT, recipesDir: b.recipes, buildDir: b.build };
    process.env.CC = '/bin/true';
    assert.equal(statusOf(await cook(['cc'], options), 'cc'), 'built');
    assert.equal(statusOf(await cook(['cc'], options), 'cc'), 'cached');
    process.env.CC = '/bin/false';
    assert.equal(statusOf(await cook(['cc'], options), 'cc'), 'built');
  } finally {
    if (saved === undefined) delete process.env.CC;
    else process.env.CC = saved;
  }
});

test("a change to a template's code rebuilds its recipes", async () => {
  const b = book();
  const fake = join(b.dir, 'custom-template.ts');
  writeFileSync(fake, 'export const v = 1;\n');
  b.recipe('core/coded', customRecipe('coded', 'K'));
  const options = { root: ROOT, recipesDir: b.recipes, buildDir: b.build };
  try {
    setTemplateCodeFiles({ custom: [fake] });
    assert.equal(statusOf(await cook(['coded'], options), 'coded'), 'built');
    assert.equal(statusOf(await cook(['coded'], options), 'coded'), 'cached');
    writeFileSync(fake, 'export const v = 2;\n');
    assert.equal(statusOf(await cook(['coded'], options), 'coded'), 'cached', 'hashed once per process');
    setTemplateCodeFiles({ custom: [fake] }); // a new process
    assert.equal(statusOf(await cook(['coded'], options), 'coded'), 'built');
  } finally {
    setTemplateCodeFiles(null);
  }
  const base = { template: 'custom', templateVersion: 1, recipeText: '', sourceHash: '', patchHashes: [], dependencyOutputs: {} };
  assert.notEqual(cacheKey({ ...base, fingerprint: 'a' }), cacheKey({ ...base, fingerprint: 'b' }));
});

test('a changed secret key rewrites the public key file, and the re-signed index verifies', () => {
  const b = book();
  const warnings: string[] = [];
  const first = loadOrCreateKeys(b.build, (t) => warnings.push(t));
  assert.ok(first.created);
  assert.equal(statSync(join(b.build, SECRET_KEY_FILE)).mode & 0o777, 0o600);
  const other = generateKeyPair();
  writeFileSync(join(b.build, SECRET_KEY_FILE), `secret_key = "${toHex(other.secretKey)}"\n`, { mode: 0o600 });
  const second = loadOrCreateKeys(b.build, (t) => warnings.push(t));
  assert.equal(toHex(second.publicKey), toHex(other.publicKey));
  assert.equal(toHex(readPublicKey(b.build)), toHex(other.publicKey));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, new RegExp(`${PUBLIC_KEY_FILE}: did not match the secret key .*; rewrote it`));
  writeIndex(join(b.build, 'repo'), second);
  readIndex(readFileSync(join(b.build, 'repo/repo.idx')), readPublicKey(b.build));
  loadOrCreateKeys(b.build, (t) => warnings.push(t));
  assert.equal(warnings.length, 1, 'a matching public key is left alone, silently');
});

test('a secret key file readable by others is made 0600, with a warning', () => {
  const b = book();
  loadOrCreateKeys(b.build, () => assert.fail('no warning on creation'));
  const secret = join(b.build, SECRET_KEY_FILE);
  chmodSync(secret, 0o644);
  const warnings: string[] = [];
  loadOrCreateKeys(b.build, (t) => warnings.push(t));
  assert.equal(statSync(secret).mode & 0o777, 0o600);
  assert.deepEqual(warnings.length, 1);
  assert.match(warnings[0]!, /the secret key was accessible to others \(mode 0644\); changed it to 0600/);
});
