// The allocator: every block can be handed out exactly once, freed blocks come back only after
// the commit that freed them (unless born in the same transaction), and the persisted table
// reloads to the same counts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryDevice, seededRandom } from '../../src/redoxfs/index.ts';
import { Allocator, tableDepth } from '../../src/redoxfs/alloc.ts';
import { BlockStore } from '../../src/redoxfs/store.ts';
import { throwsCode } from './helpers.ts';

describe('allocator', () => {
  it('hands out every block once, and reuses freed ones only after commit', () => {
    const blocks = 5000;
    const store = new BlockStore(new MemoryDevice(blocks), null);
    const alloc = new Allocator(blocks, tableDepth(blocks));
    const drain = () => {
      const got: number[] = [];
      for (;;) {
        try {
          got.push(alloc.alloc());
        } catch (e) {
          if ((e as { code?: string }).code !== 'ENOSPC') throw e;
          return got;
        }
      }
    };
    const taken = drain();
    assert.equal(new Set(taken).size, blocks - 4);
    assert.ok(!taken.includes(0) && !taken.includes(3));
    for (const b of taken.slice(-20)) alloc.release(b);
    const root = alloc.writeTable(store);
    alloc.afterCommit();
    assert.equal(Allocator.load(store, root, tableDepth(blocks)).used, alloc.used);

    const random = seededRandom(4);
    const freed = taken.slice(0, -20).filter(() => random() < 0.05);
    for (const b of freed) assert.equal(alloc.release(b), 0);
    const before = drain();
    for (const b of freed) assert.ok(!before.includes(b), `block ${b} came back before the commit`);
    for (const b of before) alloc.release(b);
    alloc.writeTable(store);
    alloc.afterCommit();
    const after = drain();
    for (const b of freed) assert.ok(after.includes(b), `block ${b} never came back`);
    const born = after[0]!;
    alloc.release(born);
    assert.equal(alloc.alloc(), born, 'a block born and freed in one transaction is free at once');
  });

  it('counts references and refuses to drop a count below zero', () => {
    const alloc = new Allocator(100, 1);
    const b = alloc.alloc();
    alloc.addRef(b);
    assert.equal(alloc.refCount(b), 2);
    assert.equal(alloc.release(b), 1);
    assert.equal(alloc.release(b), 0);
    throwsCode(() => alloc.release(b), 'EIO');
    throwsCode(() => alloc.addRef(50), 'EIO');
  });
});
