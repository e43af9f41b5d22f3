/**
 * The repository device channel's host side: only the index, archives and the sidecars of
 * archives are packed (never a key, a stray .toml or anything else in the folder), a sidecar
 * holding a secret key refuses the folder, so does a symbolic link where the index, an archive or
 * a sidecar belongs (never followed to what it points at), the archive's index alone can be read as repod reads
 * it, and the device refuses writes.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isRepository, memoryDevice, packRepository } from '../../src/host/node/repo_device.ts';
import { initfsDataStart, parseInitfsIndex } from '../../src/syscall/initfs.ts';

const dir = mkdtempSync(join(tmpdir(), 'redox-repo-device-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('packRepository packs repo.idx, NAME.pkgar and the NAME.toml of each archive only; repod can read the index alone; the device is read-only', async () => {
  assert.throws(() => packRepository(dir), /holds no repo\.idx/);
  for (const [name, text] of Object.entries({
    'repo.idx': 'INDEX', 'a.pkgar': 'ARCHIVE', 'a.toml': 'SIDECAR', 'id_ed25519.key': 'SECRET', 'notes.txt': 'x',
    'id_ed25519.toml': 'secret_key = "00"\n', 'orphan.toml': 'name = "orphan"\n',
  })) writeFileSync(join(dir, name), text);
  mkdirSync(join(dir, 'sub.toml'));
  assert.ok(isRepository(dir));
  const image = packRepository(dir);
  const head = image.subarray(0, initfsDataStart(image.subarray(0, 16)));
  const entries = parseInitfsIndex(head, image.length);
  assert.deepEqual([...entries.keys()], ['a.pkgar', 'a.toml', 'repo.idx']);
  const sidecar = entries.get('a.toml')!;
  assert.equal(new TextDecoder().decode(image.subarray(head.length + sidecar.offset, head.length + sidecar.offset + sidecar.size)), 'SIDECAR');
  assert.throws(() => parseInitfsIndex(head, head.length + 3), /runs past the end of the image/);

  const device = memoryDevice({ name: 'repo0', bytes: image });
  assert.equal(device.readOnly, true);
  assert.deepEqual(await device.read(0, 8), new TextEncoder().encode('RDXINITF'));
  await assert.rejects(device.write(0, new Uint8Array(1)), /read-only/);
});

test('a sidecar holding a secret_key refuses the whole folder, naming the file', () => {
  const keyed = mkdtempSync(join(tmpdir(), 'redox-repo-keyed-'));
  try {
    for (const [name, text] of Object.entries({ 'repo.idx': 'INDEX', 'id_ed25519.pkgar': 'ARCHIVE', 'id_ed25519.toml': 'secret_key = "00"\n' })) writeFileSync(join(keyed, name), text);
    assert.throws(() => packRepository(keyed), /repository .*: id_ed25519\.toml holds a secret_key, which must never reach the OS/);
  } finally {
    rmSync(keyed, { recursive: true, force: true });
  }
});

test('a symbolic link where the index, an archive or a sidecar belongs refuses the whole folder, naming the file; other links are ignored', () => {
  const linked = mkdtempSync(join(tmpdir(), 'redox-repo-linked-'));
  const outside = mkdtempSync(join(tmpdir(), 'redox-repo-outside-'));
  try {
    writeFileSync(join(outside, 'id_ed25519.key'), 'SECRET');
    writeFileSync(join(outside, 'repo.idx'), 'INDEX');
    for (const [name, text] of Object.entries({ 'repo.idx': 'INDEX', 'a.pkgar': 'ARCHIVE', 'a.toml': 'SIDECAR' })) writeFileSync(join(linked, name), text);
    // A link no packed name matches is never read.
    symlinkSync(join(outside, 'id_ed25519.key'), join(linked, 'notes.txt'));
    assert.equal(packRepository(linked).length > 0, true);
    const refused = (name: string): void => {
      symlinkSync(join(outside, 'id_ed25519.key'), join(linked, name));
      try {
        assert.throws(() => packRepository(linked), new RegExp(`repository .*: ${name.replace('.', '\\.')} is a symbolic link, which is never packed`));
      } finally {
        unlinkSync(join(linked, name));
      }
    };
    refused('key.pkgar');
    unlinkSync(join(linked, 'a.toml'));
    refused('a.toml');
    writeFileSync(join(linked, 'a.toml'), 'SIDECAR');
    unlinkSync(join(linked, 'repo.idx'));
    symlinkSync(join(outside, 'repo.idx'), join(linked, 'repo.idx'));
    assert.throws(() => packRepository(linked), /repository .*: repo\.idx is a symbolic link, which is never packed/);
  } finally {
    rmSync(linked, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  }
});
