// A full device: short writes, failed operations that changed state, truncation that frees space.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BLOCK_SIZE, FsError, RedoxFS, isFsError } from '../../src/redoxfs/index.ts';
import { assertClean, freshFs, pattern, throwsCode } from './helpers.ts';

/** Writes a filler file until the device refuses; returns its inode. */
function fillUp(fs: RedoxFS, name: string): number {
  const g = fs.create(1, name);
  let offset = 0;
  try {
    for (;;) {
      fs.write(g.ino, offset, pattern(9, BLOCK_SIZE));
      offset += BLOCK_SIZE;
    }
  } catch (e) {
    if (!isFsError(e, 'ENOSPC')) throw e;
  }
  return g.ino;
}

describe('a write that runs out of space', () => {
  it('returns a short count with `partial`, and the file holds exactly what was counted', () => {
    const { device, fs } = freshFs(1024);
    const f = fs.create(1, 'f');
    const old = pattern(4, 100 * BLOCK_SIZE);
    fs.write(f.ino, 0, old);
    fs.commit();
    const filler = fillUp(fs, 'g');
    fs.truncate(filler, Math.max(0, fs.getattr(filler).size - 40 * BLOCK_SIZE));
    fs.commit();
    const offset = 10;
    const data = pattern(5, 400 * BLOCK_SIZE);
    const n = fs.write(f.ino, offset, data, { partial: true });
    assert.ok(n > 0 && n < data.length, `short count ${n}`);
    assert.equal((offset + n) % BLOCK_SIZE, 0, 'a short write ends on a block boundary');
    const size = Math.max(old.length, offset + n);
    assert.equal(fs.getattr(f.ino).size, size);
    const back = fs.read(f.ino, 0, size);
    assert.deepEqual(back.subarray(0, offset), old.subarray(0, offset));
    assert.deepEqual(back.subarray(offset, offset + n), data.subarray(0, n));
    if (offset + n < old.length) assert.deepEqual(back.subarray(offset + n), old.subarray(offset + n));
    // Nothing more fits: the next write lands nothing and fails.
    throwsCode(() => fs.write(f.ino, offset + n, data.subarray(n), { partial: true }), 'ENOSPC');
    fs.unmount();
    const again = RedoxFS.mount(device);
    assert.equal(again.getattr(f.ino).size, size);
    assert.deepEqual(again.read(f.ino, offset, n), data.subarray(0, n));
    assertClean(again);
  });

  it('without `partial` fails with ENOSPC, and commit still takes what landed (it was committed part-way)', () => {
    const { device, fs } = freshFs(1024);
    const f = fs.create(1, 'f');
    fs.write(f.ino, 0, pattern(4, 100 * BLOCK_SIZE));
    fs.commit();
    const filler = fillUp(fs, 'g');
    fs.truncate(filler, Math.max(0, fs.getattr(filler).size - 40 * BLOCK_SIZE));
    fs.commit();
    const data = pattern(5, 400 * BLOCK_SIZE);
    const before = fs.generation;
    throwsCode(() => fs.write(f.ino, 0, data), 'ENOSPC');
    assert.ok(fs.generation > before, 'the write committed early to reuse what it freed');
    const size = fs.getattr(f.ino).size;
    assert.ok(size > 100 * BLOCK_SIZE, `the file grew to ${size}`);
    const seen = fs.read(f.ino, 0, size);
    const generation = fs.generation;
    fs.commit();
    assert.equal(fs.generation, generation + 1, 'commit after the failed write is not skipped');
    // A power cut now (no unmount) keeps what readers saw.
    const again = RedoxFS.mount(device);
    assert.equal(again.getattr(f.ino).size, size);
    assert.deepEqual(again.read(f.ino, 0, size), seen);
    assertClean(again);
  });

  it('marks the transaction changed when any failed operation left changes behind', () => {
    const { device, fs } = freshFs(1024);
    const f = fs.create(1, 'f');
    fs.write(f.ino, 0, pattern(1, 3 * BLOCK_SIZE));
    fs.commit();
    // Stand-in for any operation that changes state and then fails (not EIO).
    const files = (fs as unknown as { files: { truncate: (...args: unknown[]) => void } }).files;
    const truncate = files.truncate.bind(files);
    files.truncate = (...args: unknown[]) => {
      truncate(...args);
      throw new FsError('ENOSPC', 'injected');
    };
    assert.throws(() => fs.truncate(f.ino, 5));
    files.truncate = truncate;
    const generation = fs.generation;
    fs.commit();
    assert.equal(fs.generation, generation + 1);
    assert.equal(RedoxFS.mount(device).getattr(f.ino).size, 5);
    // A failure that changed nothing does not make a commit.
    throwsCode(() => fs.create(1, 'f'), 'EEXIST');
    fs.commit();
    assert.equal(fs.generation, generation + 1);
  });
});

describe('truncate on a full device', () => {
  for (const tail of [10, 0]) {
    it(`shrinks a committed file${tail ? ' to mid-block' : ' to a block boundary'} and keeps the bytes below the new end`, () => {
      const { device, fs } = freshFs(1024);
      const f = fs.create(1, 'f');
      const data = pattern(4, 200 * BLOCK_SIZE);
      fs.write(f.ino, 0, data);
      fs.commit();
      fillUp(fs, 'g');
      fs.commit();
      const free = fs.statvfs().freeBlocks;
      const size = 100 * BLOCK_SIZE + tail;
      fs.truncate(f.ino, size);
      assert.equal(fs.getattr(f.ino).size, size);
      assert.deepEqual(fs.read(f.ino, 0, size), data.subarray(0, size));
      fs.truncate(f.ino, size + 3 * BLOCK_SIZE);
      assert.ok(fs.read(f.ino, size, 3 * BLOCK_SIZE).every((b) => b === 0), 'growing again shows zeros, not the old tail');
      fs.commit();
      assert.ok(fs.statvfs().freeBlocks > free + 90, 'the doomed blocks were freed');
      const again = RedoxFS.mount(device);
      assert.deepEqual(again.read(f.ino, 0, size), data.subarray(0, size));
      assertClean(again);
    });
  }

  it('works with the slop eaten too: it commits first to reuse the tree nodes it replaced', () => {
    const { device, fs } = freshFs(1024);
    const f = fs.create(1, 'f');
    const data = pattern(4, 20 * BLOCK_SIZE);
    fs.write(f.ino, 0, data);
    fs.commit();
    fillUp(fs, 'g');
    fs.commit();
    // Take every block but the commit's own room, as no write may.
    const alloc = fs.volume.alloc;
    const taken: number[] = [];
    while (alloc.freeBlocks > fs.volume.commitReserve()) taken.push(alloc.alloc());
    const size = 5 * BLOCK_SIZE + 1;
    fs.truncate(f.ino, size);
    assert.equal(fs.getattr(f.ino).size, size);
    assert.deepEqual(fs.read(f.ino, 0, size), data.subarray(0, size));
    for (const b of taken) alloc.release(b);
    fs.commit();
    const again = RedoxFS.mount(device);
    assert.deepEqual(again.read(f.ino, 0, BLOCK_SIZE * 6), data.subarray(0, size));
    assertClean(again);
  });
});
