/**
 * The repository device channel (docs/packages.md §5): the host packs a local package
 * repository (repo.idx, NAME.pkgar, NAME.toml) into one archive in the initfs format and hands
 * it to the machine as a read-only block device, `repo0`. Inside the OS the `repod` driver
 * serves it as /scheme/repo. Only repo.idx, the NAME.pkgar archives and the NAME.toml sidecar
 * of each archive are packed, so nothing else in the folder (a signing key, notes) can reach the
 * OS; a sidecar holding a `secret_key` (a key pair put where a sidecar belongs) refuses the whole
 * folder rather than leak it, and so does a symbolic link among them (an `X.pkgar` linking to a key
 * file would hand the OS whatever it points at). The device is read-only, so nothing in the OS can change the
 * host's repository.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { HostBlockDevice } from '../../kernel/types.ts';
import { buildInitfs, type InitfsFile } from '../../syscall/initfs.ts';

export const REPO_DEVICE = 'repo0';
export const REPO_INDEX_FILE = 'repo.idx';

/** An in-memory image for the machine: the kernel Worker makes it a read-only device. */
export interface MemoryDeviceSpec {
  name: string;
  bytes: Uint8Array;
}

/** Whether `dir` looks like a repository (holds a repo.idx). */
export function isRepository(dir: string): boolean {
  return existsSync(join(dir, REPO_INDEX_FILE));
}

/**
 * The files of `dir` the OS may see: the index, every archive, and the sidecar of each archive.
 * Each is looked at itself, never through a symbolic link: a link where one of them belongs
 * refuses the whole folder, naming it (what it points at could be anything on the host).
 */
function packedNames(dir: string): string[] {
  const isFile = (name: string): boolean => {
    const stat = lstatSync(join(dir, name));
    if (stat.isSymbolicLink()) throw new Error(`repository ${dir}: ${name} is a symbolic link, which is never packed (it could hand the OS any file of the host); put the file itself in the repository folder`);
    return stat.isFile();
  };
  const names = readdirSync(dir);
  const archives = names.filter((name) => name.endsWith('.pkgar') && name !== '.pkgar' && isFile(name));
  const sidecars = archives.map((archive) => `${archive.slice(0, -'.pkgar'.length)}.toml`).filter((name) => names.includes(name) && isFile(name));
  return [REPO_INDEX_FILE, ...archives, ...sidecars].sort();
}

/** The repository in `dir` as an initfs-format archive; throws with a message if it is not one. */
export function packRepository(dir: string): Uint8Array {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`repository ${dir} is not a folder`);
  if (!isRepository(dir)) throw new Error(`repository ${dir} holds no ${REPO_INDEX_FILE} (run \`redox repo\` or \`redox cook\` first)`);
  const index = lstatSync(join(dir, REPO_INDEX_FILE));
  if (index.isSymbolicLink()) throw new Error(`repository ${dir}: ${REPO_INDEX_FILE} is a symbolic link, which is never packed (it could hand the OS any file of the host); put the file itself in the repository folder`);
  if (!index.isFile()) throw new Error(`repository ${dir}: ${REPO_INDEX_FILE} is not a file`);
  const files: InitfsFile[] = packedNames(dir).map((name) => {
    const data = readFileSync(join(dir, name));
    if (name.endsWith('.toml') && /secret_key/.test(new TextDecoder().decode(data))) {
      throw new Error(`repository ${dir}: ${name} holds a secret_key, which must never reach the OS; move the key pair out of the repository folder (the cookbook keeps it in build/, beside build/repo)`);
    }
    return { path: name, kind: 'file', mode: 0o444, data };
  });
  return buildInitfs(files, 0);
}

/** A read-only device over bytes held in memory. */
export function memoryDevice(spec: MemoryDeviceSpec): HostBlockDevice {
  const { bytes } = spec;
  return {
    name: spec.name,
    sizeBytes: bytes.length,
    readOnly: true,
    read: async (offset, length) => bytes.slice(offset, Math.min(bytes.length, offset + length)),
    write: async () => {
      throw new Error(`${spec.name} is read-only`);
    },
    flush: async () => undefined,
  };
}
