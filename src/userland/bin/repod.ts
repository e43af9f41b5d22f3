/**
 * repod: the driver of the package repository device (docs/packages.md §5). Opens the read-only
 * device the host hands the machine (default /scheme/hw/repo0: the host's repository folder
 * packed in the initfs format), checks its header and index, registers a scheme (default
 * `repo`), gives up every other scheme and serves, read-only: the scheme root (a directory
 * listing the files) and each file (`repo.idx`, `NAME.pkgar`, `NAME.toml`). Reads go straight
 * to the device at the file's offset, so the repository is never copied into memory whole.
 * Every write, create, unlink or attribute change is EROFS. The contents are not trusted here:
 * `pkg` verifies the index and every archive with the system's own key.
 * Usage: repod [DEVICE] [SCHEME]
 */
import { Errno, SysError } from '../../syscall/errno.ts';
import { DT_REG, O_CREAT, O_DIRECTORY, O_RDONLY, O_STAT, O_TRUNC, S_IFDIR, S_IFREG, SEEK_SET, canWrite } from '../../syscall/flags.ts';
import { makeStat, type Stat } from '../../syscall/stat.ts';
import { IO_MAX } from '../../syscall/slot.ts';
import { initfsDataStart, parseInitfsIndex, type InitfsEntry } from '../../syscall/initfs.ts';
import { eprint, fstat, lseek, open, read, setrens } from '../../libc/index.ts';
import { SchemeServer, type SchemeHandler } from '../../libc/scheme.ts';
import { listingReply, seekTarget } from '../../libc/scheme_handles.ts';

interface RepoFile {
  name: string;
  /** Byte offset of the contents on the device. */
  start: number;
  size: number;
}

type Handle = { kind: 'listing'; offset: number } | { kind: 'file'; file: RepoFile; offset: number };

/** Reads `length` bytes at `offset` of the device, in slot-sized pieces. */
function readAt(fd: number, offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  lseek(fd, offset, SEEK_SET);
  for (let done = 0; done < length; ) {
    const chunk = read(fd, Math.min(length - done, IO_MAX));
    if (chunk.length === 0) throw new SysError(Errno.EIO, `short read of the repository device at ${offset + done}`);
    out.set(chunk, done);
    done += chunk.length;
  }
  return out;
}

/** The files of the archive on the device, by name (the packed repository is flat). */
function readIndex(fd: number): Map<string, RepoFile> {
  const size = fstat(fd).size;
  const head = readAt(fd, 0, Math.min(16, size));
  const dataStart = initfsDataStart(head);
  if (dataStart > size) throw new Error('initfs index runs past the end of the image');
  const entries = parseInitfsIndex(readAt(fd, 0, dataStart), size);
  const files = new Map<string, RepoFile>();
  for (const entry of entries.values()) if (isServed(entry)) files.set(entry.path, { name: entry.path, start: dataStart + entry.offset, size: entry.size });
  return files;
}

function isServed(entry: InitfsEntry): boolean {
  return entry.kind === 'file' && entry.path !== '' && !entry.path.includes('/');
}

const readOnly = (): never => {
  throw new SysError(Errno.EROFS, 'the package repository is read-only');
};

class RepoHandler implements SchemeHandler {
  private readonly handles = new Map<number, Handle>();
  private nextId = 1;

  constructor(
    private readonly device: number,
    private readonly files: Map<string, RepoFile>,
  ) {}

  private handle(id: number): Handle {
    const h = this.handles.get(id);
    if (!h) throw new SysError(Errno.EBADF);
    return h;
  }

  private file(id: number): Extract<Handle, { kind: 'file' }> {
    const h = this.handle(id);
    if (h.kind !== 'file') throw new SysError(Errno.EISDIR);
    return h;
  }

  open(path: string, flags: number): number {
    const name = path.replace(/^\/+|\/+$/g, '');
    if (!(flags & O_STAT) && (canWrite(flags) || flags & (O_CREAT | O_TRUNC))) readOnly();
    const id = this.nextId++;
    if (name === '') {
      this.handles.set(id, { kind: 'listing', offset: 0 });
      return id;
    }
    const file = this.files.get(name);
    if (!file) throw new SysError(Errno.ENOENT, `/scheme/repo/${name}`);
    if (flags & O_DIRECTORY) throw new SysError(Errno.ENOTDIR, `/scheme/repo/${name}`);
    this.handles.set(id, { kind: 'file', file, offset: 0 });
    return id;
  }

  close(id: number): void {
    this.handles.delete(id);
  }

  read(id: number, count: number): Uint8Array {
    const h = this.file(id);
    const length = Math.max(0, Math.min(count, IO_MAX, h.file.size - h.offset));
    const data = length === 0 ? new Uint8Array(0) : readAt(this.device, h.file.start + h.offset, length);
    h.offset += data.length;
    return data;
  }

  seek(id: number, offset: number, whence: number): number {
    const h = this.handle(id);
    h.offset = seekTarget(h.offset, offset, whence, h.kind === 'file' ? h.file.size : 0);
    return h.offset;
  }

  fstat(id: number): Stat {
    const h = this.handle(id);
    if (h.kind === 'listing') return makeStat({ mode: S_IFDIR | 0o555, nlink: 2 });
    return makeStat({ mode: S_IFREG | 0o444, nlink: 1, size: h.file.size });
  }

  getdents(id: number, maxBytes: number): Uint8Array {
    const h = this.handle(id);
    if (h.kind !== 'listing') throw new SysError(Errno.ENOTDIR);
    const { bytes, cursor } = listingReply([...this.files.keys()].sort(), h.offset, maxBytes, DT_REG);
    h.offset = cursor;
    return bytes;
  }

  fpath(id: number): string {
    const h = this.handle(id);
    return h.kind === 'listing' ? '/scheme/repo' : `/scheme/repo/${h.file.name}`;
  }

  write = readOnly;
  ftruncate = readOnly;
  fchmod = readOnly;
  fchown = readOnly;
  futimens = readOnly;
  mkdir = readOnly;
  rmdir = readOnly;
  unlink = readOnly;
  rename = readOnly;
  link = readOnly;
  symlink = readOnly;
  chmod = readOnly;
  chown = readOnly;
}

export function main(args: string[]): number {
  const devicePath = args[1] ?? '/scheme/hw/repo0';
  const scheme = args[2] ?? 'repo';
  let device: number;
  let files: Map<string, RepoFile>;
  try {
    device = open(devicePath, O_RDONLY);
    files = readIndex(device);
  } catch (error) {
    eprint(`repod: cannot read the repository on ${devicePath}: ${(error as Error).message}`);
    return 1;
  }
  const server = SchemeServer.register(scheme);
  setrens([]);
  server.serve(new RepoHandler(device, files));
  return 0;
}
