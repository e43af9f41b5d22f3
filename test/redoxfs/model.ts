// An in-memory model of a namespace (paths → bytes or directories) and a dump of a RedoxFS in
// the same shape, so tests can compare the filesystem with what it should hold.
import { RedoxFS, S_IFDIR, S_IFMT } from '../../src/redoxfs/index.ts';

export type Tree = Map<string, Uint8Array | 'dir'>;

/** Every path below the root with its bytes (files, symlink targets) or 'dir'. */
export function dump(fs: RedoxFS, dir = fs.rootIno, prefix = '', out: Tree = new Map()): Tree {
  let cookie = 0;
  for (;;) {
    const batch = fs.readdir(dir, cookie, 64);
    if (batch.length === 0) break;
    for (const entry of batch) {
      cookie = entry.next;
      if (entry.name === '.' || entry.name === '..') continue;
      const path = `${prefix}/${entry.name}`;
      const attr = fs.getattr(entry.ino);
      if ((attr.mode & S_IFMT) === S_IFDIR) {
        out.set(path, 'dir');
        dump(fs, entry.ino, path, out);
      } else if (entry.type === 10) out.set(path, new TextEncoder().encode(fs.readlink(entry.ino)));
      else out.set(path, fs.read(entry.ino, 0, attr.size));
    }
  }
  return out;
}

export function cloneTree(tree: Tree): Tree {
  return new Map([...tree].map(([k, v]) => [k, v === 'dir' ? v : v.slice()]));
}

/** A readable description of the first difference, or null when equal. */
export function diffTrees(actual: Tree, expected: Tree): string | null {
  for (const [path, want] of expected) {
    const got = actual.get(path);
    if (got === undefined) return `${path} is missing`;
    if (want === 'dir' || got === 'dir') {
      if (want !== got) return `${path}: expected ${want === 'dir' ? 'a directory' : 'a file'}`;
      continue;
    }
    if (got.length !== want.length) return `${path}: ${got.length} bytes, expected ${want.length}`;
    for (let i = 0; i < got.length; i++) if (got[i] !== want[i]) return `${path}: byte ${i} differs`;
  }
  for (const path of actual.keys()) if (!expected.has(path)) return `${path} should not exist`;
  return null;
}
