// Bit rot: seeded random bit flips in random blocks the filesystem references are all
// detected, as an EIO (mount or read) or an fsck report, and no read ever returns bytes that
// differ from what was written. Damaged header slots fall back or are refused with a message.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FaultDevice, MemoryDevice, RedoxFS, flipBit, isFsError, seededRandom } from '../../src/redoxfs/index.ts';
import { resolve } from '../../src/redoxfs/paths.ts';
import { pattern } from './helpers.ts';
import { dump, type Tree } from './model.ts';

function buildImage(): { device: MemoryDevice; files: Tree } {
  const device = new MemoryDevice(1024);
  const fs = RedoxFS.mkfs(device);
  const dir = fs.mkdir(1, 'docs');
  for (let i = 0; i < 12; i++) {
    const f = fs.create(i % 2 ? dir.ino : 1, `file${i}`);
    fs.write(f.ino, 0, pattern(i, 1000 + i * 3000));
  }
  for (let i = 0; i < 300; i++) fs.create(dir.ino, `empty-${i}`);
  fs.snapshotCreate('before');
  fs.write(fs.lookup(1, 'file0'), 0, pattern(99, 5000));
  fs.unmount();
  return { device, files: dump(RedoxFS.mount(device, { readOnly: true })) };
}

/** Blocks the committed state references (tree nodes, data, allocation table). */
function referencedBlocks(device: MemoryDevice): number[] {
  const alloc = RedoxFS.mount(device, { readOnly: true }).volume.alloc;
  const out: number[] = [];
  for (let b = 4; b < alloc.blockCount; b++) if (!alloc.isFree(b)) out.push(b);
  return out;
}

/** Reads everything; returns true when some read failed with EIO. Fails on wrong bytes. */
function readAll(fs: RedoxFS, files: Tree): boolean {
  let failed = false;
  for (const [path, want] of files) {
    try {
      const ino = resolve(fs, path, { followLast: false });
      if (want === 'dir') continue;
      const got = fs.read(ino, 0, want.length + 10);
      assert.deepEqual(got, want, `${path} returned altered bytes`);
    } catch (e) {
      if (!isFsError(e) || (e.code !== 'EIO' && e.code !== 'ENOENT')) throw e;
      failed = true;
    }
  }
  return failed;
}

describe('bit rot', () => {
  it('detects every seeded flip in a referenced block and never returns altered bytes', () => {
    const { device, files } = buildImage();
    const blocks = referencedBlocks(device);
    const random = seededRandom(2024);
    for (let trial = 0; trial < 400; trial++) {
      const image = device.clone();
      const block = blocks[Math.floor(random() * blocks.length)]!;
      const flips = 1 + Math.floor(random() * 3);
      for (let i = 0; i < flips; i++) flipBit(image, block, Math.floor(random() * 4096 * 8));
      const context = `trial ${trial}: ${flips} flips in block ${block}`;
      let fs: RedoxFS;
      try {
        fs = RedoxFS.mount(image, { readOnly: true });
      } catch (e) {
        assert.ok(isFsError(e, 'EIO'), `${context}: mount failed without EIO: ${String(e)}`);
        continue;
      }
      const readFailed = readAll(fs, files);
      const report = fs.fsck();
      assert.ok(report.errors.length > 0, `${context}: fsck missed it (reads failed: ${readFailed})`);
      assert.ok(report.errors.some((m) => m.includes(String(block))), `${context}: fsck does not name the block: ${report.errors[0]}`);
    }
  });

  it('a block that rots under a mounted filesystem reads as EIO, also after a power cut', () => {
    const base = new MemoryDevice(512);
    const setup = RedoxFS.mkfs(base);
    setup.write(setup.create(1, 'f').ino, 0, pattern(1, 3 * 4096));
    setup.unmount();
    const device = new FaultDevice(base);
    const fs = RedoxFS.mount(device, { readOnly: true });
    const ino = fs.lookup(1, 'f');
    const victim = findDataBlock(RedoxFS.mount(base, { readOnly: true }), ino);
    device.flipBit(victim, 999);
    assert.throws(() => fs.read(ino, 0, 3 * 4096), (e: unknown) => isFsError(e, 'EIO') && e.block === victim);
    const after = RedoxFS.mount(device.afterPowerCut({ random: seededRandom(1) }), { readOnly: true });
    assert.throws(() => after.read(ino, 4096, 10), (e: unknown) => isFsError(e, 'EIO'));
    assert.ok(after.fsck().errors.some((m) => m.includes(`block ${victim}`)));
  });

  it('scrub names the damaged file by path', () => {
    const { device } = buildImage();
    const fs = RedoxFS.mount(device, { readOnly: true });
    const ino = fs.lookup(fs.lookup(1, 'docs'), 'file3');
    const attr = fs.getattr(ino);
    assert.ok(attr.size > 4096);
    const image = device.clone();
    const dataBlock = findDataBlock(fs, ino);
    flipBit(image, dataBlock, 12345);
    const damaged = RedoxFS.mount(image, { readOnly: true });
    assert.throws(() => damaged.read(ino, 0, attr.size), (e: unknown) => isFsError(e, 'EIO') && e.block === dataBlock);
    const report = damaged.scrub();
    assert.ok(report.damaged.some((d) => d.path === '/docs/file3' && d.block === dataBlock), JSON.stringify(report.damaged));
    assert.ok(report.damaged.some((d) => d.path === '@before:/docs/file3'), 'the snapshot shares the block and is damaged too');
  });

  it('falls back from a damaged newest header and refuses an image with none intact', () => {
    const { device, files } = buildImage();
    const fs = RedoxFS.mount(device, { readOnly: true });
    const newest = fs.generation % 4;
    const image = device.clone();
    flipBit(image, newest, 100);
    const older = RedoxFS.mount(image, { readOnly: true });
    assert.equal(older.generation, fs.generation - 1);
    assert.ok(older.fsck().warnings.some((w) => w.includes(`slot ${newest}`)));
    void files;
    for (let slot = 0; slot < 4; slot++) flipBit(image, slot, 8 * 300);
    assert.throws(() => RedoxFS.mount(image), /EIO: no valid header/);
  });
});

function findDataBlock(fs: RedoxFS, ino: number): number {
  const vol = fs.volume;
  const alloc = vol.alloc;
  for (let b = 4; b < alloc.blockCount; b++) {
    if (alloc.isFree(b)) continue;
    const image = (vol.store.device as MemoryDevice).clone();
    flipBit(image, b, 0);
    try {
      RedoxFS.mount(image, { readOnly: true }).read(ino, 4096, 10);
    } catch (e) {
      if (isFsError(e, 'EIO') && e.block === b && e.message.includes(`inode ${ino}`)) return b;
    }
  }
  throw new Error('no data block found');
}
