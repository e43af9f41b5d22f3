/**
 * Directories: entries kept in a per-directory B+tree keyed by a secret 46-bit hash of the
 * name, so lookup, insert and remove are O(log n) however large the directory grows.
 * Entries whose names share a hash live together in one bucket value, sorted by name.
 *
 * Invariants: a directory's `size` is its number of entries (without `.` and `..`), so
 * emptiness is O(1); readdir cookies are positions in hash order (format doc), so a listing in
 * pieces neither repeats nor skips entries that stay put while the directory changes.
 */

import { FsError } from './errors.ts';
import {
  MAX_BUCKET, MAX_VALUE, decodeBucket, encodeBucket, nameHash,
  type DirEntryRecord,
} from './format.ts';
import { contentSpec, type InodeState, type Inodes } from './inodes.ts';
import type { Volume } from './volume.ts';

export interface DirEntry extends DirEntryRecord {
  /** The cookie to pass to continue the listing after this entry. */
  next: number;
}

const BUCKET_SPAN = 64;
const FIRST_ENTRY_COOKIE = 2;

export class Directories {
  constructor(private readonly vol: Volume, private readonly inodes: Inodes) {}

  private bucket(dir: InodeState, key: number): DirEntryRecord[] {
    const value = this.vol.trees.get(contentSpec(dir), dir.content, key);
    return value ? decodeBucket(value, dir.ino) : [];
  }

  lookup(dir: InodeState, name: string): DirEntryRecord | undefined {
    return this.bucket(dir, this.key(name)).find((e) => e.name === name);
  }

  add(dir: InodeState, entry: DirEntryRecord): void {
    const key = this.key(entry.name);
    const entries = this.bucket(dir, key);
    if (entries.some((e) => e.name === entry.name)) throw new FsError('EEXIST', `${entry.name}: file exists`);
    if (entries.length >= MAX_BUCKET) throw new FsError('ENOSPC', `${entry.name}: too many names share one hash in directory ${dir.ino}`);
    entries.push(entry);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (encodeBucket(entries).length > MAX_VALUE) throw new FsError('ENOSPC', `${entry.name}: too many long names share one hash in directory ${dir.ino}`);
    this.store(dir, key, entries);
    dir.rec.size++;
  }

  remove(dir: InodeState, name: string): DirEntryRecord {
    const key = this.key(name);
    const entries = this.bucket(dir, key);
    const at = entries.findIndex((e) => e.name === name);
    if (at < 0) throw new FsError('ENOENT', `${name}: no such file or directory`);
    const [removed] = entries.splice(at, 1);
    this.store(dir, key, entries);
    dir.rec.size--;
    return removed!;
  }

  /** Points an existing name at another inode (rename over a target). */
  replace(dir: InodeState, entry: DirEntryRecord): void {
    const key = this.key(entry.name);
    const entries = this.bucket(dir, key).map((e) => (e.name === entry.name ? entry : e));
    this.store(dir, key, entries);
  }

  private store(dir: InodeState, key: number, entries: DirEntryRecord[]): void {
    this.inodes.modify(dir);
    const spec = contentSpec(dir);
    dir.content = entries.length > 0
      ? this.vol.trees.put(spec, dir.content, key, encodeBucket(entries))
      : this.vol.trees.delete(spec, dir.content, key);
  }

  /**
   * Up to `max` entries from `cookie` on (0 starts at `.`); an empty result means the end.
   * Each entry carries the cookie that continues after it.
   */
  list(dir: InodeState, cookie: number, max: number): DirEntry[] {
    const out: DirEntry[] = [];
    if (cookie === 0 && out.length < max) out.push({ name: '.', ino: dir.ino, type: 4, next: 1 });
    if (cookie <= 1 && out.length < max) out.push({ name: '..', ino: dir.rec.parent, type: 4, next: FIRST_ENTRY_COOKIE });
    const position = Math.max(0, cookie - FIRST_ENTRY_COOKIE);
    const fromKey = Math.floor(position / BUCKET_SPAN);
    for (const [key, value] of this.vol.trees.entries(contentSpec(dir), dir.content, fromKey)) {
      if (out.length >= max) break;
      decodeBucket(value, dir.ino).forEach((e, i) => {
        const at = key * BUCKET_SPAN + i;
        if (at >= position && out.length < max) out.push({ ...e, next: FIRST_ENTRY_COOKIE + at + 1 });
      });
    }
    return out;
  }

  private key(name: string): number {
    return nameHash(name, this.vol.header.dirHashKey);
  }
}
