// POSIX semantics of the RedoxFS operations: names, links, rename, attributes, data, errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryDevice, RedoxFS, S_IFDIR, S_IFLNK, S_IFREG, S_IFMT, checkAccess, R_OK, W_OK, X_OK, resolve, resolveParent } from '../../src/redoxfs/index.ts';
import { assertClean, dec, enc, freshFs, pattern, throwsCode } from './helpers.ts';

describe('files and directories', () => {
  it('creates, writes, reads back across remount', () => {
    const { device, fs } = freshFs();
    const f = fs.create(1, 'a.txt', 0o640, 7, 8);
    assert.equal(f.mode, S_IFREG | 0o640);
    assert.equal(f.uid, 7);
    assert.equal(f.gid, 8);
    assert.equal(fs.write(f.ino, 0, enc('hello, redox')), 12);
    fs.unmount();
    const again = RedoxFS.mount(device);
    const ino = again.lookup(1, 'a.txt');
    assert.equal(dec(again.read(ino, 0, 100)), 'hello, redox');
    assert.equal(dec(again.read(ino, 7, 3)), 'red');
    assert.equal(again.read(ino, 50, 10).length, 0);
    assertClean(again);
  });

  it('keeps directory link counts and parents', () => {
    const { fs } = freshFs();
    const a = fs.mkdir(1, 'a');
    const b = fs.mkdir(a.ino, 'b');
    assert.equal(fs.getattr(1).nlink, 3);
    assert.equal(fs.getattr(a.ino).nlink, 3);
    assert.equal(fs.getattr(b.ino).nlink, 2);
    assert.equal(fs.lookup(b.ino, '..'), a.ino);
    assert.equal(fs.getattr(a.ino).mode & S_IFMT, S_IFDIR);
    throwsCode(() => fs.rmdir(1, 'a'), 'ENOTEMPTY');
    fs.rmdir(a.ino, 'b');
    fs.rmdir(1, 'a');
    assert.equal(fs.getattr(1).nlink, 2);
    fs.commit();
    assertClean(fs);
  });

  it('reports POSIX errors by name', () => {
    const { fs } = freshFs();
    const f = fs.create(1, 'f');
    fs.mkdir(1, 'd');
    throwsCode(() => fs.lookup(1, 'missing'), 'ENOENT');
    throwsCode(() => fs.create(1, 'f'), 'EEXIST');
    throwsCode(() => fs.mkdir(1, 'd'), 'EEXIST');
    throwsCode(() => fs.lookup(f.ino, 'x'), 'ENOTDIR');
    throwsCode(() => fs.unlink(1, 'd'), 'EISDIR');
    throwsCode(() => fs.rmdir(1, 'f'), 'ENOTDIR');
    throwsCode(() => fs.read(fs.lookup(1, 'd'), 0, 1), 'EISDIR');
    throwsCode(() => fs.create(1, 'x'.repeat(256)), 'ENAMETOOLONG');
    throwsCode(() => fs.create(1, 'a/b'), 'EINVAL');
    throwsCode(() => fs.create(1, '..'), 'EINVAL');
    throwsCode(() => fs.link(fs.lookup(1, 'd'), 1, 'd2'), 'EPERM');
    throwsCode(() => fs.getattr(999), 'ENOENT');
    fs.commit();
    assertClean(fs);
  });

  it('hard links share an inode until the last name goes', () => {
    const { fs } = freshFs();
    const f = fs.create(1, 'one');
    fs.write(f.ino, 0, enc('shared'));
    fs.link(f.ino, 1, 'two');
    assert.equal(fs.getattr(f.ino).nlink, 2);
    fs.unlink(1, 'one');
    assert.equal(dec(fs.read(fs.lookup(1, 'two'), 0, 10)), 'shared');
    fs.unlink(1, 'two');
    throwsCode(() => fs.getattr(f.ino), 'ENOENT');
    fs.commit();
    assertClean(fs);
  });

  it('symlinks store their target and resolve through paths', () => {
    const { fs } = freshFs();
    const d = fs.mkdir(1, 'dir');
    const f = fs.create(d.ino, 'file');
    fs.write(f.ino, 0, enc('x'));
    const l = fs.symlink(1, 'link', 'dir/file');
    assert.equal(l.mode & S_IFMT, S_IFLNK);
    assert.equal(fs.readlink(l.ino), 'dir/file');
    assert.equal(resolve(fs, '/link'), f.ino);
    assert.equal(resolve(fs, '/link', { followLast: false }), l.ino);
    fs.symlink(1, 'loop', 'loop');
    throwsCode(() => resolve(fs, '/loop'), 'ELOOP');
    assert.deepEqual(resolveParent(fs, '/dir/new'), { dir: d.ino, name: 'new' });
    throwsCode(() => fs.readlink(f.ino), 'EINVAL');
  });
});

describe('rename', () => {
  it('moves across directories and replaces a file atomically', () => {
    const { device, fs } = freshFs();
    const a = fs.mkdir(1, 'a');
    const b = fs.mkdir(1, 'b');
    const src = fs.create(a.ino, 'src');
    fs.write(src.ino, 0, enc('new'));
    const old = fs.create(b.ino, 'dst');
    fs.write(old.ino, 0, enc('old'));
    fs.commit();
    fs.rename(a.ino, 'src', b.ino, 'dst');
    throwsCode(() => fs.lookup(a.ino, 'src'), 'ENOENT');
    assert.equal(fs.lookup(b.ino, 'dst'), src.ino);
    throwsCode(() => fs.getattr(old.ino), 'ENOENT');
    fs.commit();
    const again = RedoxFS.mount(device);
    assert.equal(dec(again.read(again.lookup(b.ino, 'dst'), 0, 10)), 'new');
    assertClean(again);
  });

  it('moves directories, fixing link counts and parents', () => {
    const { fs } = freshFs();
    const a = fs.mkdir(1, 'a');
    const b = fs.mkdir(1, 'b');
    const c = fs.mkdir(a.ino, 'c');
    fs.rename(a.ino, 'c', b.ino, 'c2');
    assert.equal(fs.getattr(a.ino).nlink, 2);
    assert.equal(fs.getattr(b.ino).nlink, 3);
    assert.equal(fs.lookup(c.ino, '..'), b.ino);
    fs.commit();
    assertClean(fs);
  });

  it('follows the POSIX rules for what may replace what', () => {
    const { fs } = freshFs();
    const a = fs.mkdir(1, 'a');
    const sub = fs.mkdir(a.ino, 'sub');
    fs.create(sub.ino, 'inner');
    const f = fs.create(1, 'f');
    const empty = fs.mkdir(1, 'empty');
    throwsCode(() => fs.rename(1, 'a', sub.ino, 'x'), 'EINVAL');
    throwsCode(() => fs.rename(1, 'a', 1, 'f'), 'ENOTDIR');
    throwsCode(() => fs.rename(1, 'f', 1, 'empty'), 'EISDIR');
    throwsCode(() => fs.rename(a.ino, 'sub', 1, 'a'), 'ENOTEMPTY');
    throwsCode(() => fs.rename(1, 'nope', 1, 'x'), 'ENOENT');
    fs.rename(1, 'f', 1, 'f');
    assert.equal(fs.lookup(1, 'f'), f.ino);
    fs.rename(a.ino, 'sub', 1, 'empty');
    assert.equal(fs.lookup(1, 'empty'), sub.ino);
    throwsCode(() => fs.getattr(empty.ino), 'ENOENT');
    assert.equal(fs.getattr(1).nlink, 4);
    assert.equal(fs.getattr(a.ino).nlink, 2);
    fs.commit();
    assertClean(fs);
  });
});

describe('attributes', () => {
  it('chmod, chown and utimens keep the type and set ctime', () => {
    let tick = 1000;
    const device = new MemoryDevice(4096);
    const fs = RedoxFS.mkfs(device, { clock: () => ({ sec: tick++, nsec: 123456789 }) });
    const f = fs.create(1, 'f', 0o600);
    const after = fs.setattr(f.ino, { mode: 0o4755, uid: 5, gid: 6, atime: { sec: 42, nsec: 999999999 }, mtime: { sec: -5, nsec: 1 } });
    assert.equal(after.mode, S_IFREG | 0o4755);
    assert.equal(after.uid, 5);
    assert.equal(after.gid, 6);
    assert.deepEqual(after.atime, { sec: 42, nsec: 999999999 });
    assert.deepEqual(after.mtime, { sec: -5, nsec: 1 });
    assert.ok(after.ctime.sec > f.ctime.sec);
    assert.equal(after.ctime.nsec, 123456789);
    fs.unmount();
    const again = RedoxFS.mount(device);
    assert.deepEqual(again.getattr(f.ino).mtime, { sec: -5, nsec: 1 });
    assert.deepEqual(again.getattr(f.ino).atime, { sec: 42, nsec: 999999999 });
  });

  it('write updates mtime and size; blocks count 512-byte units', () => {
    const { fs } = freshFs();
    const f = fs.create(1, 'f');
    fs.write(f.ino, 0, pattern(1, 5000));
    const a = fs.getattr(f.ino);
    assert.equal(a.size, 5000);
    assert.equal(a.blocks, 16);
    assert.equal(a.blksize, 4096);
  });

  it('checks permissions against a caller', () => {
    const node = { mode: S_IFREG | 0o640, uid: 10, gid: 20 };
    assert.ok(checkAccess(10, 99, node, R_OK | W_OK));
    assert.ok(!checkAccess(10, 99, node, X_OK));
    assert.ok(checkAccess(11, [5, 20], node, R_OK));
    assert.ok(!checkAccess(11, [5, 20], node, W_OK));
    assert.ok(!checkAccess(12, 30, node, R_OK));
    assert.ok(checkAccess(0, 0, node, R_OK | W_OK));
    assert.ok(!checkAccess(0, 0, node, X_OK));
    assert.ok(checkAccess(0, 0, { ...node, mode: S_IFDIR | 0o700 }, X_OK));
  });
});

describe('file data', () => {
  it('overwrites, extends and truncates with zeros past the end', () => {
    const { fs } = freshFs();
    const f = fs.create(1, 'f');
    const data = pattern(2, 10000);
    fs.write(f.ino, 0, data);
    fs.commit();
    fs.write(f.ino, 4090, enc('XYZXYZXYZXYZ'));
    const expect = data.slice();
    expect.set(enc('XYZXYZXYZXYZ'), 4090);
    assert.deepEqual(fs.read(f.ino, 0, 20000), expect);
    fs.truncate(f.ino, 4093);
    fs.truncate(f.ino, 9000);
    const grown = fs.read(f.ino, 0, 20000);
    assert.equal(grown.length, 9000);
    assert.deepEqual(grown.subarray(0, 4093), expect.subarray(0, 4093));
    assert.ok(grown.subarray(4093).every((b) => b === 0));
    fs.truncate(f.ino, 0);
    assert.equal(fs.getattr(f.ino).blocks, 0);
    fs.commit();
    assertClean(fs);
  });

  it('frees blocks when files go and reuses them after commit', () => {
    const { fs } = freshFs();
    fs.commit();
    const before = fs.statvfs().freeBlocks;
    const f = fs.create(1, 'f');
    fs.write(f.ino, 0, pattern(3, 400 * 1024));
    fs.commit();
    assert.ok(fs.statvfs().freeBlocks < before - 99);
    fs.unlink(1, 'f');
    fs.commit();
    assert.ok(Math.abs(fs.statvfs().freeBlocks - before) <= 2, `${fs.statvfs().freeBlocks} vs ${before}`);
    assertClean(fs);
  });

  it('fails with ENOSPC, keeps what fit, and still deletes on a full device', () => {
    const { fs } = freshFs(256);
    const f = fs.create(1, 'f');
    throwsCode(() => fs.write(f.ino, 0, pattern(4, 2 * 1024 * 1024)), 'ENOSPC');
    const size = fs.getattr(f.ino).size;
    assert.ok(size > 0 && size < 2 * 1024 * 1024);
    assert.deepEqual(fs.read(f.ino, 0, size), pattern(4, 2 * 1024 * 1024).subarray(0, size));
    fs.commit();
    fs.unlink(1, 'f');
    fs.commit();
    assertClean(fs);
  });

  it('reuses space freed in the running transaction by committing when the device runs short', () => {
    const { fs } = freshFs(512);
    const f = fs.create(1, 'f');
    const size = 1200 * 1024;
    for (let round = 0; round < 12; round++) fs.write(f.ino, 0, pattern(round, size));
    assert.deepEqual(fs.read(f.ino, 0, size), pattern(11, size));
    for (let cycle = 0; cycle < 4; cycle++) {
      for (let i = 0; i < 120; i++) fs.write(fs.create(1, `small-${i}`).ino, 0, pattern(i, 3000));
      for (let i = 0; i < 120; i++) fs.unlink(1, `small-${i}`);
    }
    fs.commit();
    assertClean(fs);
  });

  it('keeps an unlinked open file until release, and purges it after a crash', () => {
    const { device, fs } = freshFs();
    const f = fs.create(1, 'f');
    fs.write(f.ino, 0, enc('still here'));
    fs.retain(f.ino);
    fs.unlink(1, 'f');
    assert.equal(dec(fs.read(f.ino, 0, 100)), 'still here');
    fs.commit();
    assertClean(fs);
    const crashed = RedoxFS.mount(device.clone());
    throwsCode(() => crashed.getattr(f.ino), 'ENOENT');
    assertClean(crashed);
    fs.release(f.ino);
    throwsCode(() => fs.getattr(f.ino), 'ENOENT');
    fs.commit();
    assertClean(fs);
  });
});

describe('mounting', () => {
  it('read-only mounts refuse changes with EROFS', () => {
    const { device, fs } = freshFs();
    fs.create(1, 'f');
    fs.unmount();
    const ro = RedoxFS.mount(device, { readOnly: true });
    throwsCode(() => ro.create(1, 'g'), 'EROFS');
    throwsCode(() => ro.write(ro.lookup(1, 'f'), 0, enc('x')), 'EROFS');
    assert.equal(ro.statvfs().readOnly, true);
  });

  it('refuses a foreign image with a clear message', () => {
    const device = new MemoryDevice(128);
    device.write(0, new Uint8Array(4096).fill(0x41));
    assert.throws(() => RedoxFS.mount(device), /not a RedoxFS image/);
  });

  it('statvfs reports sizes and inode counts', () => {
    const { fs } = freshFs();
    fs.create(1, 'a');
    fs.mkdir(1, 'b');
    const s = fs.statvfs();
    assert.equal(s.blockSize, 4096);
    assert.equal(s.blocks, 4096);
    assert.equal(s.files, 4);
    assert.ok(s.freeBlocks > 4000 && s.availableBlocks <= s.freeBlocks);
    assert.equal(s.nameMax, 255);
  });
});
