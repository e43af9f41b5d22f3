// The copy-on-write B+tree on its own: random puts and deletes (values up to the 2000-byte
// maximum, so leaves split and merge by bytes), commits, and clones that share nodes (what a
// snapshot does), checked against a Map; after every commit the reference count of every
// block must equal the number of parents pointing to it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MemoryDevice } from '../../src/redoxfs/index.ts';
import { Volume } from '../../src/redoxfs/volume.ts';
import { isNode, type Root } from '../../src/redoxfs/btree.ts';
import { BlockType, TreeKind, type Ptr, type TreeSpec } from '../../src/redoxfs/format.ts';
import { pattern } from './helpers.ts';

const SPEC: TreeSpec = { kind: TreeKind.Directory, owner: 99 };

type Op =
  | { op: 'put'; key: number; size: number }
  | { op: 'delete'; pick: number }
  | { op: 'deleteRange'; pick: number; count: number }
  | { op: 'commit' | 'clone' | 'dropClone' };

class TreeHarness {
  vol = Volume.format(new MemoryDevice(8192));
  root: Root = null;
  model = new Map<number, Uint8Array>();
  clones: { root: Root; model: Map<number, Uint8Array> }[] = [];

  apply(op: Op): void {
    const trees = this.vol.trees;
    switch (op.op) {
      case 'put': {
        const value = pattern(op.key + op.size, op.size);
        this.root = trees.put(SPEC, this.root, op.key, value);
        this.model.set(op.key, value);
        return;
      }
      case 'delete':
      case 'deleteRange': {
        const keys = [...this.model.keys()].sort((a, b) => a - b);
        if (keys.length === 0) return;
        const start = op.pick % keys.length;
        for (const key of keys.slice(start, start + (op.op === 'delete' ? 1 : op.count))) {
          this.root = trees.delete(SPEC, this.root, key);
          this.model.delete(key);
        }
        return;
      }
      case 'commit':
        this.commit();
        return;
      case 'clone': {
        this.commit();
        if (this.root) this.vol.alloc.addRef((this.root as Ptr).addr);
        this.clones.push({ root: this.root, model: new Map(this.model) });
        return;
      }
      case 'dropClone': {
        const clone = this.clones.pop();
        if (clone) trees.drop(SPEC, clone.root);
        this.commit();
      }
    }
  }

  private commit(): void {
    const trees = this.vol.trees;
    this.root = trees.flush(this.root);
    this.vol.alloc.writeTable(this.vol.store);
    this.vol.alloc.afterCommit();
    this.checkCounts();
  }

  check(): void {
    assert.deepEqual([...this.vol.trees.entries(SPEC, this.root)], [...this.model].sort((a, b) => a[0] - b[0]));
    for (const clone of this.clones) {
      assert.deepEqual([...this.vol.trees.entries(SPEC, clone.root)], [...clone.model].sort((a, b) => a[0] - b[0]));
    }
  }

  /** Every node's count equals its parents (the roots count as one parent each). */
  private checkCounts(): void {
    const parents = new Map<number, number>();
    const seen = new Set<number>();
    const visit = (ptr: Ptr) => {
      parents.set(ptr.addr, (parents.get(ptr.addr) ?? 0) + 1);
      if (seen.has(ptr.addr)) return;
      seen.add(ptr.addr);
      const node = this.vol.trees.load(ptr, SPEC);
      for (const child of node.children) visit(child as Ptr);
    };
    for (const root of [this.root, ...this.clones.map((c) => c.root)]) {
      if (root) visit(isNode(root) ? { addr: root.addr, sum: root.sum, type: BlockType.Node } : root);
    }
    const alloc = this.vol.alloc;
    const table = new Set(alloc.tableBlocks());
    for (let b = 4; b < alloc.blockCount; b++) {
      if (table.has(b)) continue;
      assert.equal(alloc.refCount(b), parents.get(b) ?? 0, `block ${b}`);
    }
  }
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ op: fc.constant('put' as const), key: fc.oneof(fc.nat(3000), fc.constant(2 ** 46 - 1), fc.nat(2 ** 40)), size: fc.oneof(fc.nat(40), fc.integer({ min: 1000, max: 2000 })) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('deleteRange' as const), pick: fc.nat(), count: fc.integer({ min: 10, max: 400 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('commit' as const, 'clone' as const, 'dropClone' as const) }) },
);

describe('copy-on-write B+tree', () => {
  it('matches a Map and keeps reference counts exact through clones', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 400, size: 'max' }), (ops) => {
        const h = new TreeHarness();
        for (const op of ops) h.apply(op);
        h.apply({ op: 'commit' });
        h.check();
        while (h.clones.length > 0) h.apply({ op: 'dropClone' });
        h.root = null;
      }),
      { numRuns: 150, seed: 7 },
    );
  });

  it('grows to many levels with sequential and random keys and shrinks back to nothing', () => {
    const h = new TreeHarness();
    for (let k = 0; k < 30000; k++) h.apply({ op: 'put', key: k * 3, size: 8 });
    h.apply({ op: 'clone' });
    for (let k = 0; k < 3000; k++) h.apply({ op: 'put', key: (k * 7919) % 100000, size: 20 });
    h.apply({ op: 'commit' });
    h.check();
    h.apply({ op: 'dropClone' });
    h.apply({ op: 'deleteRange', pick: 0, count: 1e9 });
    h.apply({ op: 'commit' });
    assert.equal(h.root, null);
    assert.equal(h.vol.alloc.used, 4 + h.vol.alloc.tableBlocks().length);
  });
});
