// Hostile input: decoders given mutated or random bytes either decode or throw EIO (never a
// TypeError, RangeError or hang), and images with garbage written over random blocks (headers
// included) are mounted, checked, scrubbed and read without anything but FsError escaping and
// without a single altered byte returned. After an EIO part-way through a change the
// filesystem stops, and a fresh mount still has the last commit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MemoryDevice, RedoxFS, isFsError, probeImage, seededRandom } from '../../src/redoxfs/index.ts';
import {
  decodeBucket, decodeHeader, decodeInode, decodeNode, decodeSnapshot, encodeBucket, encodeInode, encodeNode, encodeSnapshot,
  BlockType, TreeKind,
} from '../../src/redoxfs/format.ts';
import { resolve } from '../../src/redoxfs/paths.ts';
import { pattern, throwsCode } from './helpers.ts';
import { dump } from './model.ts';

function onlyFsErrors(work: () => unknown): void {
  try {
    work();
  } catch (e) {
    if (!isFsError(e)) throw e;
  }
}

const t = { sec: 1, nsec: 2 };
const SAMPLES: [string, Uint8Array, (b: Uint8Array) => unknown][] = [
  ['leaf', encodeNode({ kind: TreeKind.Directory, level: 0, owner: 5, keys: [1, 9], values: [new Uint8Array(30), new Uint8Array(5)], children: [] }), (b) => decodeNode(b, 7)],
  ['internal', encodeNode({ kind: TreeKind.File, level: 1, owner: 5, keys: [0, 99], values: [], children: [{ addr: 10, sum: 1, type: BlockType.Node }, { addr: 11, sum: 2, type: BlockType.Node }] }), (b) => decodeNode(b, 7)],
  ['inode', encodeInode({ mode: 0o100644, uid: 1, gid: 2, nlink: 1, size: 5, blocks: 1, atime: t, mtime: t, ctime: t, btime: t, content: null, parent: 0 }), (b) => decodeInode(b, 3, 7)],
  ['bucket', encodeBucket([{ name: 'hello', ino: 4, type: 8 }, { name: 'x', ino: 5, type: 4 }]), (b) => decodeBucket(b, 7)],
  ['snapshot', encodeSnapshot({ root: { addr: 9, sum: 3, type: BlockType.Node }, generation: 4, created: t, name: 'snap' }), (b) => decodeSnapshot(b, 7)],
];

describe('robustness', () => {
  it('decoders survive mutated and random input', () => {
    for (const [name, valid, decode] of SAMPLES) {
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(valid.length), (edits, cut) => {
          const bytes = valid.slice();
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          onlyFsErrors(() => decode(bytes));
          onlyFsErrors(() => decode(bytes.subarray(0, cut)));
        }),
        { numRuns: 300, seed: name.length },
      );
    }
    fc.assert(fc.property(fc.uint8Array({ minLength: 4096, maxLength: 4096 }), (bytes) => {
      onlyFsErrors(() => decodeNode(bytes, 5));
      assert.equal(decodeHeader(bytes, 0).ok, false);
    }), { numRuns: 200, seed: 3 });
  });

  it('garbage over random blocks never escapes as anything but FsError, nor returns altered bytes', () => {
    const device = new MemoryDevice(512);
    const fs = RedoxFS.mkfs(device);
    const dir = fs.mkdir(1, 'dir');
    for (let i = 0; i < 20; i++) fs.write(fs.create(i % 2 ? dir.ino : 1, `f${i}`).ino, 0, pattern(i, 500 + i * 900));
    fs.snapshotCreate('s');
    fs.unmount();
    const original = dump(RedoxFS.mount(device, { readOnly: true }));
    const random = seededRandom(77);
    for (let trial = 0; trial < 150; trial++) {
      const image = device.clone();
      const victims = 1 + Math.floor(random() * 3);
      for (let v = 0; v < victims; v++) {
        const block = Math.floor(random() * 60);
        const bytes = image.blocks.get(block)?.slice() ?? new Uint8Array(4096);
        const start = Math.floor(random() * 4096);
        for (let i = start; i < Math.min(4096, start + 1 + Math.floor(random() * 64)); i++) bytes[i] = Math.floor(random() * 256);
        image.blocks.set(block, bytes);
      }
      onlyFsErrors(() => {
        const damaged = RedoxFS.mount(image, { readOnly: true });
        onlyFsErrors(() => damaged.fsck());
        onlyFsErrors(() => damaged.scrub());
        for (const [path, want] of original) {
          onlyFsErrors(() => {
            const ino = resolve(damaged, path);
            if (want !== 'dir') assert.deepEqual(damaged.read(ino, 0, want.length), want, `trial ${trial}: ${path}`);
          });
        }
      });
    }
  });

  it('an EIO part-way through a change stops the filesystem; the last commit survives', () => {
    const device = new MemoryDevice(512);
    const fs = RedoxFS.mkfs(device);
    const dir = fs.mkdir(1, 'dir');
    for (let i = 0; i < 400; i++) fs.create(dir.ino, `entry-with-a-long-name-${i}`);
    fs.commit();
    const victim = [...device.blocks.keys()].filter((b) => b > 3).find((b) => {
      const image = device.clone();
      image.blocks.get(b)![100]! ^= 1;
      try {
        RedoxFS.mount(image).lookup(dir.ino, 'entry-with-a-long-name-399');
        return false;
      } catch (e) {
        return isFsError(e, 'EIO');
      }
    })!;
    assert.ok(victim !== undefined);
    const image = device.clone();
    image.blocks.get(victim)![100]! ^= 1;
    const damaged = RedoxFS.mount(image);
    damaged.create(1, 'before');
    assert.throws(() => damaged.rename(dir.ino, 'entry-with-a-long-name-399', 1, 'moved'), (e: unknown) => isFsError(e, 'EIO'));
    throwsCode(() => damaged.create(1, 'after'), 'EIO');
    throwsCode(() => damaged.commit(), 'EIO');
    damaged.unmount();
    const fresh = RedoxFS.mount(image);
    throwsCode(() => fresh.lookup(1, 'before'), 'ENOENT');
    assert.equal(probeImage(image).generation, fresh.generation);
  });

  it('refuses work after unmount', () => {
    const device = new MemoryDevice(128);
    const fs = RedoxFS.mkfs(device);
    fs.unmount();
    throwsCode(() => fs.getattr(1), 'EBADF');
    throwsCode(() => fs.create(1, 'x'), 'EBADF');
    assert.equal(probeImage(device).encrypted, false);
  });
});
