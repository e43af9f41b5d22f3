/**
 * Making a bootable disk image on the host: a fresh RedoxFS volume (sparse on the host, optionally
 * encrypted) holding a file tree plus /boot/initfs.img, the archive the host boots from. Written
 * to a temporary file and renamed into place, so a failed build never leaves half an image.
 */
import { renameSync } from 'node:fs';
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
}

const STANDARD_DIRS = [['tmp', 0o1777], ['root', 0o700], ['home', 0o755]] as const;

export function writeDiskImage(path: string, files: InitfsFile[], bootArchive: Uint8Array, options: DiskImageOptions): void {
  const temporary = `${path}.partial`;
  const device = new FileDevice(temporary, { createSize: options.sizeBytes });
  try {
    const fs = RedoxFS.mkfs(device, {
      ...(options.password !== undefined ? { password: options.password, crypto: nodeCrypto } : {}),
      ...(options.kdf ? { kdf: options.kdf } : {}),
    });
    const put = (file: InitfsFile): void => {
      const { dir, name } = resolveParent(fs, '/' + file.path);
      if (file.kind === 'dir') fs.mkdir(dir, name, file.mode);
      else if (file.kind === 'symlink') fs.symlink(dir, name, file.target!);
      else fs.write(fs.create(dir, name, file.mode).ino, 0, file.data ?? new Uint8Array(0));
    };
    for (const file of files) if (!file.path.startsWith('boot/')) put(file);
    if (!files.some((f) => f.path === 'boot')) put({ path: 'boot', kind: 'dir', mode: 0o755 });
    put({ path: 'boot/initfs.img', mode: 0o644, data: bootArchive });
    for (const [dir, mode] of STANDARD_DIRS) if (!files.some((f) => f.path === dir)) put({ path: dir, kind: 'dir', mode });
    fs.unmount();
  } finally {
    device.close();
  }
  renameSync(temporary, path);
}
