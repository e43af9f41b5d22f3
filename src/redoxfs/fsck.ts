/**
 * fsck and scrub over the last committed state of a volume.
 *
 * fsck reads every block reachable from the newest header (tree nodes, data blocks, the
 * allocation table) straight from the device, checks each against its pointer's checksum and
 * its structure, counts the references to every block and compares them with the allocation
 * table, then checks each namespace (live and snapshots): entries point to live inodes of the
 * right type, link counts, directory sizes and parents, file block counts, unreachable inodes.
 * scrub walks the namespaces by path and reports every file or directory with a damaged block.
 * Neither changes anything.
 */

import { Allocator } from './alloc.ts';
import { Trees } from './btree.ts';
import { BLOCK_SIZE } from './device.ts';
import { isFsError } from './errors.ts';
import {
  BlockType, ORPHAN_INO, ROOT_INO, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, TreeKind,
  decodeBucket, decodeInode, decodeNode, decodePtrValue, decodeSnapshot, nameHash, pointersInValue,
  type InodeRecord, type Ptr, type TreeSpec,
} from './format.ts';
import type { Volume } from './volume.ts';
import { headerSlots } from './volume.ts';

export interface FsckReport {
  /** Damage or inconsistency: a clean filesystem has none. */
  errors: string[];
  /** Harmless findings (for example a header slot torn by a power cut). */
  warnings: string[];
  treeNodes: number;
  dataBlocks: number;
  tableBlocks: number;
  inodes: number;
  snapshots: number;
}

export interface ScrubDamage {
  /** Path in the live filesystem, or `@snapshot:/path` inside a snapshot. */
  path: string;
  block?: number;
  reason: string;
}

export interface ScrubReport {
  damaged: ScrubDamage[];
  blocksChecked: number;
}

const INODE_TREE: TreeSpec = { kind: TreeKind.Inodes, owner: 0 };
const SNAPSHOT_TREE: TreeSpec = { kind: TreeKind.Snapshots, owner: 0 };

function message(e: unknown): string {
  return isFsError(e) ? e.message : `internal error: ${(e as Error).message}`;
}

// ---- structure and reference counts ----

class StructureCheck {
  readonly refs: Uint32Array;
  readonly report: FsckReport;

  constructor(private readonly vol: Volume, report: FsckReport) {
    this.refs = new Uint32Array(vol.header.blockCount);
    this.report = report;
  }

  /** Counts one reference; true the first time a block is seen (walk it then). */
  private edge(ptr: Ptr, from: string): boolean {
    if (ptr.addr >= this.refs.length || ptr.addr < 4) {
      this.report.errors.push(`${from}: pointer to block ${ptr.addr} outside the data area`);
      return false;
    }
    return this.refs[ptr.addr]!++ === 0;
  }

  root(ptr: Ptr | null, spec: TreeSpec, from: string): void {
    if (ptr && this.edge(ptr, from)) this.tree(ptr, spec, undefined, -Infinity, Infinity, from);
  }

  private tree(ptr: Ptr, spec: TreeSpec, level: number | undefined, lo: number, hi: number, from: string): void {
    const node = this.readNode(ptr, spec, level, from);
    if (!node) return;
    this.report.treeNodes++;
    const where = `${from}, node ${ptr.addr}`;
    if (node.keys.some((k) => k < lo || k >= hi)) this.report.errors.push(`${where}: keys outside the range its parent gives`);
    if (node.level > 0) {
      node.children.forEach((child, i) => {
        const bound = i + 1 < node.keys.length ? node.keys[i + 1]! : hi;
        if (this.edge(child, where)) this.tree(child, spec, node.level - 1, i === 0 ? lo : node.keys[i]!, bound, from);
      });
      return;
    }
    node.values.forEach((value, i) => this.leafValue(spec, node.keys[i]!, value, ptr.addr, where));
  }

  private readNode(ptr: Ptr, spec: TreeSpec, level: number | undefined, from: string) {
    try {
      const node = decodeNode(this.vol.store.read(ptr, BlockType.Node), ptr.addr);
      if (node.kind !== spec.kind || node.owner !== spec.owner) throw new Error(`node ${ptr.addr} is kind ${node.kind} owner ${node.owner}, expected kind ${spec.kind} owner ${spec.owner}`);
      if (level !== undefined && node.level !== level) throw new Error(`node ${ptr.addr} is at level ${node.level}, expected ${level}`);
      return node;
    } catch (e) {
      this.report.errors.push(`${from}: ${isFsError(e) ? e.message : (e as Error).message}`);
      return null;
    }
  }

  private leafValue(spec: TreeSpec, key: number, value: Uint8Array, addr: number, where: string): void {
    try {
      if (spec.kind === TreeKind.Directory) this.bucket(spec.owner, key, value, addr, where);
      for (const p of pointersInValue(spec.kind, key, value, addr)) {
        if (!this.edge(p.ptr, where)) continue;
        if (p.tree) this.tree(p.ptr, p.tree, undefined, -Infinity, Infinity, this.describe(p.tree));
        else this.dataBlock(p.ptr, `${where}, block index ${key}`);
      }
    } catch (e) {
      this.report.errors.push(`${where}: ${message(e)}`);
    }
  }

  private bucket(dir: number, key: number, value: Uint8Array, addr: number, where: string): void {
    for (const e of decodeBucket(value, addr)) {
      if (nameHash(e.name, this.vol.header.dirHashKey) !== key) this.report.errors.push(`${where}: entry ${JSON.stringify(e.name)} of directory ${dir} is filed under the wrong hash`);
    }
  }

  private describe(spec: TreeSpec): string {
    switch (spec.kind) {
      case TreeKind.Directory: return `directory inode ${spec.owner}`;
      case TreeKind.File: return `file inode ${spec.owner}`;
      case TreeKind.Inodes: return 'snapshot inode tree';
      default: return 'snapshot tree';
    }
  }

  private dataBlock(ptr: Ptr, from: string): void {
    this.report.dataBlocks++;
    try {
      this.vol.store.read(ptr, BlockType.Data);
    } catch (e) {
      this.report.errors.push(`${from}: ${message(e)}`);
    }
  }

  /** Compares the counted references with the allocation table on disk. */
  compareTable(): void {
    let table: Allocator;
    try {
      table = Allocator.load(this.vol.store, this.vol.header.allocRoot, this.vol.header.allocDepth);
    } catch (e) {
      this.report.errors.push(`allocation table: ${message(e)}`);
      return;
    }
    const tableBlocks = table.tableBlocks();
    this.report.tableBlocks = tableBlocks.length;
    for (const b of tableBlocks) if (this.refs[b]) this.report.errors.push(`block ${b} belongs to the allocation table and is also referenced`);
    let mismatches = 0;
    for (let b = 0; b < this.refs.length; b++) {
      if (table.refs[b] === this.refs[b]) continue;
      if (++mismatches <= 20) this.report.errors.push(`block ${b}: allocation table counts ${table.refs[b]} references, found ${this.refs[b]}`);
    }
    if (mismatches > 20) this.report.errors.push(`... and ${mismatches - 20} more reference count mismatches`);
    if (table.used !== this.vol.header.usedBlocks) this.report.errors.push(`header says ${this.vol.header.usedBlocks} blocks used, the table ${table.used}`);
  }
}

// ---- namespaces ----

interface Seen {
  rec: InodeRecord;
  links: number;
  subdirs: number;
  reached: boolean;
}

class NamespaceCheck {
  private readonly inodes = new Map<number, Seen>();

  constructor(private readonly trees: Trees, private readonly root: Ptr | null, private readonly label: string, private readonly errors: string[]) {}

  run(): number {
    try {
      this.loadInodes();
      for (const [ino, seen] of this.inodes) if ((seen.rec.mode & S_IFMT) === S_IFDIR) this.checkDirectory(ino, seen);
      for (const [ino, seen] of this.inodes) this.checkInode(ino, seen);
    } catch (e) {
      this.errors.push(`${this.label}: ${message(e)}`);
    }
    return this.inodes.size;
  }

  private loadInodes(): void {
    for (const [ino, value] of this.trees.entries(INODE_TREE, this.root)) {
      this.inodes.set(ino, { rec: decodeInode(value, ino, 0), links: 0, subdirs: 0, reached: false });
    }
    for (const ino of [ROOT_INO, ORPHAN_INO]) {
      const seen = this.inodes.get(ino);
      if (!seen || (seen.rec.mode & S_IFMT) !== S_IFDIR) this.errors.push(`${this.label}: inode ${ino} is missing or not a directory`);
      else seen.reached = true;
    }
  }

  private checkDirectory(ino: number, dir: Seen): void {
    let count = 0;
    try {
      for (const [, value] of this.trees.entries({ kind: TreeKind.Directory, owner: ino }, dir.rec.content)) {
        for (const entry of decodeBucket(value, 0)) {
          count++;
          this.checkEntry(ino, entry.name, entry.ino, entry.type);
        }
      }
    } catch (e) {
      this.errors.push(`${this.label}: directory inode ${ino}: ${message(e)}`);
      return;
    }
    if (count !== dir.rec.size) this.errors.push(`${this.label}: directory inode ${ino} holds ${count} entries, its size says ${dir.rec.size}`);
  }

  private checkEntry(dir: number, name: string, ino: number, type: number): void {
    const target = this.inodes.get(ino);
    const where = `${this.label}: entry ${JSON.stringify(name)} in directory ${dir}`;
    if (!target) return void this.errors.push(`${where} points to missing inode ${ino}`);
    const expected = { [S_IFDIR]: 4, [S_IFLNK]: 10, [S_IFREG]: 8 }[target.rec.mode & S_IFMT];
    if (expected !== type) this.errors.push(`${where} has type ${type}, the inode is ${expected ?? 'of unknown type'}`);
    target.reached = true;
    if (dir === ORPHAN_INO) return void (target.rec.nlink !== 0 && this.errors.push(`${where}: orphan has ${target.rec.nlink} links`));
    target.links++;
    if ((target.rec.mode & S_IFMT) !== S_IFDIR) return;
    this.inodes.get(dir)!.subdirs++;
    if (target.rec.parent !== dir) this.errors.push(`${where}: directory's parent field says ${target.rec.parent}`);
  }

  private checkInode(ino: number, seen: Seen): void {
    const where = `${this.label}: inode ${ino}`;
    if (!seen.reached) this.errors.push(`${where} is not reachable from the root`);
    const isDir = (seen.rec.mode & S_IFMT) === S_IFDIR;
    if (isDir && ino !== ORPHAN_INO && seen.rec.nlink !== 0 && seen.rec.nlink !== 2 + seen.subdirs) {
      this.errors.push(`${where} (directory) has link count ${seen.rec.nlink}, expected ${2 + seen.subdirs}`);
    }
    if (!isDir && seen.rec.nlink !== seen.links) this.errors.push(`${where} has link count ${seen.rec.nlink}, found ${seen.links} names`);
    if (isDir && ino !== ROOT_INO && ino !== ORPHAN_INO && seen.links > 1) this.errors.push(`${where} (directory) has ${seen.links} names`);
    if (!isDir) this.checkFileBlocks(ino, seen.rec, where);
  }

  private checkFileBlocks(ino: number, rec: InodeRecord, where: string): void {
    let count = 0;
    const limit = Math.ceil(rec.size / BLOCK_SIZE);
    try {
      for (const [index] of fileBlocks(this.trees, ino, rec)) {
        count++;
        if (index >= limit) this.errors.push(`${where} has a block at index ${index}, past its size ${rec.size}`);
      }
    } catch (e) {
      return void this.errors.push(`${where}: ${message(e)}`);
    }
    if (count !== rec.blocks) this.errors.push(`${where} has ${count} data blocks, its record says ${rec.blocks}`);
  }
}

/** The data blocks of a file or symlink: its tree, or the one block it points to straight. */
function* fileBlocks(trees: Trees, ino: number, rec: InodeRecord): Generator<[number, Ptr]> {
  if (rec.content?.type === BlockType.Data) {
    yield [0, rec.content];
    return;
  }
  for (const [index, value] of trees.entries({ kind: TreeKind.File, owner: ino }, rec.content)) {
    yield [index, decodePtrValue(value, 0, BlockType.Data)];
  }
}

/** Trees with an empty cache: every node is read (and checked) from the device once. */
function freshTrees(vol: Volume): Trees {
  return new Trees(vol.store, vol.alloc, true);
}

function snapshotRoots(vol: Volume): { name: string; root: Ptr }[] {
  const out: { name: string; root: Ptr }[] = [];
  for (const [id, value] of freshTrees(vol).entries(SNAPSHOT_TREE, vol.header.snapshotRoot)) {
    const record = decodeSnapshot(value, id);
    out.push({ name: record.name, root: record.root });
  }
  return out;
}

export function fsck(vol: Volume): FsckReport {
  const report: FsckReport = { errors: [], warnings: [], treeNodes: 0, dataBlocks: 0, tableBlocks: 0, inodes: 0, snapshots: 0 };
  for (const slot of headerSlots(vol.store.device)) if (slot.problem) report.warnings.push(`header slot ${slot.slot}: ${slot.problem}`);
  const structure = new StructureCheck(vol, report);
  structure.root(vol.header.liveRoot, INODE_TREE, 'live inode tree');
  structure.root(vol.header.snapshotRoot, SNAPSHOT_TREE, 'snapshot tree');
  structure.compareTable();
  const trees = freshTrees(vol);
  report.inodes = new NamespaceCheck(trees, vol.header.liveRoot, 'live', report.errors).run();
  if (report.inodes !== vol.header.inodeCount) report.errors.push(`header counts ${vol.header.inodeCount} inodes, the tree holds ${report.inodes}`);
  try {
    for (const snap of snapshotRoots(vol)) {
      report.snapshots++;
      new NamespaceCheck(trees, snap.root, `snapshot ${JSON.stringify(snap.name)}`, report.errors).run();
    }
  } catch (e) {
    report.errors.push(`snapshot tree: ${message(e)}`);
  }
  return report;
}

// ---- scrub ----

class Scrubber {
  readonly report: ScrubReport = { damaged: [], blocksChecked: 0 };
  private readonly verdicts = new Map<number, string | null>();
  private readonly trees: Trees;

  constructor(private readonly vol: Volume) {
    this.trees = freshTrees(vol);
  }

  /** Walks one namespace from its root directory, inode records read as entries need them. */
  namespace(root: Ptr | null, prefix: string): void {
    const rootRec = this.inode(root, ROOT_INO, `${prefix}/`);
    if (rootRec) this.directory(root, ROOT_INO, rootRec, `${prefix}/`, new Set());
  }

  private inode(root: Ptr | null, ino: number, path: string): InodeRecord | null {
    try {
      const value = this.trees.get(INODE_TREE, root, ino);
      if (value) return decodeInode(value, ino, 0);
      this.report.damaged.push({ path, reason: `entry points to missing inode ${ino}` });
    } catch (e) {
      this.damage(path, e);
    }
    return null;
  }

  private directory(root: Ptr | null, ino: number, rec: InodeRecord, path: string, visiting: Set<number>): void {
    if (visiting.has(ino)) return;
    visiting.add(ino);
    const entries: { name: string; ino: number }[] = [];
    try {
      for (const [, value] of this.trees.entries({ kind: TreeKind.Directory, owner: ino }, rec.content)) entries.push(...decodeBucket(value, 0));
    } catch (e) {
      this.damage(path, e);
    }
    for (const entry of entries) {
      const childPath = `${path}${entry.name}`;
      const child = this.inode(root, entry.ino, childPath);
      if (!child) continue;
      if ((child.mode & S_IFMT) === S_IFDIR) this.directory(root, entry.ino, child, `${childPath}/`, visiting);
      else this.file(entry.ino, child, childPath);
    }
  }

  private file(ino: number, rec: InodeRecord, path: string): void {
    try {
      for (const [, ptr] of fileBlocks(this.trees, ino, rec)) {
        const problem = this.verify(ptr);
        if (problem) this.report.damaged.push({ path, block: ptr.addr, reason: problem });
      }
    } catch (e) {
      this.damage(path, e);
    }
  }

  private verify(ptr: Ptr): string | null {
    const known = this.verdicts.get(ptr.addr);
    if (known !== undefined) return known;
    this.report.blocksChecked++;
    let verdict: string | null = null;
    try {
      this.vol.store.read(ptr, BlockType.Data);
    } catch (e) {
      verdict = message(e);
    }
    this.verdicts.set(ptr.addr, verdict);
    return verdict;
  }

  private damage(path: string, e: unknown): void {
    this.report.damaged.push({ path, block: isFsError(e) ? e.block : undefined, reason: message(e) });
  }
}

export function scrub(vol: Volume, options: { snapshots?: boolean } = {}): ScrubReport {
  const scrubber = new Scrubber(vol);
  scrubber.namespace(vol.header.liveRoot, '');
  if (options.snapshots ?? true) {
    try {
      for (const snap of snapshotRoots(vol)) scrubber.namespace(snap.root, `@${snap.name}:`);
    } catch (e) {
      scrubber.report.damaged.push({ path: '@snapshots', block: isFsError(e) ? e.block : undefined, reason: message(e) });
    }
  }
  return scrubber.report;
}
