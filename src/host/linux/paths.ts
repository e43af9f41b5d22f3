/**
 * Paths on the Linux backend. A program's path is made canonical against its cwd and split into
 * scheme and path exactly as the kernel does (src/kernel/path.ts, reused: `.`/`..` folded
 * lexically, `/dev/null` & co. aliased to their schemes). Paths outside /scheme are host paths,
 * through an optional mount table (`/tmp` -> a temporary directory, say: the longest matching
 * prefix wins; unmatched paths are the host's own). /scheme/null, /scheme/zero and /scheme/rand
 * are emulated devices; every other scheme answers ENODEV.
 */
import { Errno, SysError } from '../../syscall/errno.ts';
import { canonicalize, splitScheme } from '../../kernel/path.ts';

export type Where =
  | { kind: 'host'; absolute: string; hostPath: string }
  | { kind: 'device'; absolute: string; device: 'null' | 'zero' | 'rand' };

export const DEVICES = ['null', 'zero', 'rand'] as const;

export class PathMap {
  /** [virtual prefix, host directory], longest prefix first. */
  private readonly mounts: [string, string][];

  constructor(mounts: Record<string, string> = {}) {
    this.mounts = Object.entries(mounts)
      .map(([at, dir]): [string, string] => [canonicalize(at, '/'), dir.replace(/\/+$/, '') || '/'])
      .sort((a, b) => b[0].length - a[0].length);
  }

  /** The host path of a canonical virtual path outside /scheme. */
  toHost(absolute: string): string {
    for (const [at, dir] of this.mounts) {
      if (absolute === at) return dir;
      if (at === '/') return dir === '/' ? absolute : dir + absolute;
      if (absolute.startsWith(at + '/')) return dir + absolute.slice(at.length);
    }
    return absolute;
  }

  /** Resolves `path` for a process whose cwd is `cwd`. */
  resolve(path: string, cwd: string): Where {
    const absolute = canonicalize(path, cwd);
    const target = splitScheme(absolute);
    if (target.scheme === 'file') return { kind: 'host', absolute, hostPath: this.toHost(absolute) };
    if (isDevice(target.scheme)) {
      if (target.path !== '') throw new SysError(Errno.ENOENT, `${absolute}: devices have no sub-paths`);
      return { kind: 'device', absolute: `/scheme/${target.scheme}`, device: target.scheme };
    }
    throw new SysError(Errno.ENODEV, `${absolute}: the Linux backend serves no scheme ${target.scheme || '(root)'}`);
  }

  /**
   * For calls that change the filesystem (mkdir, rename, ...): a host path. A device is another
   * scheme than the files' (EXDEV, as the kernel answers a two-scheme rename); any other scheme is ENODEV.
   */
  resolveHost(path: string, cwd: string): Extract<Where, { kind: 'host' }> {
    const absolute = canonicalize(path, cwd);
    const target = splitScheme(absolute);
    if (target.scheme === 'file') return { kind: 'host', absolute, hostPath: this.toHost(absolute) };
    if (isDevice(target.scheme)) throw new SysError(Errno.EXDEV, `${absolute} is on scheme ${target.scheme}`);
    throw new SysError(Errno.ENODEV, `${absolute}: the Linux backend serves no scheme ${target.scheme || '(root)'}`);
  }
}

function isDevice(scheme: string): scheme is 'null' | 'zero' | 'rand' {
  return (DEVICES as readonly string[]).includes(scheme);
}
