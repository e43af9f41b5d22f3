/**
 * Package archives and the repository index: what is signed reads back intact; one flipped
 * byte anywhere (header, entry table, data) is refused; an archive signed by another key is
 * refused; bad paths never get in.
 */
import assert from 'node:assert/strict';
import * as ed from '@noble/ed25519';
import fc from 'fast-check';
import { test } from 'node:test';
import {
  createIndex, createPackage, ENTRY_SIZE, generateKeyPair, HEADER_SIZE, PackageError, readIndex, readPackage, S_IFLNK, S_IFREG, SIGNED_FROM, type PackageFile,
} from '../../src/cookbook/package.ts';

const keys = generateKeyPair();
const other = generateKeyPair();
const enc = new TextEncoder();
const files: PackageFile[] = [
  { path: 'bin/hello', mode: S_IFREG | 0o755, data: enc.encode('#!redox-js\nprint("hi")\n') },
  { path: 'etc/hello.conf', mode: S_IFREG | 0o644, data: enc.encode('greeting = "hi"\n') },
  { path: 'bin/hi', mode: S_IFLNK | 0o777, data: enc.encode('hello') },
  { path: 'share/empty', mode: S_IFREG | 0o644, data: new Uint8Array(0) },
];

test('a package reads back every file with its path, mode and bytes, sorted by path', () => {
  const archive = createPackage(files, keys.secretKey);
  const entries = readPackage(archive, keys.publicKey);
  assert.deepEqual(entries.map((e) => e.path), ['bin/hello', 'bin/hi', 'etc/hello.conf', 'share/empty']);
  for (const f of files) {
    const e = entries.find((x) => x.path === f.path)!;
    assert.equal(e.mode, f.mode);
    assert.deepEqual(e.data, f.data);
  }
  assert.deepEqual(createPackage([...files].reverse(), keys.secretKey), archive, 'archives are deterministic');
});

test('one flipped byte anywhere in a package is refused', () => {
  const archive = createPackage(files, keys.secretKey);
  const tableEnd = HEADER_SIZE + files.length * ENTRY_SIZE;
  const spots = new Set<number>();
  for (let i = 0; i < archive.length; i += 7) spots.add(i);
  [0, 8, 71, 72, 103, 104, 108, HEADER_SIZE, HEADER_SIZE + 40, HEADER_SIZE + 56, tableEnd - 1, tableEnd, archive.length - 1].forEach((i) => spots.add(i));
  for (const at of spots) {
    const bad = archive.slice();
    bad[at]! ^= 0x01;
    assert.throws(() => readPackage(bad, keys.publicKey), PackageError, `flipped byte at ${at} was accepted`);
  }
});

test('truncated or extended packages are refused', () => {
  const archive = createPackage(files, keys.secretKey);
  assert.throws(() => readPackage(archive.subarray(0, archive.length - 1), keys.publicKey), PackageError);
  assert.throws(() => readPackage(archive.subarray(0, 50), keys.publicKey), /too short/);
  const longer = new Uint8Array(archive.length + 1);
  longer.set(archive);
  assert.throws(() => readPackage(longer, keys.publicKey), /after the last file/);
});

test('a package signed by another key is refused, even though its own signature is valid', () => {
  const foreign = createPackage(files, other.secretKey);
  assert.ok(readPackage(foreign, other.publicKey).length === 4);
  assert.throws(() => readPackage(foreign, keys.publicKey, 'hello.pkgar'), /hello.pkgar is signed by key [0-9a-f]{16}\.\.\., not by the trusted key/);
  // A foreign signature pasted onto our header, with our key claimed, fails the signature check.
  const forged = createPackage(files, keys.secretKey);
  forged.set(foreign.subarray(8, 72), 8);
  assert.throws(() => readPackage(forged, keys.publicKey), /signature does not match/);
});

test('bad paths and duplicates are refused when packing', () => {
  for (const path of ['/abs', '../up', 'a//b', 'a/./b', '', 'x'.repeat(257)]) {
    assert.throws(() => createPackage([{ path, mode: S_IFREG | 0o644, data: new Uint8Array() }], keys.secretKey), PackageError, path);
  }
  assert.throws(() => createPackage([files[0]!, files[0]!], keys.secretKey), /appears twice/);
  assert.throws(() => createPackage([{ ...files[0]!, path: 'bin' }, files[0]!], keys.secretKey), /"bin" is both a file and the folder of another file/);
  assert.throws(() => createPackage([{ path: 'dev', mode: 0o040755, data: new Uint8Array() }], keys.secretKey), /neither a regular file nor a symlink/);
});

test('the repository index is signed: read back intact, refused when altered or signed by another key', () => {
  const index = { packages: [
    { name: 'sh', version: '0.1.0', description: 'the shell', sha256: 'ab'.repeat(32), size: 1234, dependencies: ['coreutils'] },
    { name: 'coreutils', version: '0.1.0', description: '', sha256: 'cd'.repeat(32), size: 99, dependencies: [] },
  ] };
  const bytes = createIndex(index, keys.secretKey);
  assert.deepEqual(readIndex(bytes, keys.publicKey).packages.map((p) => p.name), ['coreutils', 'sh']);
  for (let at = 0; at < bytes.length; at += 5) {
    const bad = bytes.slice();
    bad[at]! ^= 0x20;
    assert.throws(() => readIndex(bad, keys.publicKey), PackageError, `flipped index byte at ${at} was accepted`);
  }
  assert.throws(() => readIndex(createIndex(index, other.secretKey), keys.publicKey), /not by the trusted key/);
});

/** An index signed by `keys` over any body text: what a careless (or hostile) holder of the key could write. */
function signedIndexOf(body: string): Uint8Array {
  const good = createIndex({ packages: [] }, keys.secretKey);
  const text = enc.encode(body);
  const out = new Uint8Array(HEADER_SIZE + text.length);
  out.set(good.subarray(0, HEADER_SIZE));
  new DataView(out.buffer).setUint32(108, text.length, true);
  out.set(text, HEADER_SIZE);
  out.set(ed.sign(out.subarray(SIGNED_FROM), keys.secretKey), 8);
  return out;
}

test('a signed index whose body is not JSON, or whose entries are malformed, is a PackageError naming the entry and field', () => {
  const entry = { name: 'sh', version: '0.1.0', description: 'the shell', sha256: 'ab'.repeat(32), size: 1234, dependencies: ['coreutils'] };
  const body = (packages: unknown): string => JSON.stringify({ packages });
  assert.equal(readIndex(signedIndexOf(body([entry])), keys.publicKey).packages[0]!.name, 'sh', 'the helper signs a good index');
  const refused: [string, RegExp][] = [
    ['{"packages": [', /^repository index: the body is not UTF-8 JSON \(/],
    ['[]', /^repository index: expected a JSON object with a "packages" array$/],
    [body([1]), /^repository index: packages\[0\]: expected an object, found number$/],
    [body([{ ...entry, name: '../etc/passwd' }]), /^repository index: packages\[0\] name: expected a package name .*found "\.\.\/etc\/passwd"$/],
    [body([{ ...entry, name: undefined }]), /^repository index: packages\[0\] name: expected a package name .*found nothing$/],
    [body([{ ...entry, version: '' }]), /packages\[0\] version: expected a non-empty string, found ""/],
    [body([{ ...entry, description: 3 }]), /packages\[0\] description: expected a string, found 3/],
    [body([{ ...entry, sha256: 'AB'.repeat(32) }]), /packages\[0\] sha256: expected 64 lowercase hex digits/],
    [body([{ ...entry, size: -1 }]), /packages\[0\] size: expected a whole number of bytes, 0 or more, found -1/],
    [body([{ ...entry, size: 1.5 }]), /packages\[0\] size: expected a whole number/],
    [body([{ ...entry, dependencies: 'coreutils' }]), /packages\[0\] dependencies: expected an array of package names, found "coreutils"/],
    [body([{ ...entry, dependencies: ['Bad Name'] }]), /packages\[0\] dependencies: expected an array of package names/],
    [body([entry, entry]), /packages\[1\] name: "sh" is listed twice/],
  ];
  for (const [text, why] of refused) {
    assert.throws(() => readIndex(signedIndexOf(text), keys.publicKey), (err: unknown) => err instanceof PackageError && why.test(err.message), text);
  }
});

test('package.ts and resolve.ts are portable: no node:* import, so the in-OS pkg client can share them', async () => {
  const { readFileSync } = await import('node:fs');
  for (const file of ['package.ts', 'resolve.ts']) {
    const text = readFileSync(new URL(`../../src/cookbook/${file}`, import.meta.url), 'utf8');
    assert.doesNotMatch(text, /from\s+['"]node:/, file);
  }
});

test('property: any set of files round-trips, and any single flipped bit is refused', () => {
  const segment = fc.stringMatching(/^[a-z0-9_.-]{1,12}$/).filter((s) => s !== '.' && s !== '..');
  const file = fc.record({
    path: fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/')),
    mode: fc.constantFrom(S_IFREG | 0o644, S_IFREG | 0o755, S_IFLNK | 0o777),
    data: fc.uint8Array({ maxLength: 300 }),
  });
  const files = fc.uniqueArray(file, { minLength: 0, maxLength: 6, selector: (f) => f.path })
    .filter((set) => !set.some((a) => set.some((b) => b.path.startsWith(`${a.path}/`))));
  fc.assert(fc.property(files, fc.nat(), fc.integer({ min: 0, max: 7 }), (set, where, bit) => {
    const archive = createPackage(set, keys.secretKey);
    const back = readPackage(archive, keys.publicKey);
    assert.deepEqual(back.map((e) => [e.path, e.mode, [...e.data]]), [...set].sort((a, b) => (a.path < b.path ? -1 : 1)).map((f) => [f.path, f.mode, [...f.data]]));
    const bad = archive.slice();
    bad[where % bad.length]! ^= 1 << bit;
    assert.throws(() => readPackage(bad, keys.publicKey), PackageError);
  }), { numRuns: 60 });
});
