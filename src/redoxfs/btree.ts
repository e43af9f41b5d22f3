/**
 * Copy-on-write B+trees with u64 keys, the one structure behind inodes, directories, file
 * data and snapshots (node layout in format.ts).
 *
 * Ownership rules (Rodeh, "B-trees, shadowing, and clones"):
 * - A clean node lives on disk; its reference count is the number of parents pointing to it.
 * - A dirty node exists only in memory, has exactly one parent and is changed in place.
 * - To change a clean node it is copied (`mutable`); if it was shared (count > 1) every block it
 *   points to gains a reference, because the copy points to them too; then the original loses
 *   the reference its parent held. The caller must already hold the parent privately (changes
 *   go top-down), which is why the filesystem touches an inode's record before its content.
 * - This layer keeps reference counts right for the tree's own structure. Callers that put or
 *   delete a value holding pointers manage those pointers' counts themselves.
 * Dirty nodes get their addresses only at `flush`, children before parents, which also lays a
 * tree out in order on disk.
 */

import type { Allocator } from './alloc.ts';
import { BLOCK_SIZE } from './device.ts';
import { FsError, corrupt } from './errors.ts';
import {
  BlockType, MAX_INTERNAL, MAX_VALUE, decodeNode, encodeNode, leafBytes, pointersInValue,
  type Ptr, type TreeKind, type TreeSpec,
} from './format.ts';
import type { BlockStore } from './store.ts';

export interface TreeNode {
  kind: TreeKind;
  level: number;
  owner: number;
  keys: number[];
  values: Uint8Array[];
  children: Child[];
  dirty: boolean;
  addr: number;
  sum: number;
}

export type Child = Ptr | TreeNode;
export type Root = Child | null;

export function isNode(child: Child): child is TreeNode {
  return 'keys' in child;
}

const CACHE_NODES = 8192;
const UNDERFULL_LEAF = BLOCK_SIZE / 4;
const UNDERFULL_INTERNAL = Math.floor(MAX_INTERNAL / 4);

/** Index of the child whose subtree may hold `key`: the last bound <= key, else 0. */
function childIndex(keys: number[], key: number): number {
  let lo = 0;
  let hi = keys.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (keys[mid]! <= key) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** First index whose key is >= `key`. */
function lowerBound(keys: number[], key: number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class Trees {
  private readonly cache = new Map<number, TreeNode>();
  /** Dirty nodes alive now: each will need a block at the next commit. */
  dirtyNodes = 0;

  /** `shortLived` trees (fsck, scrub) run while nothing writes, so they need no write hook. */
  constructor(readonly store: BlockStore, readonly alloc: Allocator, shortLived = false) {
    if (!shortLived) store.onWrite((addr) => this.cache.delete(addr));
  }

  // ---- reading ----

  load(child: Child, spec: TreeSpec, level?: number): TreeNode {
    const node = isNode(child) ? child : this.read(child);
    const where = isNode(child) ? node.addr : child.addr;
    if (node.kind !== spec.kind || node.owner !== spec.owner) throw corrupt(where, `tree node belongs to kind ${node.kind} owner ${node.owner}, expected kind ${spec.kind} owner ${spec.owner}`);
    if (level !== undefined && node.level !== level) throw corrupt(where, `tree node at level ${node.level}, expected ${level}`);
    return node;
  }

  private read(ptr: Ptr): TreeNode {
    const cached = this.cache.get(ptr.addr);
    if (cached && cached.sum === ptr.sum) {
      this.cache.delete(ptr.addr);
      this.cache.set(ptr.addr, cached);
      return cached;
    }
    const decoded = decodeNode(this.store.read(ptr, BlockType.Node), ptr.addr);
    const node: TreeNode = { ...decoded, children: decoded.children, dirty: false, addr: ptr.addr, sum: ptr.sum };
    this.remember(node);
    return node;
  }

  private remember(node: TreeNode): void {
    this.cache.set(node.addr, node);
    if (this.cache.size > CACHE_NODES) this.cache.delete(this.cache.keys().next().value!);
  }

  get(spec: TreeSpec, root: Root, key: number): Uint8Array | undefined {
    if (!root) return undefined;
    let node = this.load(root, spec);
    while (node.level > 0) node = this.load(node.children[childIndex(node.keys, key)]!, spec, node.level - 1);
    const i = lowerBound(node.keys, key);
    return node.keys[i] === key ? node.values[i] : undefined;
  }

  /** Entries with key >= `from`, in key order. Do not change the tree while iterating. */
  *entries(spec: TreeSpec, root: Root, from = 0): Generator<[number, Uint8Array]> {
    if (root) yield* this.walk(spec, this.load(root, spec), from);
  }

  private *walk(spec: TreeSpec, node: TreeNode, from: number): Generator<[number, Uint8Array]> {
    if (node.level === 0) {
      for (let i = lowerBound(node.keys, from); i < node.keys.length; i++) yield [node.keys[i]!, node.values[i]!];
      return;
    }
    for (let i = childIndex(node.keys, from); i < node.children.length; i++) {
      yield* this.walk(spec, this.load(node.children[i]!, spec, node.level - 1), from);
    }
  }

  // ---- copy-on-write ----

  private newNode(spec: TreeSpec, level: number): TreeNode {
    this.dirtyNodes++;
    return { kind: spec.kind, owner: spec.owner, level, keys: [], values: [], children: [], dirty: true, addr: 0, sum: 0 };
  }

  private mutable(child: Child, spec: TreeSpec, level?: number): TreeNode {
    if (isNode(child) && child.dirty) return child;
    const node = this.load(child, spec, level);
    const copy = this.newNode(spec, node.level);
    copy.keys = node.keys.slice();
    copy.values = node.values.slice();
    copy.children = node.children.slice();
    if (this.alloc.refCount(node.addr) > 1) this.shareChildren(node);
    this.alloc.release(node.addr);
    return copy;
  }

  /** The copy of a shared node points to everything the original does. */
  private shareChildren(node: TreeNode): void {
    for (const child of node.children) this.alloc.addRef((child as Ptr).addr);
    node.values.forEach((value, i) => {
      for (const p of pointersInValue(node.kind, node.keys[i]!, value, node.addr)) this.alloc.addRef(p.ptr.addr);
    });
  }

  // ---- insert ----

  put(spec: TreeSpec, root: Root, key: number, value: Uint8Array): Child {
    if (value.length > MAX_VALUE) throw new FsError('EINVAL', `tree value of ${value.length} bytes exceeds ${MAX_VALUE}`);
    if (!root) {
      const leaf = this.newNode(spec, 0);
      leaf.keys.push(key);
      leaf.values.push(value);
      return leaf;
    }
    const node = this.mutable(root, spec);
    const right = this.insert(spec, node, key, value);
    if (!right) return node;
    const top = this.newNode(spec, node.level + 1);
    top.keys.push(Math.min(node.keys[0]!, key), right.keys[0]!);
    top.children.push(node, right);
    return top;
  }

  /** Inserts into a dirty node; returns the new right sibling when the node had to split. */
  private insert(spec: TreeSpec, node: TreeNode, key: number, value: Uint8Array): TreeNode | null {
    if (node.level === 0) return this.insertIntoLeaf(spec, node, key, value);
    const i = childIndex(node.keys, key);
    const child = this.mutable(node.children[i]!, spec, node.level - 1);
    node.children[i] = child;
    if (key < node.keys[i]!) node.keys[i] = key;
    const right = this.insert(spec, child, key, value);
    if (!right) return null;
    node.keys.splice(i + 1, 0, right.keys[0]!);
    node.children.splice(i + 1, 0, right);
    if (node.keys.length <= MAX_INTERNAL) return null;
    const at = i + 1 === node.keys.length - 1 ? node.keys.length - 1 : node.keys.length >> 1;
    return this.splitAt(spec, node, at);
  }

  private insertIntoLeaf(spec: TreeSpec, node: TreeNode, key: number, value: Uint8Array): TreeNode | null {
    const i = lowerBound(node.keys, key);
    if (node.keys[i] === key) node.values[i] = value;
    else {
      node.keys.splice(i, 0, key);
      node.values.splice(i, 0, value);
    }
    if (leafBytes(node.values) <= BLOCK_SIZE) return null;
    const appended = i === node.keys.length - 1 && node.keys[i] === key;
    return this.splitAt(spec, node, appended ? node.keys.length - 1 : this.balancedLeafSplit(node));
  }

  /** The split index that evens out the bytes of the two halves. */
  private balancedLeafSplit(node: TreeNode): number {
    const total = leafBytes(node.values);
    let best = 1;
    let bestWorst = Infinity;
    let left = leafBytes([]);
    for (let k = 1; k < node.keys.length; k++) {
      left += 12 + node.values[k - 1]!.length;
      const worst = Math.max(left, total - left + leafBytes([]));
      if (worst < bestWorst) [best, bestWorst] = [k, worst];
    }
    return best;
  }

  private splitAt(spec: TreeSpec, node: TreeNode, at: number): TreeNode {
    const right = this.newNode(spec, node.level);
    right.keys = node.keys.splice(at);
    if (node.level === 0) right.values = node.values.splice(at);
    else right.children = node.children.splice(at);
    return right;
  }

  // ---- delete ----

  /** Removes `key` if present; returns the new root (null when the tree became empty). */
  delete(spec: TreeSpec, root: Root, key: number): Root {
    if (!root || this.get(spec, root, key) === undefined) return root;
    const node = this.mutable(root, spec);
    this.removeFrom(spec, node, key);
    return this.shrinkRoot(node);
  }

  private shrinkRoot(node: TreeNode): Root {
    if (node.keys.length === 0) {
      this.dirtyNodes--;
      return null;
    }
    if (node.level > 0 && node.children.length === 1) {
      this.dirtyNodes--;
      return node.children[0]!;
    }
    return node;
  }

  private removeFrom(spec: TreeSpec, node: TreeNode, key: number): void {
    if (node.level === 0) {
      const i = lowerBound(node.keys, key);
      node.keys.splice(i, 1);
      node.values.splice(i, 1);
      return;
    }
    const i = childIndex(node.keys, key);
    const child = this.mutable(node.children[i]!, spec, node.level - 1);
    node.children[i] = child;
    this.removeFrom(spec, child, key);
    if (child.keys.length === 0) {
      node.keys.splice(i, 1);
      node.children.splice(i, 1);
      this.dirtyNodes--;
    } else if (this.underfull(child)) this.tryMerge(spec, node, i);
  }

  private underfull(node: TreeNode): boolean {
    return node.level === 0 ? leafBytes(node.values) < UNDERFULL_LEAF : node.children.length < UNDERFULL_INTERNAL;
  }

  /** Merges child i with a neighbour when both fit in one node. */
  private tryMerge(spec: TreeSpec, node: TreeNode, i: number): void {
    const j = i + 1 < node.children.length ? i + 1 : i - 1;
    if (j < 0) return;
    const [l, r] = i < j ? [i, j] : [j, i];
    const level = node.level - 1;
    const peekL = this.load(node.children[l]!, spec, level);
    const peekR = this.load(node.children[r]!, spec, level);
    const fits = level === 0
      ? leafBytes(peekL.values) + leafBytes(peekR.values) - leafBytes([]) <= BLOCK_SIZE
      : peekL.children.length + peekR.children.length <= MAX_INTERNAL;
    if (!fits) return;
    const left = this.mutable(node.children[l]!, spec, level);
    const right = this.mutable(node.children[r]!, spec, level);
    left.keys.push(...right.keys);
    left.values.push(...right.values);
    left.children.push(...right.children);
    node.children[l] = left;
    node.keys.splice(r, 1);
    node.children.splice(r, 1);
    this.dirtyNodes--;
  }

  // ---- commit and release ----

  /** Writes every dirty node of the tree, children first; returns the root pointer. */
  flush(root: Root): Ptr | null {
    if (!root) return null;
    if (!isNode(root)) return root;
    if (!root.dirty) return { addr: root.addr, sum: root.sum, type: BlockType.Node };
    if (root.level > 0) root.children = root.children.map((c) => this.flush(c)!);
    const addr = this.alloc.alloc();
    const ptr = this.store.write(addr, BlockType.Node, encodeNode({ ...root, children: root.children as Ptr[] }));
    root.dirty = false;
    root.addr = addr;
    root.sum = ptr.sum;
    this.dirtyNodes--;
    this.remember(root);
    return ptr;
  }

  /** Gives up one reference to a whole tree; what nobody else shares is freed. */
  drop(spec: TreeSpec, root: Root): void {
    if (!root) return;
    if (isNode(root) && root.dirty) {
      this.dropContents(spec, root);
      this.dirtyNodes--;
      return;
    }
    const addr = root.addr;
    if (this.alloc.refCount(addr) > 1) {
      this.alloc.release(addr);
      return;
    }
    this.dropContents(spec, this.load(root, spec));
    this.alloc.release(addr);
  }

  private dropContents(spec: TreeSpec, node: TreeNode): void {
    for (const child of node.children) this.drop(spec, child);
    node.values.forEach((value, i) => {
      for (const p of pointersInValue(node.kind, node.keys[i]!, value, node.addr)) {
        if (p.tree) this.drop(p.tree, p.ptr);
        else this.alloc.release(p.ptr.addr);
      }
    });
  }
}
