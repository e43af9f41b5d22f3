/**
 * Inodes: the records of the inode tree and, for each inode in use during a transaction, its
 * in-memory state (record + content tree root).
 *
 * Invariants:
 * - While an inode's state is dirty, the state is the truth: its `content` root is newer than
 *   the pointer in the tree's copy of the record, which is rewritten at commit (`flushAll`).
 * - Before an inode's content tree is changed the first time in a transaction, its record is
 *   rewritten in the inode tree (`modify`), so the leaf holding it is private to the live tree
 *   and reference counts follow the copy-on-write order (parent before child).
 * - A state stays the one object for its inode while it is cached, across commits, so an
 *   operation may commit part-way (to free space) and go on using the states it holds.
 */

import { isNode, type Root } from './btree.ts';
import { FsError } from './errors.ts';
import {
  BlockType, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, TreeKind, decodeInode, encodeInode,
  type InodeRecord, type TreeSpec,
} from './format.ts';
import type { Volume } from './volume.ts';

export interface InodeState {
  readonly ino: number;
  rec: InodeRecord;
  content: Root;
  dirty: boolean;
}

const MAX_CLEAN_STATES = 4096;

export const INODE_TREE: TreeSpec = { kind: TreeKind.Inodes, owner: 0 };

export function isDir(st: InodeState): boolean {
  return (st.rec.mode & S_IFMT) === S_IFDIR;
}

export function isRegular(st: InodeState): boolean {
  return (st.rec.mode & S_IFMT) === S_IFREG;
}

export function isSymlink(st: InodeState): boolean {
  return (st.rec.mode & S_IFMT) === S_IFLNK;
}

export function contentSpec(st: InodeState): TreeSpec {
  return { kind: isDir(st) ? TreeKind.Directory : TreeKind.File, owner: st.ino };
}

export class Inodes {
  private readonly states = new Map<number, InodeState>();
  private cleanStates = 0;
  nextIno: number;
  inodeCount: number;

  constructor(private readonly vol: Volume) {
    this.nextIno = vol.header.nextIno;
    this.inodeCount = vol.header.inodeCount;
  }

  get(ino: number): InodeState {
    const known = this.states.get(ino);
    if (known) return known;
    if (!Number.isSafeInteger(ino) || ino < 1) throw new FsError('EINVAL', `bad inode number ${ino}`);
    const bytes = this.vol.trees.get(INODE_TREE, this.vol.liveRoot, ino);
    if (!bytes) throw new FsError('ENOENT', `inode ${ino} does not exist`);
    const rec = decodeInode(bytes, ino, 0);
    const st: InodeState = { ino, rec, content: rec.content, dirty: false };
    this.states.set(ino, st);
    this.cleanStates++;
    return st;
  }

  exists(ino: number): boolean {
    return this.states.has(ino) || this.vol.trees.get(INODE_TREE, this.vol.liveRoot, ino) !== undefined;
  }

  /** Marks the inode changed in this transaction (see the invariants above). */
  modify(st: InodeState): void {
    if (st.dirty) return;
    this.writeRecord(st);
    st.dirty = true;
    if (this.states.get(st.ino) === st) this.cleanStates--;
  }

  private writeRecord(st: InodeState): void {
    this.vol.liveRoot = this.vol.trees.put(INODE_TREE, this.vol.liveRoot, st.ino, encodeInode(st.rec));
  }

  create(rec: InodeRecord, ino = this.nextIno): InodeState {
    if (ino >= this.nextIno) this.nextIno = ino + 1;
    const st: InodeState = { ino, rec: { ...rec, content: null }, content: null, dirty: false };
    this.modify(st);
    this.states.set(ino, st);
    this.inodeCount++;
    return st;
  }

  /** Removes the inode and frees everything only it referenced. */
  remove(st: InodeState): void {
    this.vol.liveRoot = this.vol.trees.delete(INODE_TREE, this.vol.liveRoot, st.ino);
    const content = st.content;
    if (content && !isNode(content) && content.type === BlockType.Data) this.vol.alloc.release(content.addr);
    else this.vol.trees.drop(contentSpec(st), content);
    if (this.states.get(st.ino) === st && !st.dirty) this.cleanStates--;
    this.states.delete(st.ino);
    this.inodeCount--;
  }

  /** Before commit: writes every dirty content tree and the records that point to them. */
  flushAll(): void {
    for (const st of this.states.values()) {
      if (!st.dirty) continue;
      st.content = this.vol.trees.flush(st.content);
      st.rec = { ...st.rec, content: st.content };
      this.writeRecord(st);
    }
  }

  /** After commit: every state is clean and still true (its content root is now on disk). */
  afterCommit(): void {
    for (const st of this.states.values()) st.dirty = false;
    this.cleanStates = this.states.size;
  }

  /** After the live tree was replaced (rollback): forget every state. */
  reset(): void {
    this.states.clear();
    this.cleanStates = 0;
  }

  /**
   * Forgets clean states beyond a bound, so long read-only sessions stay small. Call only
   * between operations: an operation may hold states it fetched earlier.
   */
  trim(): void {
    if (this.cleanStates <= MAX_CLEAN_STATES) return;
    for (const [ino, st] of this.states) if (!st.dirty) this.states.delete(ino);
    this.cleanStates = 0;
  }
}
