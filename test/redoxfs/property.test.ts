// Property test: random sequences of operations run against RedoxFS and against a plain
// in-memory model (paths → inode ids → bytes), across commits, remounts, crashes (uncommitted
// work lost), snapshots, snapshot mounts and rollbacks. Results, errors and final trees must
// agree, and fsck must find nothing wrong.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MemoryDevice, RedoxFS, isFsError } from '../../src/redoxfs/index.ts';
import { resolve, resolveParent } from '../../src/redoxfs/paths.ts';
import { pattern } from './helpers.ts';
import { diffTrees, dump, type Tree } from './model.ts';

type Node = { kind: 'file'; data: Uint8Array } | { kind: 'dir' };

/** The model: a namespace of paths to node ids, nodes shared by hard links. */
class Model {
  paths = new Map<string, number>([['/', 1]]);
  nodes = new Map<number, Node>([[1, { kind: 'dir' }]]);
  private nextId = 2;

  clone(): Model {
    const m = new Model();
    m.paths = new Map(this.paths);
    m.nodes = new Map([...this.nodes].map(([id, n]) => [id, n.kind === 'dir' ? n : { kind: 'file', data: n.data.slice() }]));
    m.nextId = this.nextId;
    return m;
  }

  tree(): Tree {
    const out: Tree = new Map();
    for (const [path, id] of this.paths) {
      if (path === '/') continue;
      const node = this.nodes.get(id)!;
      out.set(path, node.kind === 'dir' ? 'dir' : node.data);
    }
    return out;
  }

  node(path: string): Node | undefined {
    const id = this.paths.get(path);
    return id === undefined ? undefined : this.nodes.get(id);
  }

  /** The error creating/removing an entry at `path` meets in its parent, if any. */
  parentError(path: string): string | null {
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    const node = this.node(parent);
    if (!node) return 'ENOENT';
    return node.kind === 'dir' ? null : 'ENOTDIR';
  }

  children(path: string): string[] {
    return [...this.paths.keys()].filter((p) => p !== path && p.startsWith(path + '/'));
  }

  add(path: string, node: Node): void {
    const id = this.nextId++;
    this.nodes.set(id, node);
    this.paths.set(path, id);
  }

  /** Moves a whole subtree from one path to another. */
  move(from: string, to: string): void {
    for (const p of [from, ...this.children(from)]) {
      const id = this.paths.get(p)!;
      this.paths.delete(p);
      this.paths.set(to + p.slice(from.length), id);
    }
  }
}

type Op =
  | { op: 'create' | 'mkdir' | 'unlink' | 'rmdir'; path: string }
  | { op: 'write'; path: string; offset: number; length: number; seed: number }
  | { op: 'truncate'; path: string; size: number }
  | { op: 'rename' | 'link'; from: string; to: string }
  | { op: 'commit' | 'remount' | 'crash' }
  | { op: 'snapshot' | 'rollback' | 'dropSnapshot' | 'checkSnapshot'; name: string };

const NAMES = ['a', 'b', 'd'];
const pathArb = fc.tuple(fc.constantFrom(...NAMES), fc.option(fc.constantFrom(...NAMES), { nil: undefined }))
  .map(([a, b]) => (b ? `/${a}/${b}` : `/${a}`));
const offsetArb = fc.constantFrom(0, 1, 100, 4095, 4096, 10000, 3 * 4096 + 5);
const snapArb = fc.constantFrom('s1', 's2');

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constantFrom('create' as const, 'mkdir' as const, 'unlink' as const, 'rmdir' as const), path: pathArb }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('write' as const), path: pathArb, offset: offsetArb, length: fc.integer({ min: 0, max: 9000 }), seed: fc.nat(1000) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), path: pathArb, size: offsetArb }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('rename' as const, 'link' as const), from: pathArb, to: pathArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('commit' as const, 'remount' as const, 'crash' as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('snapshot' as const, 'rollback' as const, 'dropSnapshot' as const, 'checkSnapshot' as const), name: snapArb }) },
);

/** What the model says an operation does: an error code, or null after applying it. */
function applyToModel(m: Model, snaps: Map<string, Model>, op: Op): string | null {
  switch (op.op) {
    case 'create':
    case 'mkdir': {
      const err = m.parentError(op.path);
      if (err) return err;
      if (m.paths.has(op.path)) return 'EEXIST';
      m.add(op.path, op.op === 'mkdir' ? { kind: 'dir' } : { kind: 'file', data: new Uint8Array(0) });
      return null;
    }
    case 'unlink':
    case 'rmdir': {
      const err = m.parentError(op.path);
      if (err) return err;
      const node = m.node(op.path);
      if (!node) return 'ENOENT';
      if (op.op === 'unlink' && node.kind === 'dir') return 'EISDIR';
      if (op.op === 'rmdir' && node.kind !== 'dir') return 'ENOTDIR';
      if (op.op === 'rmdir' && m.children(op.path).length > 0) return 'ENOTEMPTY';
      m.paths.delete(op.path);
      return null;
    }
    case 'write':
    case 'truncate': {
      const node = m.node(op.path);
      if (!node) return m.parentError(op.path) ?? 'ENOENT';
      if (node.kind === 'dir') return 'EISDIR';
      const end = op.op === 'write' ? Math.max(node.data.length, op.length ? op.offset + op.length : 0) : op.size;
      const next = new Uint8Array(end);
      next.set(node.data.subarray(0, Math.min(end, node.data.length)));
      if (op.op === 'write' && op.length > 0) next.set(pattern(op.seed, op.length), op.offset);
      node.data = next;
      return null;
    }
    case 'rename':
      return renameInModel(m, op.from, op.to);
    case 'link': {
      const err = m.parentError(op.from) ?? m.parentError(op.to);
      if (err) return err;
      const node = m.node(op.from);
      if (!node) return 'ENOENT';
      if (node.kind === 'dir') return 'EPERM';
      if (m.paths.has(op.to)) return 'EEXIST';
      m.paths.set(op.to, m.paths.get(op.from)!);
      return null;
    }
    case 'snapshot':
      if (snaps.has(op.name)) return 'EEXIST';
      snaps.set(op.name, m.clone());
      return null;
    case 'rollback':
    case 'dropSnapshot':
    case 'checkSnapshot':
      return snaps.has(op.name) ? null : 'ENOENT';
    default:
      return null;
  }
}

function renameInModel(m: Model, from: string, to: string): string | null {
  const err = m.parentError(from) ?? m.parentError(to);
  if (err) return err;
  const src = m.node(from);
  if (!src) return 'ENOENT';
  if (m.paths.get(from) === m.paths.get(to)) return null;
  const dst = m.node(to);
  if (src.kind === 'dir') {
    if (dst && dst.kind !== 'dir') return 'ENOTDIR';
    if (dst && m.children(to).length > 0) return 'ENOTEMPTY';
    if (to.startsWith(from + '/')) return 'EINVAL';
  } else if (dst?.kind === 'dir') return 'EISDIR';
  m.paths.delete(to);
  m.move(from, to);
  return null;
}

class Harness {
  device = new MemoryDevice(2048);
  fs = RedoxFS.mkfs(this.device);
  model = new Model();
  committed = new Model();
  snaps = new Map<string, Model>();

  run(op: Op): void {
    const expected = this.expect(op);
    let actual: string | null = null;
    try {
      this.applyToFs(op);
    } catch (e) {
      if (!isFsError(e)) throw e;
      actual = e.code;
    }
    assert.equal(actual, expected, `${JSON.stringify(op)}: filesystem said ${actual}, model ${expected}`);
    const diff = diffTrees(dump(this.fs), this.model.tree());
    assert.equal(diff, null, `after ${JSON.stringify(op)}: ${diff}`);
  }

  private expect(op: Op): string | null {
    if (op.op === 'crash') {
      this.model = this.committed.clone();
      return null;
    }
    const before = this.model.clone();
    const result = applyToModel(this.model, this.snaps, op);
    if (result) this.model = before;
    if (op.op === 'rollback' && !result) this.model = this.snaps.get(op.name)!.clone();
    if (op.op === 'dropSnapshot' && !result) this.snaps.delete(op.name);
    if (['commit', 'remount', 'snapshot', 'rollback', 'dropSnapshot'].includes(op.op) && !result) this.committed = this.model.clone();
    return result;
  }

  private applyToFs(op: Op): void {
    const fs = this.fs;
    switch (op.op) {
      case 'create': case 'mkdir': case 'unlink': case 'rmdir': {
        const { dir, name } = resolveParent(fs, op.path);
        if (op.op === 'create') fs.create(dir, name);
        else if (op.op === 'mkdir') fs.mkdir(dir, name);
        else if (op.op === 'unlink') fs.unlink(dir, name);
        else fs.rmdir(dir, name);
        return;
      }
      case 'write':
        fs.write(resolve(fs, op.path), op.offset, pattern(op.seed, op.length));
        return;
      case 'truncate':
        fs.truncate(resolve(fs, op.path), op.size);
        return;
      case 'rename': case 'link': {
        const src = resolveParent(fs, op.from);
        const dst = resolveParent(fs, op.to);
        if (op.op === 'rename') fs.rename(src.dir, src.name, dst.dir, dst.name);
        else fs.link(fs.lookup(src.dir, src.name), dst.dir, dst.name);
        return;
      }
      case 'commit': fs.commit(); return;
      case 'remount':
        fs.unmount();
        this.fs = RedoxFS.mount(this.device);
        return;
      case 'crash':
        this.fs = RedoxFS.mount(this.device.clone());
        this.device = this.fs.volume.store.device as MemoryDevice;
        return;
      case 'snapshot': fs.snapshotCreate(op.name); return;
      case 'rollback': fs.rollback(op.name); return;
      case 'dropSnapshot': fs.snapshotDelete(op.name); return;
      case 'checkSnapshot': {
        const snap = RedoxFS.mount(this.device, { snapshot: op.name });
        const diff = diffTrees(dump(snap), this.snaps.get(op.name)?.tree() ?? new Map());
        assert.equal(diff, null, `snapshot ${op.name}: ${diff}`);
      }
    }
  }

  finish(): void {
    this.fs.commit();
    const report = this.fs.fsck();
    assert.deepEqual(report.errors, [], report.errors.join('\n'));
    this.fs.unmount();
    const again = RedoxFS.mount(this.device);
    assert.equal(diffTrees(dump(again), this.model.tree()), null);
    for (const name of this.snaps.keys()) again.snapshotDelete(name);
    const empty = again.fsck();
    assert.deepEqual(empty.errors, []);
  }
}

describe('property: RedoxFS behaves like the model', () => {
  it('random operation sequences agree, across remounts, crashes, snapshots and rollbacks', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 80, size: 'max' }), (ops) => {
        const h = new Harness();
        for (const op of ops) h.run(op);
        h.finish();
      }),
      { numRuns: 600, seed: 42 },
    );
  });
});
