/**
 * The root scheme, `/scheme` itself: listing it gives the registered scheme names, and opening
 * `/scheme/NAME` with O_CREAT for a name nobody serves registers NAME to the opener, which gets
 * the scheme socket fd (Redox's `:NAME` create). Only root in the root namespace may register.
 */
import { Errno, SysError } from '../../syscall/errno.ts';
import { DT_DIR, O_DIRECTORY, S_IFDIR, canWrite } from '../../syscall/flags.ts';
import { encodeDirents } from '../../syscall/dirent.ts';
import { makeStat, type Stat } from '../../syscall/stat.ts';
import type { Kernel } from '../kernel.ts';
import { FileDescription, type Process } from '../process.ts';
import { HandleTable, SchemeBase } from '../scheme.ts';
import { SchemeSocketScheme, UserScheme } from './user.ts';

const SCHEME_NAME = /^[a-z0-9_.-]{1,64}$/;

export class RootScheme extends SchemeBase {
  readonly name = '';
  private readonly listings = new HandleTable<{ names: string[]; offset: number }>();
  readonly sockets = new SchemeSocketScheme();

  constructor(private readonly kernel: Kernel) {
    super();
  }

  open(path: string, flags: number): number {
    if (path !== '') throw new SysError(Errno.ENOENT);
    if (canWrite(flags) && !(flags & O_DIRECTORY)) throw new SysError(Errno.EISDIR);
    const names = [...this.kernel.schemes.keys()].filter(Boolean).sort();
    return this.listings.add({ names, offset: 0 });
  }

  close(id: number): void {
    this.listings.remove(id);
  }

  getdents(id: number, maxBytes: number): Uint8Array {
    const listing = this.listings.get(id);
    const rest = listing.names.slice(listing.offset);
    const { bytes, count } = encodeDirents(rest.map((name) => ({ name, type: DT_DIR })), maxBytes);
    if (count === 0 && rest.length > 0) throw new SysError(Errno.EINVAL, 'buffer too small for a directory entry');
    listing.offset += count;
    return bytes;
  }

  fstat(): Stat {
    return makeStat({ mode: S_IFDIR | 0o555, nlink: 2 });
  }

  fpath(): string {
    return '/scheme';
  }

  /** A stat-only handle for a scheme's root: a directory owned by root. */
  schemeStat(name: string, flags: number): FileDescription {
    return new FileDescription(this, this.listings.add({ names: [], offset: 0 }), flags, `/scheme/${name}`);
  }

  /** Registers `name` to `proc` and returns the description of its socket. */
  register(proc: Process, name: string, flags: number): FileDescription {
    if (!SCHEME_NAME.test(name)) throw new SysError(Errno.EINVAL, `bad scheme name ${name}`);
    if (proc.euid !== 0 || proc.namespace !== null) throw new SysError(Errno.EACCES, 'only root in the root namespace may register schemes');
    const scheme = new UserScheme(name, proc.pid, this.kernel);
    this.kernel.registerScheme(scheme);
    return new FileDescription(this.sockets, this.sockets.bind(scheme), flags, `/scheme/${name}`);
  }
}
