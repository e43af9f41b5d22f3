// Scale: a 100,000-entry directory stays fast (lookups cost O(log n): about what they cost in
// a small directory) and lists in pieces with each name exactly once; sparse files and files
// past 4 GiB on a memory device that stores only the blocks written.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryDevice, RedoxFS } from '../../src/redoxfs/index.ts';
import { pattern } from './helpers.ts';

function timeLookups(fs: RedoxFS, dir: number, names: string[], rounds: number): number {
  const start = performance.now();
  for (let r = 0; r < rounds; r++) for (const name of names) fs.lookup(dir, name);
  return (performance.now() - start) / (rounds * names.length);
}

describe('a directory of 100,000 entries', () => {
  it('creates, looks up, lists in pieces and removes quickly', () => {
    const device = new MemoryDevice(65536);
    const fs = RedoxFS.mkfs(device);
    const big = fs.mkdir(1, 'big');
    const small = fs.mkdir(1, 'small');
    const n = 100_000;
    const started = performance.now();
    for (let i = 0; i < n; i++) fs.create(big.ino, `file-${i}`);
    fs.commit();
    const createMs = performance.now() - started;
    assert.ok(createMs < 60_000, `creating ${n} files took ${createMs.toFixed(0)} ms`);
    for (let i = 0; i < 100; i++) fs.create(small.ino, `file-${i}`);
    fs.commit();

    const again = RedoxFS.mount(device);
    const sample = Array.from({ length: 2000 }, (_, i) => `file-${(i * 7919) % n}`);
    const smallSample = Array.from({ length: 2000 }, (_, i) => `file-${i % 100}`);
    timeLookups(again, big.ino, sample, 1);
    let bigCost = Infinity;
    let smallCost = Infinity;
    for (let round = 0; round < 5; round++) {
      bigCost = Math.min(bigCost, timeLookups(again, big.ino, sample, 1));
      smallCost = Math.min(smallCost, timeLookups(again, small.ino, smallSample, 1));
    }
    const why = `lookup in 100k entries ${bigCost.toFixed(4)} ms vs ${smallCost.toFixed(4)} ms in 100`;
    assert.ok(bigCost < smallCost * 10 + 0.005, why);
    assert.ok(bigCost < 0.5, why);

    const seen = new Set<string>();
    let cookie = 0;
    let pieces = 0;
    for (;;) {
      const batch = again.readdir(big.ino, cookie, 1000);
      if (batch.length === 0) break;
      pieces++;
      for (const e of batch) {
        if (e.name !== '.' && e.name !== '..') {
          assert.ok(!seen.has(e.name), `${e.name} listed twice`);
          seen.add(e.name);
        }
        cookie = e.next;
      }
      if (pieces === 50) for (let i = 0; i < 500; i++) again.unlink(big.ino, `file-${i}`);
      if (pieces === 60) for (let i = 0; i < 500; i++) again.create(big.ino, `late-${i}`);
    }
    assert.ok(pieces >= 99, `${pieces} pieces`);
    for (let i = 500; i < n; i++) assert.ok(seen.has(`file-${i}`), `file-${i} missing from the listing`);
    assert.equal(again.getattr(big.ino).size, n);
    again.commit();
    assert.deepEqual(again.fsck().errors, []);
  });
});

describe('sparse and large files', () => {
  it('holds files past 4 GiB, reads holes as zeros, and stores only what was written', () => {
    const GiB = 2 ** 30;
    const device = new MemoryDevice((8 * GiB) / 4096);
    const fs = RedoxFS.mkfs(device);
    const f = fs.create(1, 'huge');
    const tail = pattern(9, 10000);
    const far = 5 * GiB + 123;
    fs.write(f.ino, 0, pattern(8, 100));
    fs.write(f.ino, 4 * GiB - 50, pattern(7, 100));
    fs.write(f.ino, far, tail);
    fs.unmount();
    assert.ok(device.storedBytes() < 8 * 1024 * 1024, `device stores ${device.storedBytes()} bytes`);

    const again = RedoxFS.mount(device);
    const ino = again.lookup(1, 'huge');
    const attr = again.getattr(ino);
    assert.equal(attr.size, far + tail.length);
    assert.ok(attr.blocks <= 8 * 8, `${attr.blocks} sectors allocated`);
    assert.deepEqual(again.read(ino, far, tail.length), tail);
    assert.deepEqual(again.read(ino, 4 * GiB - 50, 100), pattern(7, 100));
    assert.ok(again.read(ino, 2 * GiB, 1 << 20).every((b) => b === 0));
    assert.deepEqual(again.read(ino, 0, 100), pattern(8, 100));
    again.truncate(ino, 4 * GiB);
    assert.deepEqual(again.read(ino, 4 * GiB - 50, 100), pattern(7, 50));
    again.truncate(ino, 4 * GiB + 4096);
    assert.ok(again.read(ino, 4 * GiB, 4096).every((b) => b === 0));
    again.commit();
    assert.deepEqual(again.fsck().errors, []);
  });
});
