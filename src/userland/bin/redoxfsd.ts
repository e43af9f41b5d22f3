/**
 * redoxfsd: mounts the RedoxFS volume on a disk (default /scheme/hw/disk0) and serves it as a
 * scheme (default `file`, the root). An encrypted volume is unlocked with the password the
 * bootloader was given, read once from DISK-key. Usage: redoxfsd [DISK] [SCHEME]
 */
import { CLOCK_REALTIME, O_RDWR, clockGettime, eprint, exists, fstat, open, readTextFile, setrens } from '../../libc/index.ts';
import { BLOCK_SIZE } from '../../redoxfs/device.ts';
import { FdBlockDevice, serveRedoxFS } from '../../redoxfs/daemon.ts';
import { isFsError } from '../../redoxfs/errors.ts';
import { RedoxFS } from '../../redoxfs/fs.ts';

function mount(disk: string): RedoxFS {
  const fd = open(disk, O_RDWR);
  const device = new FdBlockDevice(fd, Math.floor(fstat(fd).size / BLOCK_SIZE));
  const clock = (): { sec: number; nsec: number } => clockGettime(CLOCK_REALTIME);
  try {
    return RedoxFS.mount(device, { clock });
  } catch (error) {
    if (!isFsError(error, 'EACCES') || !exists(`${disk}-key`)) throw error;
    return RedoxFS.mount(device, { clock, password: readTextFile(`${disk}-key`) });
  }
}

export function main(args: string[]): number {
  const disk = args[1] ?? '/scheme/hw/disk0';
  const scheme = args[2] ?? 'file';
  let fs: RedoxFS;
  try {
    fs = mount(disk);
  } catch (error) {
    eprint(`redoxfsd: cannot mount ${disk}: ${(error as Error).message}`);
    return 1;
  }
  // shm stays reachable: the page cache is made of shm objects (src/redoxfs/page_cache.ts).
  serveRedoxFS(fs, scheme, () => setrens(['shm']));
  return 0;
}
