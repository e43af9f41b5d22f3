/**
 * Every on-disk structure of RedoxFS format version 1, encoded and decoded in one place.
 * docs/redoxfs-format.md is the specification; the offsets below must match it byte for byte.
 * Decoders validate what they read and throw EIO naming the block, so a corrupt or foreign
 * structure never turns into wrong data further up.
 */

import { crc32c } from './checksum.ts';
import { BLOCK_SIZE } from './device.ts';
import { FsError, corrupt } from './errors.ts';

export const FORMAT_VERSION = 1;
export const MAGIC = 'RDXTSFS1';
export const HEADER_SLOTS = 4;
export const ROOT_INO = 1;
export const ORPHAN_INO = 2;
export const MAX_NAME = 255;

export const enum BlockType {
  Data = 1,
  Node = 2,
  AllocIndex = 3,
  AllocLeaf = 4,
}

export const enum TreeKind {
  Inodes = 1,
  Directory = 2,
  File = 3,
  Snapshots = 4,
}

export const S_IFMT = 0o170000;
export const S_IFREG = 0o100000;
export const S_IFDIR = 0o040000;
export const S_IFLNK = 0o120000;
export const DT_DIR = 4;
export const DT_REG = 8;
export const DT_LNK = 10;

// ---- little-endian helpers for u64 values kept below 2^53 ----

export function getU64(view: DataView, at: number): number {
  return view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
}

export function setU64(view: DataView, at: number, value: number): void {
  view.setUint32(at, value % 2 ** 32, true);
  view.setUint32(at + 4, Math.floor(value / 2 ** 32), true);
}

export function getI64(view: DataView, at: number): number {
  return Number(view.getBigInt64(at, true));
}

export function setI64(view: DataView, at: number, value: number): void {
  view.setBigInt64(at, BigInt(Math.trunc(value)), true);
}

export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// ---- block pointer (16 bytes) ----

export interface Ptr {
  readonly addr: number;
  readonly sum: number;
  readonly type: BlockType;
}

export const PTR_BYTES = 16;

export function writePtr(view: DataView, at: number, ptr: Ptr | null): void {
  setU64(view, at, ptr?.addr ?? 0);
  view.setUint32(at + 8, ptr?.sum ?? 0, true);
  view.setUint32(at + 12, ptr?.type ?? 0, true);
}

export function readPtr(view: DataView, at: number): Ptr | null {
  const addr = getU64(view, at);
  if (addr === 0) return null;
  return { addr, sum: view.getUint32(at + 8, true), type: view.getUint8(at + 12) as BlockType };
}

// ---- header ----

export interface Timespec {
  sec: number;
  nsec: number;
}

export interface KdfHeader {
  m: number;
  t: number;
  p: number;
  salt: Uint8Array;
  wrappedKey: Uint8Array;
}

export interface Header {
  uuid: Uint8Array;
  blockCount: number;
  generation: number;
  encrypted: boolean;
  nextIno: number;
  liveRoot: Ptr | null;
  snapshotRoot: Ptr | null;
  allocRoot: Ptr | null;
  allocDepth: number;
  nextSnapshotId: number;
  usedBlocks: number;
  dirHashKey: Uint8Array;
  commitTime: Timespec;
  inodeCount: number;
  kdf: KdfHeader | null;
}

export function encodeHeader(h: Header, slot: number): Uint8Array {
  const bytes = new Uint8Array(BLOCK_SIZE);
  const v = viewOf(bytes);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  v.setUint32(8, FORMAT_VERSION, true);
  v.setUint32(12, BLOCK_SIZE, true);
  bytes.set(h.uuid, 16);
  setU64(v, 32, h.blockCount);
  setU64(v, 40, h.generation);
  v.setUint32(48, h.encrypted ? 1 : 0, true);
  v.setUint32(52, slot, true);
  setU64(v, 56, h.nextIno);
  writePtr(v, 64, h.liveRoot);
  writePtr(v, 80, h.snapshotRoot);
  writePtr(v, 96, h.allocRoot);
  v.setUint32(112, h.allocDepth, true);
  v.setUint32(116, h.nextSnapshotId, true);
  setU64(v, 120, h.usedBlocks);
  bytes.set(h.dirHashKey, 128);
  setI64(v, 136, h.commitTime.sec);
  v.setUint32(144, h.commitTime.nsec, true);
  setU64(v, 272, h.inodeCount);
  if (h.kdf) encodeKdf(bytes, h.kdf);
  v.setUint32(4092, crc32c(bytes, 0, 4092), true);
  return bytes;
}

function encodeKdf(bytes: Uint8Array, kdf: KdfHeader): void {
  const v = viewOf(bytes);
  v.setUint32(152, 1, true);
  v.setUint32(156, kdf.m, true);
  v.setUint32(160, kdf.t, true);
  v.setUint32(164, kdf.p, true);
  bytes.set(kdf.salt, 168);
  bytes.set(kdf.wrappedKey, 200);
}

export type HeaderCheck = { ok: true; header: Header } | { ok: false; reason: string; foreign: boolean };

/** Validates one header slot; says whether it is foreign (no magic) or damaged. */
export function decodeHeader(bytes: Uint8Array, slot: number): HeaderCheck {
  if (bytes.length !== BLOCK_SIZE) return { ok: false, reason: `header of ${bytes.length} bytes`, foreign: true };
  const v = viewOf(bytes);
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) return { ok: false, reason: 'no RedoxFS signature', foreign: true };
  if (v.getUint32(4092, true) !== crc32c(bytes, 0, 4092)) return { ok: false, reason: 'header checksum mismatch', foreign: false };
  const version = v.getUint32(8, true);
  if (version !== FORMAT_VERSION) return { ok: false, reason: `format version ${version} is not supported (this build reads ${FORMAT_VERSION})`, foreign: false };
  if (v.getUint32(12, true) !== BLOCK_SIZE) return { ok: false, reason: `block size ${v.getUint32(12, true)} is not supported`, foreign: false };
  if (v.getUint32(52, true) !== slot) return { ok: false, reason: `header written for slot ${v.getUint32(52, true)} found in slot ${slot}`, foreign: false };
  return { ok: true, header: readHeaderFields(bytes, v) };
}

function readHeaderFields(bytes: Uint8Array, v: DataView): Header {
  return {
    uuid: bytes.slice(16, 32),
    blockCount: getU64(v, 32),
    generation: getU64(v, 40),
    encrypted: (v.getUint32(48, true) & 1) === 1,
    nextIno: getU64(v, 56),
    liveRoot: readPtr(v, 64),
    snapshotRoot: readPtr(v, 80),
    allocRoot: readPtr(v, 96),
    allocDepth: v.getUint32(112, true),
    nextSnapshotId: v.getUint32(116, true),
    usedBlocks: getU64(v, 120),
    dirHashKey: bytes.slice(128, 136),
    commitTime: { sec: getI64(v, 136), nsec: v.getUint32(144, true) },
    inodeCount: getU64(v, 272),
    kdf: v.getUint32(152, true) === 1 ? {
      m: v.getUint32(156, true), t: v.getUint32(160, true), p: v.getUint32(164, true),
      salt: bytes.slice(168, 200), wrappedKey: bytes.slice(200, 272),
    } : null,
  };
}

// ---- tree nodes ----

export const NODE_MAGIC = 0x45444f4e;
export const NODE_HEADER = 16;
export const INTERNAL_ENTRY = 8 + PTR_BYTES;
export const MAX_INTERNAL = Math.floor((BLOCK_SIZE - NODE_HEADER) / INTERNAL_ENTRY);
export const LEAF_SLOT = 12;
export const MAX_VALUE = 2000;

export interface DecodedNode {
  kind: TreeKind;
  level: number;
  owner: number;
  keys: number[];
  /** Leaves: the values. */
  values: Uint8Array[];
  /** Internal nodes: the child pointers. */
  children: Ptr[];
}

export function leafBytes(values: readonly Uint8Array[]): number {
  let total = NODE_HEADER;
  for (const v of values) total += LEAF_SLOT + v.length;
  return total;
}

export function encodeNode(node: DecodedNode): Uint8Array {
  const bytes = new Uint8Array(BLOCK_SIZE);
  const v = viewOf(bytes);
  v.setUint32(0, NODE_MAGIC, true);
  v.setUint8(4, node.kind);
  v.setUint8(5, node.level);
  v.setUint16(6, node.keys.length, true);
  setU64(v, 8, node.owner);
  if (node.level > 0) encodeInternal(v, node.keys, node.children);
  else encodeLeaf(bytes, v, node.keys, node.values);
  return bytes;
}

function encodeInternal(v: DataView, keys: number[], children: Ptr[]): void {
  keys.forEach((key, i) => {
    const at = NODE_HEADER + i * INTERNAL_ENTRY;
    setU64(v, at, key);
    writePtr(v, at + 8, children[i]!);
  });
}

function encodeLeaf(bytes: Uint8Array, v: DataView, keys: number[], values: Uint8Array[]): void {
  let end = BLOCK_SIZE;
  keys.forEach((key, i) => {
    const value = values[i]!;
    end -= value.length;
    bytes.set(value, end);
    const at = NODE_HEADER + i * LEAF_SLOT;
    setU64(v, at, key);
    v.setUint16(at + 8, end, true);
    v.setUint16(at + 10, value.length, true);
  });
}

export function decodeNode(bytes: Uint8Array, addr: number): DecodedNode {
  if (bytes.length !== BLOCK_SIZE) throw corrupt(addr, `tree node of ${bytes.length} bytes`);
  const v = viewOf(bytes);
  if (v.getUint32(0, true) !== NODE_MAGIC) throw corrupt(addr, 'not a tree node');
  const node: DecodedNode = { kind: v.getUint8(4), level: v.getUint8(5), owner: getU64(v, 8), keys: [], values: [], children: [] };
  const count = v.getUint16(6, true);
  if (node.level > 0) decodeInternal(v, addr, count, node);
  else decodeLeaf(bytes, v, addr, count, node);
  for (let i = 1; i < node.keys.length; i++) if (node.keys[i]! <= node.keys[i - 1]!) throw corrupt(addr, 'node keys out of order');
  return node;
}

function decodeInternal(v: DataView, addr: number, count: number, node: DecodedNode): void {
  if (count < 1 || count > MAX_INTERNAL) throw corrupt(addr, `internal node with ${count} entries`);
  for (let i = 0; i < count; i++) {
    const at = NODE_HEADER + i * INTERNAL_ENTRY;
    const child = readPtr(v, at + 8);
    if (!child || child.type !== BlockType.Node) throw corrupt(addr, `internal node entry ${i} has a bad child pointer`);
    node.keys.push(getU64(v, at));
    node.children.push(child);
  }
}

function decodeLeaf(bytes: Uint8Array, v: DataView, addr: number, count: number, node: DecodedNode): void {
  if (NODE_HEADER + count * LEAF_SLOT > BLOCK_SIZE) throw corrupt(addr, `leaf with ${count} entries`);
  const slotsEnd = NODE_HEADER + count * LEAF_SLOT;
  for (let i = 0; i < count; i++) {
    const at = NODE_HEADER + i * LEAF_SLOT;
    const off = v.getUint16(at + 8, true);
    const len = v.getUint16(at + 10, true);
    if (off < slotsEnd || off + len > BLOCK_SIZE || len > MAX_VALUE) throw corrupt(addr, `leaf entry ${i} lies outside the block`);
    node.keys.push(getU64(v, at));
    node.values.push(bytes.slice(off, off + len));
  }
}

// ---- inode record (128 bytes) ----

export const INODE_BYTES = 128;

export interface InodeRecord {
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  size: number;
  blocks: number;
  atime: Timespec;
  mtime: Timespec;
  ctime: Timespec;
  btime: Timespec;
  content: Ptr | null;
  parent: number;
}

export function encodeInode(r: InodeRecord): Uint8Array {
  const bytes = new Uint8Array(INODE_BYTES);
  const v = viewOf(bytes);
  v.setUint32(0, r.mode, true);
  v.setUint32(4, r.uid, true);
  v.setUint32(8, r.gid, true);
  v.setUint32(12, r.nlink, true);
  setU64(v, 16, r.size);
  setU64(v, 24, r.blocks);
  [r.atime, r.mtime, r.ctime, r.btime].forEach((t, i) => {
    setI64(v, 32 + i * 8, t.sec);
    v.setUint32(64 + i * 4, t.nsec, true);
  });
  writePtr(v, 80, r.content);
  setU64(v, 96, r.parent);
  return bytes;
}

export function decodeInode(bytes: Uint8Array, ino: number, addr: number): InodeRecord {
  if (bytes.length !== INODE_BYTES) throw corrupt(addr, `inode ${ino} record is ${bytes.length} bytes`);
  const v = viewOf(bytes);
  const time = (i: number): Timespec => ({ sec: getI64(v, 32 + i * 8), nsec: v.getUint32(64 + i * 4, true) });
  const content = readPtr(v, 80);
  const mode = v.getUint32(0, true);
  const direct = content?.type === BlockType.Data && (mode & S_IFMT) !== S_IFDIR;
  if (content && content.type !== BlockType.Node && !direct) throw corrupt(addr, `inode ${ino} has a bad content pointer`);
  return {
    mode: v.getUint32(0, true), uid: v.getUint32(4, true), gid: v.getUint32(8, true), nlink: v.getUint32(12, true),
    size: getU64(v, 16), blocks: getU64(v, 24),
    atime: time(0), mtime: time(1), ctime: time(2), btime: time(3),
    content, parent: getU64(v, 96),
  };
}

// ---- directory entry buckets ----

export interface DirEntryRecord {
  name: string;
  ino: number;
  type: number;
}

export const MAX_BUCKET = 63;

export function encodeBucket(entries: readonly DirEntryRecord[]): Uint8Array {
  const names = entries.map((e) => new TextEncoder().encode(e.name));
  const bytes = new Uint8Array(names.reduce((n, name) => n + 10 + name.length, 0));
  const v = viewOf(bytes);
  let at = 0;
  entries.forEach((e, i) => {
    setU64(v, at, e.ino);
    v.setUint8(at + 8, e.type);
    v.setUint8(at + 9, names[i]!.length);
    bytes.set(names[i]!, at + 10);
    at += 10 + names[i]!.length;
  });
  return bytes;
}

export function decodeBucket(bytes: Uint8Array, addr: number): DirEntryRecord[] {
  const v = viewOf(bytes);
  const entries: DirEntryRecord[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 10 > bytes.length) throw corrupt(addr, 'directory entry runs past its bucket');
    const len = v.getUint8(at + 9);
    if (len === 0 || at + 10 + len > bytes.length) throw corrupt(addr, 'directory entry has a bad name length');
    entries.push({ ino: getU64(v, at), type: v.getUint8(at + 8), name: new TextDecoder().decode(bytes.subarray(at + 10, at + 10 + len)) });
    at += 10 + len;
  }
  return entries;
}

// ---- file data tree values: a block pointer ----

export function encodePtrValue(ptr: Ptr): Uint8Array {
  const bytes = new Uint8Array(PTR_BYTES);
  writePtr(viewOf(bytes), 0, ptr);
  return bytes;
}

export function decodePtrValue(bytes: Uint8Array, addr: number, type: BlockType): Ptr {
  const ptr = bytes.length === PTR_BYTES ? readPtr(viewOf(bytes), 0) : null;
  if (!ptr || ptr.type !== type) throw corrupt(addr, 'bad block pointer in leaf');
  return ptr;
}

// ---- snapshot record ----

export interface SnapshotRecord {
  root: Ptr;
  generation: number;
  created: Timespec;
  name: string;
}

export function encodeSnapshot(s: SnapshotRecord): Uint8Array {
  const name = new TextEncoder().encode(s.name);
  const bytes = new Uint8Array(37 + name.length);
  const v = viewOf(bytes);
  writePtr(v, 0, s.root);
  setU64(v, 16, s.generation);
  setI64(v, 24, s.created.sec);
  v.setUint32(32, s.created.nsec, true);
  v.setUint8(36, name.length);
  bytes.set(name, 37);
  return bytes;
}

export function decodeSnapshot(bytes: Uint8Array, addr: number): SnapshotRecord {
  const v = viewOf(bytes);
  const root = bytes.length >= 37 ? readPtr(v, 0) : null;
  if (!root || root.type !== BlockType.Node || bytes.length !== 37 + v.getUint8(36)) throw corrupt(addr, 'bad snapshot record');
  return {
    root, generation: getU64(v, 16), created: { sec: getI64(v, 24), nsec: v.getUint32(32, true) },
    name: new TextDecoder().decode(bytes.subarray(37)),
  };
}

// ---- directory name hash ----

function murmur3(bytes: Uint8Array, seed: number): number {
  let h = seed >>> 0;
  const tail = bytes.length & ~3;
  for (let i = 0; i < tail; i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const rest = bytes.length & 3;
  if (rest > 0) {
    let k = 0;
    for (let i = rest - 1; i >= 0; i--) k = (k << 8) | bytes[tail + i]!;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
  }
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The 46-bit directory key of a name under this filesystem's secret hash key. */
export function nameHash(name: string, hashKey: Uint8Array): number {
  const bytes = new TextEncoder().encode(name);
  const v = viewOf(hashKey);
  const h0 = murmur3(bytes, v.getUint32(0, true));
  const h1 = murmur3(bytes, v.getUint32(4, true));
  return (h0 & 0x3fff) * 2 ** 32 + h1;
}

/** Name rules shared by every operation that adds a directory entry. */
export function checkName(name: string): void {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    throw new FsError('EINVAL', `invalid file name ${JSON.stringify(name)}`);
  }
  if (new TextEncoder().encode(name).length > MAX_NAME) throw new FsError('ENAMETOOLONG', `file name longer than ${MAX_NAME} bytes: ${name.slice(0, 40)}...`);
}

// ---- block pointers inside leaf values (what reference counting follows) ----

export interface TreeSpec {
  kind: TreeKind;
  owner: number;
}

export interface ValuePointer {
  ptr: Ptr;
  /** The tree the pointer leads to, or null for a data block. */
  tree: TreeSpec | null;
}

/** The block pointers held in one leaf value of a tree of `kind`. */
export function pointersInValue(kind: TreeKind, key: number, value: Uint8Array, addr: number): ValuePointer[] {
  switch (kind) {
    case TreeKind.File:
      return [{ ptr: decodePtrValue(value, addr, BlockType.Data), tree: null }];
    case TreeKind.Inodes: {
      const inode = decodeInode(value, key, addr);
      if (!inode.content) return [];
      if (inode.content.type === BlockType.Data) return [{ ptr: inode.content, tree: null }];
      const contentKind = (inode.mode & S_IFMT) === S_IFDIR ? TreeKind.Directory : TreeKind.File;
      return [{ ptr: inode.content, tree: { kind: contentKind, owner: key } }];
    }
    case TreeKind.Snapshots:
      return [{ ptr: decodeSnapshot(value, addr).root, tree: { kind: TreeKind.Inodes, owner: 0 } }];
    default:
      return [];
  }
}
