/**
 * redoxfsd: mounts the RedoxFS volume on a disk (default /scheme/hw/disk0) and serves it as a
 * scheme (default `file`, the root). Usage: redoxfsd [DISK] [SCHEME]
 */
import { CLOCK_REALTIME, O_RDWR, clockGettime, eprint, fstat, open, setrens } from '../../libc/index.ts';
import { BLOCK_SIZE } from '../../redoxfs/device.ts';
import { FdBlockDevice, serveRedoxFS } from '../../redoxfs/daemon.ts';
import { RedoxFS } from '../../redoxfs/fs.ts';

export function main(args: string[]): number {
  const disk = args[1] ?? '/scheme/hw/disk0';
  const scheme = args[2] ?? 'file';
  let fs: RedoxFS;
  try {
    const fd = open(disk, O_RDWR);
    fs = RedoxFS.mount(new FdBlockDevice(fd, Math.floor(fstat(fd).size / BLOCK_SIZE)), { clock: () => clockGettime(CLOCK_REALTIME) });
  } catch (error) {
    eprint(`redoxfsd: cannot mount ${disk}: ${(error as Error).message}`);
    return 1;
  }
  serveRedoxFS(fs, scheme, () => setrens([]));
  return 0;
}
