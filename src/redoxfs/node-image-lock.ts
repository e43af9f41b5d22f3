/**
 * NODE-ONLY. An advisory lock on a disk image, so two writers (two machines, or a machine and the
 * host tool) never open one image at once: `IMAGE.lock` holds the writer's pid, made with O_EXCL.
 * A lock whose pid is gone is stale and taken over.
 */
import { openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { FsError } from './errors.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock on `image` for this process; returns the function that releases it. */
export function lockImage(image: string): () => void {
  const lockPath = `${image}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(lockPath, 'utf8').trim() === String(process.pid)) unlinkSync(lockPath);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(readFileSync(lockPath, 'utf8').trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) {
      throw new FsError('EBUSY', `${image} is in use by process ${holder} (${lockPath})`);
    }
    unlinkSync(lockPath);
  }
  throw new FsError('EBUSY', `cannot lock ${image}`);
}
