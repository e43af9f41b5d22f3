// The daemon's handler driven directly (no kernel): permission rules and how it keeps its page
// cache true when the filesystem fails part-way.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RedoxFsHandler } from '../../src/redoxfs/daemon.ts';
import { FileCache } from '../../src/redoxfs/page_cache.ts';
import { BLOCK_SIZE, FsError, isFsError, type RedoxFS } from '../../src/redoxfs/index.ts';
import { Errno, SysError } from '../../src/syscall/errno.ts';
import { O_CREAT, O_RDWR, SEEK_CUR } from '../../src/syscall/flags.ts';
import { BITMAP_WORD, CHUNK_BYTES, DATA_OFFSET } from '../../src/syscall/page_cache.ts';
import type { Mapping } from '../../src/libc/shm.ts';
import { enc, freshFs, pattern } from './helpers.ts';

const root = { pid: 2, uid: 0, gid: 0, tag: 0 };
const alice = { pid: 3, uid: 1000, gid: 1000, tag: 0 };
const bob = { pid: 4, uid: 2000, gid: 2000, tag: 0 };

function errnoOf(fn: () => unknown): number {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof SysError, String(e));
    return e.errno;
  }
  assert.fail('expected an error');
}

/** Spies on the handler's page cache: which inodes it was told to forget. */
function forgotten(h: RedoxFsHandler): number[] {
  const cache = (h as unknown as { cache: { forget: (ino: number) => void } }).cache;
  const seen: number[] = [];
  const forget = cache.forget.bind(cache);
  cache.forget = (ino: number) => {
    seen.push(ino);
    forget(ino);
  };
  return seen;
}

function fillUp(fs: RedoxFS): void {
  const g = fs.create(1, 'filler');
  let offset = 0;
  try {
    for (;;) {
      fs.write(g.ino, offset, pattern(9, BLOCK_SIZE));
      offset += BLOCK_SIZE;
    }
  } catch (e) {
    if (!isFsError(e, 'ENOSPC')) throw e;
  }
}

describe('redoxfsd handler', () => {
  it('refuses to let rename replace another user\'s file in a sticky directory', () => {
    const { fs } = freshFs(1024);
    const tmp = fs.mkdir(1, 'tmp', 0o1777);
    const a = fs.create(tmp.ino, 'a', 0o644, alice.uid, alice.gid);
    fs.write(a.ino, 0, enc('alice'));
    fs.create(tmp.ino, 'b', 0o644, bob.uid, bob.gid);
    fs.create(tmp.ino, 'c', 0o644, bob.uid, bob.gid);
    const h = new RedoxFsHandler(fs);
    assert.equal(errnoOf(() => h.unlink('/tmp/a', bob)), Errno.EPERM);
    assert.equal(errnoOf(() => h.rename('/tmp/b', '/tmp/a', bob)), Errno.EPERM);
    assert.equal(fs.getattr(fs.lookup(tmp.ino, 'a')).uid, alice.uid);
    assert.equal(fs.lookup(tmp.ino, 'b') !== 0, true);
    // Bob may still replace his own file, and the owner or root may replace anyone's.
    h.rename('/tmp/b', '/tmp/c', bob);
    h.rename('/tmp/c', '/tmp/a', root);
    assert.equal(fs.getattr(fs.lookup(tmp.ino, 'a')).uid, bob.uid);
  });

  it('answers a write that runs out of space with a short count and moves the offset by it', () => {
    const { fs } = freshFs(1024);
    const h = new RedoxFsHandler(fs);
    const id = h.open('/f', O_CREAT | O_RDWR | 0o644, root);
    fillUp(fs);
    const filler = fs.lookup(1, 'filler');
    fs.truncate(filler, fs.getattr(filler).size - 30 * BLOCK_SIZE);
    fs.commit();
    // Small enough not to start a page cache (that needs the kernel's shm scheme).
    const data = pattern(5, 60 * BLOCK_SIZE);
    const n = h.write(id, data, root, 0);
    assert.ok(n > 0 && n < data.length, `short count ${n}`);
    assert.equal(h.seek(id, 0, SEEK_CUR), n);
    assert.equal(h.fstat(id).size, n);
    assert.equal(errnoOf(() => h.write(id, data.subarray(n), root, 0)), Errno.ENOSPC);
    assert.equal(h.seek(id, 0, SEEK_CUR), n, 'a failed write leaves the offset');
    h.close(id);
  });

  it('drops a file\'s cache when a write or truncate fails in the filesystem', () => {
    const { fs } = freshFs(1024);
    const h = new RedoxFsHandler(fs);
    const id = h.open('/f', O_CREAT | O_RDWR | 0o644, root);
    const ino = fs.lookup(1, 'f');
    const seen = forgotten(h);
    const fail = () => {
      throw new FsError('ENOSPC', 'injected');
    };
    const realWrite = fs.write.bind(fs);
    const realTruncate = fs.truncate.bind(fs);
    fs.write = fail;
    assert.equal(errnoOf(() => h.write(id, enc('x'), root, 0)), Errno.ENOSPC);
    fs.write = realWrite;
    fs.truncate = fail;
    assert.equal(errnoOf(() => h.ftruncate(id, 0)), Errno.ENOSPC);
    fs.truncate = realTruncate;
    assert.deepEqual(seen, [ino, ino]);
    h.close(id);
  });
});

describe('page cache bitmap', () => {
  it('decides what it holds by its own bitmap, not the one mappers can write', () => {
    const buffer = new SharedArrayBuffer(DATA_OFFSET + 4 * CHUNK_BYTES);
    const mapping: Mapping = { id: 1, buffer, words: new Int32Array(buffer) };
    const cache = new FileCache(7, -1, mapping, 4 * CHUNK_BYTES);
    const words = new Int32Array(buffer);
    cache.store(0, new Uint8Array(CHUNK_BYTES).fill(1));
    assert.ok(cache.holds(0, CHUNK_BYTES));
    assert.equal(Atomics.load(words, BITMAP_WORD) & 1, 1, 'mapped readers see it held');
    // A mapper marks every chunk held and clears the one really held.
    Atomics.store(words, BITMAP_WORD, ~1);
    assert.ok(!cache.holds(CHUNK_BYTES, 2 * CHUNK_BYTES), 'a chunk never filled is not trusted');
    assert.ok(cache.holds(0, CHUNK_BYTES));
    cache.write(CHUNK_BYTES, new Uint8Array(CHUNK_BYTES).fill(2), 4 * CHUNK_BYTES);
    assert.ok(cache.holds(0, 2 * CHUNK_BYTES));
    assert.ok(!cache.holds(0, 3 * CHUNK_BYTES));
  });
});
