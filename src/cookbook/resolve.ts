/**
 * Installing from a repository, the parts every installer shares (the image builder on the
 * host, `pkg` in the OS): resolving the packages to install with their runtime dependencies
 * from a verified index, and turning a verified package's entries into the file list that
 * the image writer and the initfs builder take. Portable: no node:* imports.
 */
import type { InitfsFile } from '../syscall/initfs.ts';
import { PackageError, S_IFLNK, S_IFMT, type IndexEntry, type PackageEntry, type RepoIndex } from './package.ts';

/**
 * The index entries of `names` and every runtime dependency, transitively, each after its
 * dependencies where the dependencies allow it (a runtime cycle is legal: its members come in
 * name order). A name the index lacks is a PackageError naming who asked for it.
 */
export function resolveInstall(index: RepoIndex, names: readonly string[]): IndexEntry[] {
  const byName = new Map(index.packages.map((p) => [p.name, p]));
  const order: IndexEntry[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, wantedBy: string | null): void => {
    if (state.has(name)) return;
    const entry = byName.get(name);
    if (!entry) throw new PackageError(wantedBy === null ? `no package named ${JSON.stringify(name)} in the repository` : `package ${wantedBy} depends on ${JSON.stringify(name)}, which is not in the repository`);
    state.set(name, 'visiting');
    for (const dep of [...entry.dependencies].sort()) visit(dep, name);
    state.set(name, 'done');
    order.push(entry);
  };
  for (const name of [...names].sort()) visit(name, null);
  return order;
}

/**
 * A verified package's entries as files to write (InitfsFile: what writeDiskImage and
 * buildInitfs take), with every parent folder listed first (mode 0755), under `prefix`.
 */
export function packageFiles(entries: readonly PackageEntry[], prefix = ''): InitfsFile[] {
  const base = prefix.replace(/^\/+|\/+$/g, '');
  const join = (path: string): string => (base ? `${base}/${path}` : path);
  const folders = new Set<string>();
  const out: InitfsFile[] = [];
  const decoder = new TextDecoder();
  for (const entry of entries) {
    const parts = join(entry.path).split('/');
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join('/');
      if (!folders.has(folder)) {
        folders.add(folder);
        out.push({ path: folder, kind: 'dir', mode: 0o755 });
      }
    }
    if ((entry.mode & S_IFMT) === S_IFLNK) out.push({ path: join(entry.path), kind: 'symlink', mode: 0o777, target: decoder.decode(entry.data) });
    else out.push({ path: join(entry.path), kind: 'file', mode: entry.mode & 0o7777, data: entry.data });
  }
  return out;
}
