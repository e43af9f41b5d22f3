// The on-disk layout pinned to docs/redoxfs-format.md: every structure is encoded and its
// documented byte offsets are read back by hand, so the code and the document cannot drift
// apart silently. Known answers pin CRC32C and the directory name hash.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32c } from '../../src/redoxfs/checksum.ts';
import {
  BlockType, TreeKind, encodeBucket, encodeHeader, encodeInode, encodeNode, encodeSnapshot, nameHash, viewOf,
  type Header,
} from '../../src/redoxfs/format.ts';
import { enc } from './helpers.ts';

const u64 = (v: DataView, at: number) => v.getUint32(at, true) + v.getUint32(at + 4, true) * 2 ** 32;

describe('on-disk format version 1', () => {
  it('CRC32C and the name hash give their known answers', () => {
    assert.equal(crc32c(enc('123456789')), 0xe3069283);
    assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
    const key = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    const h = nameHash('hello', key);
    assert.ok(h >= 0 && h < 2 ** 46);
    assert.equal(h, nameHash('hello', key));
    assert.notEqual(h, nameHash('hello', new Uint8Array(8)));
    assert.notEqual(h, nameHash('hellp', key));
  });

  it('the header sits at its documented offsets', () => {
    const header: Header = {
      uuid: new Uint8Array(16).fill(0xab), blockCount: 2 ** 33 + 5, generation: 77, encrypted: true, nextIno: 1234,
      liveRoot: { addr: 99, sum: 0xdeadbeef, type: BlockType.Node }, snapshotRoot: null,
      allocRoot: { addr: 100, sum: 7, type: BlockType.AllocIndex }, allocDepth: 2, nextSnapshotId: 3,
      usedBlocks: 555, dirHashKey: new Uint8Array(8).fill(0x11), commitTime: { sec: 1700000000, nsec: 999 },
      inodeCount: 42, kdf: { m: 65536, t: 3, p: 1, salt: new Uint8Array(32).fill(0x22), wrappedKey: new Uint8Array(72).fill(0x33) },
    };
    const bytes = encodeHeader(header, 1);
    const v = viewOf(bytes);
    assert.equal(new TextDecoder().decode(bytes.subarray(0, 8)), 'RDXTSFS1');
    assert.equal(v.getUint32(8, true), 1);
    assert.equal(v.getUint32(12, true), 4096);
    assert.equal(bytes[16], 0xab);
    assert.equal(u64(v, 32), 2 ** 33 + 5);
    assert.equal(u64(v, 40), 77);
    assert.equal(v.getUint32(48, true), 1);
    assert.equal(v.getUint32(52, true), 1);
    assert.equal(u64(v, 56), 1234);
    assert.equal(u64(v, 64), 99);
    assert.equal(v.getUint32(72, true), 0xdeadbeef);
    assert.equal(bytes[76], BlockType.Node);
    assert.equal(u64(v, 80), 0);
    assert.equal(u64(v, 96), 100);
    assert.equal(bytes[108], BlockType.AllocIndex);
    assert.equal(v.getUint32(112, true), 2);
    assert.equal(v.getUint32(116, true), 3);
    assert.equal(u64(v, 120), 555);
    assert.equal(bytes[128], 0x11);
    assert.equal(u64(v, 136), 1700000000);
    assert.equal(v.getUint32(144, true), 999);
    assert.deepEqual([v.getUint32(152, true), v.getUint32(156, true), v.getUint32(160, true), v.getUint32(164, true)], [1, 65536, 3, 1]);
    assert.equal(bytes[168], 0x22);
    assert.equal(bytes[200], 0x33);
    assert.equal(bytes[271], 0x33);
    assert.equal(u64(v, 272), 42);
    assert.ok(bytes.subarray(280, 4092).every((b) => b === 0));
    assert.equal(v.getUint32(4092, true), crc32c(bytes, 0, 4092));
  });

  it('tree nodes, inode records, entries and snapshot records match the document', () => {
    const leaf = encodeNode({ kind: TreeKind.Directory, level: 0, owner: 9, keys: [5, 2 ** 40], values: [enc('abc'), enc('xy')], children: [] });
    const lv = viewOf(leaf);
    assert.equal(lv.getUint32(0, true), 0x45444f4e);
    assert.deepEqual([leaf[4], leaf[5], lv.getUint16(6, true), u64(lv, 8)], [TreeKind.Directory, 0, 2, 9]);
    assert.equal(u64(lv, 16), 5);
    const [off, len] = [lv.getUint16(24, true), lv.getUint16(26, true)];
    assert.deepEqual([off, len], [4093, 3]);
    assert.equal(new TextDecoder().decode(leaf.subarray(off, off + len)), 'abc');
    assert.equal(u64(lv, 28), 2 ** 40);

    const internal = encodeNode({ kind: TreeKind.File, level: 2, owner: 1, keys: [0, 77], values: [], children: [{ addr: 10, sum: 1, type: BlockType.Node }, { addr: 11, sum: 2, type: BlockType.Node }] });
    const iv = viewOf(internal);
    assert.deepEqual([u64(iv, 16), u64(iv, 24), iv.getUint32(32, true)], [0, 10, 1]);
    assert.deepEqual([u64(iv, 40), u64(iv, 48), internal[60]], [77, 11, BlockType.Node]);

    const t = (sec: number) => ({ sec, nsec: sec + 1 });
    const inode = encodeInode({ mode: 0o100644, uid: 1000, gid: 100, nlink: 3, size: 2 ** 35, blocks: 12, atime: t(-1), mtime: t(2), ctime: t(3), btime: t(4), content: { addr: 55, sum: 9, type: BlockType.Node }, parent: 7 });
    const nv = viewOf(inode);
    assert.equal(inode.length, 128);
    assert.deepEqual([nv.getUint32(0, true), nv.getUint32(4, true), nv.getUint32(8, true), nv.getUint32(12, true)], [0o100644, 1000, 100, 3]);
    assert.deepEqual([u64(nv, 16), u64(nv, 24)], [2 ** 35, 12]);
    assert.deepEqual([Number(nv.getBigInt64(32, true)), u64(nv, 40), u64(nv, 48), u64(nv, 56)], [-1, 2, 3, 4]);
    assert.deepEqual([nv.getUint32(64, true), nv.getUint32(68, true), nv.getUint32(72, true), nv.getUint32(76, true)], [0, 3, 4, 5]);
    assert.deepEqual([u64(nv, 80), u64(nv, 96)], [55, 7]);

    const bucket = encodeBucket([{ name: 'né', ino: 300, type: 8 }]);
    const bv = viewOf(bucket);
    assert.deepEqual([u64(bv, 0), bucket[8], bucket[9]], [300, 8, 3]);
    assert.equal(new TextDecoder().decode(bucket.subarray(10)), 'né');

    const snap = encodeSnapshot({ root: { addr: 66, sum: 5, type: BlockType.Node }, generation: 12, created: { sec: 100, nsec: 200 }, name: 'nightly' });
    const sv = viewOf(snap);
    assert.deepEqual([u64(sv, 0), u64(sv, 16), u64(sv, 24), sv.getUint32(32, true), snap[36]], [66, 12, 100, 200, 7]);
    assert.equal(new TextDecoder().decode(snap.subarray(37)), 'nightly');
  });
});
