// Snapshots: taken in O(1) (a handful of block writes whatever the filesystem holds), mounted
// read-only, rolled back to, and deleted, freeing exactly what nothing else shares.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FaultDevice, MemoryDevice, RedoxFS } from '../../src/redoxfs/index.ts';
import { assertClean, dec, enc, pattern, throwsCode } from './helpers.ts';

describe('snapshots', () => {
  it('are taken with a constant number of writes, however big the filesystem', () => {
    const base = new MemoryDevice(8192);
    const setup = RedoxFS.mkfs(base);
    for (let i = 0; i < 3000; i++) setup.write(setup.create(1, `f${i}`).ino, 0, pattern(i, 100));
    setup.unmount();
    const device = new FaultDevice(base);
    const fs = RedoxFS.mount(device);
    const before = device.writeCount;
    fs.snapshotCreate('big');
    assert.ok(device.writeCount - before <= 6, `snapshot took ${device.writeCount - before} writes`);
    assert.deepEqual(fs.snapshots().map((s) => s.name), ['big']);
  });

  it('share blocks until the live filesystem changes, and free them on delete', () => {
    const device = new MemoryDevice(4096);
    const fs = RedoxFS.mkfs(device);
    const f = fs.create(1, 'data');
    fs.write(f.ino, 0, pattern(1, 4 * 1024 * 1024));
    fs.commit();
    const withFile = fs.statvfs().freeBlocks;
    fs.snapshotCreate('keep');
    assert.ok(withFile - fs.statvfs().freeBlocks <= 4, 'a snapshot copies nothing');
    fs.unlink(1, 'data');
    fs.commit();
    assert.ok(fs.statvfs().freeBlocks <= withFile, 'the snapshot still holds the file');
    const snap = RedoxFS.mount(device, { snapshot: 'keep' });
    assert.deepEqual(snap.read(snap.lookup(1, 'data'), 0, 4 * 1024 * 1024), pattern(1, 4 * 1024 * 1024));
    throwsCode(() => snap.create(1, 'x'), 'EROFS');
    fs.snapshotDelete('keep');
    assert.ok(fs.statvfs().freeBlocks >= withFile + 1000, 'deleting the snapshot frees the file');
    assertClean(fs);
  });

  it('rollback restores the snapshot and keeps it; later snapshots stay valid', () => {
    const device = new MemoryDevice(2048);
    const fs = RedoxFS.mkfs(device);
    fs.write(fs.create(1, 'a').ino, 0, enc('one'));
    fs.snapshotCreate('s1');
    fs.write(fs.lookup(1, 'a'), 0, enc('two'));
    fs.create(1, 'b');
    fs.snapshotCreate('s2');
    fs.unlink(1, 'a');
    fs.rollback('s1');
    assert.equal(dec(fs.read(fs.lookup(1, 'a'), 0, 10)), 'one');
    throwsCode(() => fs.lookup(1, 'b'), 'ENOENT');
    fs.rollback('s2');
    assert.equal(dec(fs.read(fs.lookup(1, 'a'), 0, 10)), 'two');
    fs.lookup(1, 'b');
    assert.deepEqual(fs.snapshots().map((s) => s.name), ['s1', 's2']);
    throwsCode(() => fs.snapshotCreate('s1'), 'EEXIST');
    throwsCode(() => fs.rollback('nope'), 'ENOENT');
    throwsCode(() => RedoxFS.mount(device, { snapshot: 'nope' }), 'ENOENT');
    fs.snapshotDelete('s1');
    fs.snapshotDelete('s2');
    assertClean(fs);
    fs.unmount();
    const again = RedoxFS.mount(device);
    assert.equal(dec(again.read(again.lookup(1, 'a'), 0, 10)), 'two');
  });
});
