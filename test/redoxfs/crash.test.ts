// Crash consistency: a seeded workload of creates, writes, renames, unlinks, truncates and
// fsyncs runs once on a recording fault device; then, for 2,000+ seeded cut points, the disk
// a power cut would leave (flushed writes kept, unflushed ones kept, dropped, reordered or torn
// at random) must mount, pass fsck, and hold exactly the state of one commit no older than the
// last fsync that returned: every fsynced byte is there and nothing was never written.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FaultDevice, MemoryDevice, RedoxFS, crashImage, seededRandom } from '../../src/redoxfs/index.ts';
import { resolve, resolveParent } from '../../src/redoxfs/paths.ts';
import { TEST_KDF, pattern } from './helpers.ts';
import { cloneTree, diffTrees, dump, type Tree } from './model.ts';

interface Commit {
  generation: number;
  /** Writes issued when the commit returned (it is durable for any later cut). */
  durableAfter: number;
  tree: Tree;
  snapshots: Map<string, Tree>;
}

const DIRS = ['', '/a', '/b', '/a/c'];

/** Runs the workload on `fs`, mirroring it in `model`, committing now and then. */
function workload(fs: RedoxFS, device: FaultDevice, steps: number, seed: number): Commit[] {
  const random = seededRandom(seed);
  const pick = <T,>(items: T[]): T => items[Math.floor(random() * items.length)]!;
  let model: Tree = new Map();
  const snapshots = new Map<string, Tree>();
  const commits: Commit[] = [{ generation: fs.generation, durableAfter: 0, tree: new Map(), snapshots: new Map() }];
  const record = () => {
    if (fs.generation !== commits.at(-1)!.generation) {
      commits.push({ generation: fs.generation, durableAfter: device.writeCount, tree: cloneTree(model), snapshots: new Map(snapshots) });
    }
  };
  const commit = () => {
    fs.commit();
    record();
  };
  for (const d of DIRS.slice(1)) {
    const { dir, name } = resolveParent(fs, d);
    fs.mkdir(dir, name);
    model.set(d, 'dir');
  }
  commit();
  let serial = 0;
  for (let step = 0; step < steps; step++) {
    const files = [...model].filter(([, v]) => v !== 'dir').map(([k]) => k);
    const op = files.length < 3 ? 0 : Math.floor(random() * 7.2);
    if (op === 0) {
      const path = `${pick(DIRS)}/f${serial++}`;
      const data = pattern(seed * 1000 + step, Math.floor(random() * 3) * 4096 + Math.floor(random() * 3000));
      const { dir, name } = resolveParent(fs, path);
      fs.write(fs.create(dir, name).ino, 0, data);
      model.set(path, data);
    } else if (op === 1) {
      const path = pick(files);
      const old = model.get(path) as Uint8Array;
      const at = Math.floor(random() * (old.length + 5000));
      const patch = pattern(seed * 7 + step, 1 + Math.floor(random() * 6000));
      fs.write(resolve(fs, path), at, patch);
      const next = new Uint8Array(Math.max(old.length, at + patch.length));
      next.set(old);
      next.set(patch, at);
      model.set(path, next);
    } else if (op === 2) {
      const from = pick(files);
      const to = random() < 0.5 ? pick(files) : `${pick(DIRS)}/r${serial++}`;
      const src = resolveParent(fs, from);
      const dst = resolveParent(fs, to);
      fs.rename(src.dir, src.name, dst.dir, dst.name);
      const data = model.get(from)!;
      model.delete(from);
      model.set(to, data);
    } else if (op === 3) {
      const path = pick(files);
      const { dir, name } = resolveParent(fs, path);
      fs.unlink(dir, name);
      model.delete(path);
    } else if (op === 4) {
      const path = pick(files);
      const old = model.get(path) as Uint8Array;
      const size = Math.floor(random() * (old.length + 2000));
      fs.truncate(resolve(fs, path), size);
      const next = new Uint8Array(size);
      next.set(old.subarray(0, Math.min(size, old.length)));
      model.set(path, next);
    } else if (op === 7) {
      const dirs = [...model].filter(([, v]) => v === 'dir').map(([k]) => k);
      const empty = dirs.filter((d) => !DIRS.includes(d) && ![...model.keys()].some((p) => p.startsWith(d + '/')));
      const path = empty.length > 0 && random() < 0.5 ? pick(empty) : `${pick(['', ...dirs])}/dir${serial++}`;
      const { dir, name } = resolveParent(fs, path);
      if (model.has(path)) {
        fs.rmdir(dir, name);
        model.delete(path);
      } else {
        fs.mkdir(dir, name);
        model.set(path, 'dir');
      }
    } else if (op === 6) {
      commit();
      const names = [...snapshots.keys()];
      const choice = random();
      if (choice < 0.4 || names.length === 0) {
        const name = `snap${serial++}`;
        fs.snapshotCreate(name);
        snapshots.set(name, cloneTree(model));
      } else if (choice < 0.7) {
        const name = pick(names);
        fs.rollback(name);
        model = cloneTree(snapshots.get(name)!);
      } else {
        const name = pick(names);
        fs.snapshotDelete(name);
        snapshots.delete(name);
      }
      record();
    }
    if (op === 5 || random() < 0.15) commit();
  }
  commit();
  return commits;
}

function checkCut(base: MemoryDevice, device: FaultDevice, commits: Commit[], cut: number, seed: number, password?: string): void {
  const random = seededRandom(seed);
  const modes = [0, 0.5, 1];
  const image = crashImage(base, device.events, cut, { random, keepProbability: modes[seed % 3], tear: seed % 2 === 0 });
  const context = `cut after ${cut} writes, seed ${seed}`;
  let fs: RedoxFS;
  try {
    fs = RedoxFS.mount(image, { password });
  } catch (e) {
    assert.fail(`${context}: mount failed: ${(e as Error).message}`);
  }
  const report = fs.fsck();
  assert.deepEqual(report.errors, [], `${context}: ${report.errors.join('; ')}`);
  const durable = commits.filter((c) => c.durableAfter <= cut).at(-1)!;
  const found = commits.find((c) => c.generation === fs.generation);
  assert.ok(found, `${context}: mounted generation ${fs.generation} was never committed`);
  assert.ok(found.generation >= durable.generation, `${context}: generation ${found.generation} is older than the fsynced ${durable.generation}`);
  const difference = diffTrees(dump(fs), found.tree);
  assert.equal(difference, null, `${context}: ${difference}`);
  assert.deepEqual(fs.snapshots().map((s) => s.name).sort(), [...found.snapshots.keys()].sort(), `${context}: snapshots`);
  if (seed % 10 !== 0) return;
  for (const [name, tree] of found.snapshots) {
    const diff = diffTrees(dump(RedoxFS.mount(image, { snapshot: name, password })), tree);
    assert.equal(diff, null, `${context}: snapshot ${name}: ${diff}`);
  }
}

describe('crash consistency', () => {
  it('every one of 3,000 seeded power cuts leaves a committed state that fsck accepts', () => {
    const base = new MemoryDevice(2048);
    RedoxFS.mkfs(base).unmount();
    const device = new FaultDevice(base);
    const fs = RedoxFS.mount(device);
    const commits = workload(fs, device, 900, 11);
    fs.unmount();
    const total = device.writeCount;
    assert.ok(total > 2000, `workload issued only ${total} writes`);
    assert.ok(commits.length > 50, `workload committed only ${commits.length} times`);
    const final = RedoxFS.mount(device.image());
    assert.equal(diffTrees(dump(final), commits.at(-1)!.tree), null);
    const random = seededRandom(5);
    const cuts = 3000;
    for (let i = 0; i < cuts; i++) {
      const cut = i < 200 ? i * Math.floor(total / 200) : Math.floor(random() * (total + 1));
      checkCut(base, device, commits, cut, i);
    }
  });

  it('an encrypted image survives 400 seeded power cuts the same way', () => {
    const base = new MemoryDevice(2048);
    RedoxFS.mkfs(base, { password: 'pw', kdf: TEST_KDF }).unmount();
    const device = new FaultDevice(base);
    const fs = RedoxFS.mount(device, { password: 'pw' });
    const commits = workload(fs, device, 250, 31);
    fs.unmount();
    const random = seededRandom(9);
    for (let i = 0; i < 400; i++) checkCut(base, device, commits, Math.floor(random() * (device.writeCount + 1)), i, 'pw');
  });

  it('a device that loses power mid-commit fails cleanly and the image mounts', () => {
    const base = new MemoryDevice(1024);
    RedoxFS.mkfs(base).unmount();
    for (const cut of [3, 10, 25, 60]) {
      const device = new FaultDevice(base, cut);
      const fs = RedoxFS.mount(device);
      const f = fs.create(1, 'f');
      assert.throws(() => {
        for (let i = 0; i < 100; i++) {
          fs.write(f.ino, i * 4096, pattern(i, 4096));
          if (i % 10 === 9) fs.commit();
        }
      }, /EIO/);
      assert.ok(device.lostPower);
      const after = RedoxFS.mount(device.afterPowerCut({ random: seededRandom(cut), keepProbability: 0.5, tear: true }));
      assert.deepEqual(after.fsck().errors, []);
    }
  });
});
