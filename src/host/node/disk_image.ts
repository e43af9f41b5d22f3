/**
 * Making a bootable disk image on the host: a fresh RedoxFS volume (sparse on the host, optionally
 * encrypted) holding a file tree, /boot/initfs.img among it (the archive the host boots from).
 * Written to a temporary file and renamed into place, so a failed build never leaves half an image.
 * The destination's lock (src/redoxfs/node-image-lock.ts, the one a running machine holds) is
 * taken before anything is written and held until the rename is done: an image a machine is
 * running on is never replaced.
 */
import { renameSync, rmSync } from 'node:fs';
import { ImageLockedError, lockImage } from '../../redoxfs/node-image-lock.ts';
import type { KdfParams } from '../../redoxfs/crypto.ts';
import { RedoxFS } from '../../redoxfs/fs.ts';
import { nodeCrypto } from '../../redoxfs/node-crypto.ts';
import { FileDevice } from '../../redoxfs/node-file-device.ts';
import { resolveParent } from '../../redoxfs/paths.ts';
import type { InitfsFile } from '../../syscall/initfs.ts';

export interface DiskImageOptions {
  sizeBytes: number;
  password?: string;
  kdf?: KdfParams;
  /** The caller already holds the lock on the destination (lockDestination) and releases it. */
  locked?: boolean;
}

/**
 * Takes the lock on the image at `path` before it is replaced or removed; returns its release.
 * Refused, naming the path, when a machine (or a tool) holds it.
 */
export function lockDestination(path: string): () => void {
  try {
    return lockImage(path);
  } catch (error) {
    if (error instanceof ImageLockedError) {
      const message = error.holder === null
        ? `cannot replace ${path}: ${error.message}`
        : `cannot replace ${path}: a machine is running on it (process ${error.holder}${error.holder === process.pid ? ' (this process)' : ''} holds ${error.lockPath}); power it off first`;
      throw new ImageLockedError(error.image, error.lockPath, error.holder, message);
    }
    throw error;
  }
}

/** A file of the tree to write; owner and group default to root. */
export interface DiskFile extends InitfsFile {
  uid?: number;
  gid?: number;
}

const STANDARD_DIRS = [['tmp', 0o1777], ['root', 0o700], ['home', 0o755]] as const;

/**
 * Writes `files` (each folder listed before what it holds) as a new RedoxFS volume at `path`,
 * plus the standard folders (/tmp, /root, /home) the list lacks.
 */
export function writeFileTree(path: string, files: readonly DiskFile[], options: DiskImageOptions): void {
  const unlock = options.locked ? (): void => undefined : lockDestination(path);
  try {
    writeLocked(path, files, options);
  } finally {
    unlock();
  }
}

function writeLocked(path: string, files: readonly DiskFile[], options: DiskImageOptions): void {
  const temporary = `${path}.partial`;
  const device = new FileDevice(temporary, { createSize: options.sizeBytes });
  try {
    const fs = RedoxFS.mkfs(device, {
      ...(options.password !== undefined ? { password: options.password, crypto: nodeCrypto } : {}),
      ...(options.kdf ? { kdf: options.kdf } : {}),
    });
    const put = (file: DiskFile): void => {
      const { dir, name } = resolveParent(fs, '/' + file.path);
      const uid = file.uid ?? 0;
      const gid = file.gid ?? 0;
      if (file.kind === 'dir') fs.mkdir(dir, name, file.mode, uid, gid);
      else if (file.kind === 'symlink') fs.symlink(dir, name, file.target!, uid, gid);
      else fs.write(fs.create(dir, name, file.mode, uid, gid).ino, 0, file.data ?? new Uint8Array(0));
    };
    for (const file of files) put(file);
    for (const [dir, mode] of STANDARD_DIRS) if (!files.some((f) => f.path === dir)) put({ path: dir, kind: 'dir', mode });
    fs.unmount();
  } catch (error) {
    device.close();
    rmSync(temporary, { force: true });
    throw error;
  }
  device.close();
  renameSync(temporary, path);
}

/** A disk holding `files` (any boot/ entries but the folder itself are left out) and `bootArchive` as /boot/initfs.img. */
export function writeDiskImage(path: string, files: InitfsFile[], bootArchive: Uint8Array, options: DiskImageOptions): void {
  const tree = files.filter((f) => !f.path.startsWith('boot/') && f.path !== 'boot');
  writeFileTree(path, [...tree, { path: 'boot', kind: 'dir', mode: 0o755 }, { path: 'boot/initfs.img', mode: 0o644, data: bootArchive }], options);
}
