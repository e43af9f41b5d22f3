/**
 * The initfs archive: the read-only image the host boots from until RedoxFS holds the root. The
 * bootloader (host) reads the kernel and process runtime from it; the kernel serves it as the
 * `initfs` scheme. Layout (docs/initfs.md):
 *   0  8 bytes magic "RDXINITF"   8  u32 version (1)   12 u32 index length N
 *   16 N bytes of UTF-8 JSON index: { entries: InitfsEntry[] }
 *   16+N  data; entry offsets are relative to here.
 * Directories are implied by paths but may be listed to give them a mode.
 */

export const INITFS_MAGIC = 'RDXINITF';
export const INITFS_VERSION = 1;

export interface InitfsEntry {
  path: string;
  kind: 'file' | 'dir' | 'symlink';
  mode: number;
  uid: number;
  gid: number;
  mtimeMs: number;
  offset: number;
  size: number;
  target?: string;
}

export interface InitfsFile {
  path: string;
  kind?: 'file' | 'dir' | 'symlink';
  mode: number;
  data?: Uint8Array;
  target?: string;
}

export interface Initfs {
  entries: Map<string, InitfsEntry>;
  data: Uint8Array;
}

const encoder = new TextEncoder();

export function buildInitfs(files: InitfsFile[], mtimeMs: number): Uint8Array {
  const entries: InitfsEntry[] = [];
  let offset = 0;
  for (const file of files) {
    const size = file.data?.length ?? 0;
    const kind = file.kind ?? 'file';
    entries.push({ path: file.path.replace(/^\/+/, ''), kind, mode: file.mode, uid: 0, gid: 0, mtimeMs, offset, size, ...(file.target ? { target: file.target } : {}) });
    offset += size;
  }
  const index = encoder.encode(JSON.stringify({ entries }));
  const out = new Uint8Array(16 + index.length + offset);
  out.set(encoder.encode(INITFS_MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, INITFS_VERSION, true);
  view.setUint32(12, index.length, true);
  out.set(index, 16);
  files.forEach((file, i) => file.data && out.set(file.data, 16 + index.length + entries[i]!.offset));
  return out;
}

/** Where the data area starts (16 + the index length), from the archive's first 16 bytes; checks magic and version. */
export function initfsDataStart(head: Uint8Array): number {
  if (head.length < 16 || new TextDecoder().decode(head.subarray(0, 8)) !== INITFS_MAGIC) {
    throw new Error('not a redox-ts initfs image (bad magic)');
  }
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const version = view.getUint32(8, true);
  if (version !== INITFS_VERSION) throw new Error(`initfs version ${version} is not supported (expected ${INITFS_VERSION})`);
  return 16 + view.getUint32(12, true);
}

/**
 * Parses the header and index alone (`head`: at least the archive's first initfsDataStart
 * bytes), checking every entry against the archive's length: what a reader that takes the
 * data straight from a device (repod) needs, without reading the whole archive.
 */
export function parseInitfsIndex(head: Uint8Array, imageLength: number): Map<string, InitfsEntry> {
  const dataStart = initfsDataStart(head);
  if (dataStart > imageLength || dataStart > head.length) throw new Error('initfs index runs past the end of the image');
  let parsed: { entries: InitfsEntry[] };
  try {
    parsed = JSON.parse(new TextDecoder().decode(head.subarray(16, dataStart)));
  } catch {
    throw new Error('initfs index is not valid JSON');
  }
  const dataLength = imageLength - dataStart;
  if (!parsed || !Array.isArray(parsed.entries)) throw new Error('initfs index has no entry list');
  const entries = new Map<string, InitfsEntry>();
  for (const entry of parsed.entries) {
    const count = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) >= 0;
    if (typeof entry?.path !== 'string' || !['file', 'dir', 'symlink'].includes(entry.kind) || !count(entry.offset) || !count(entry.size) || !count(entry.mode)) {
      throw new Error(`initfs index entry ${JSON.stringify(entry).slice(0, 80)} is malformed`);
    }
    if (entry.kind === 'symlink' && (typeof entry.target !== 'string' || entry.target === '')) {
      throw new Error(`initfs symlink ${entry.path} has no target`);
    }
    if (entry.offset + entry.size > dataLength) throw new Error(`initfs entry ${entry.path} runs past the end of the image`);
    entries.set(entry.path, entry);
  }
  return entries;
}

/** Parses an archive; a foreign or damaged image is refused with a message. */
export function parseInitfs(image: Uint8Array): Initfs {
  const entries = parseInitfsIndex(image, image.length);
  return { entries, data: image.subarray(initfsDataStart(image)) };
}

export function initfsFile(fs: Initfs, path: string): Uint8Array | undefined {
  const entry = fs.entries.get(path.replace(/^\/+/, ''));
  return entry && entry.kind === 'file' ? fs.data.subarray(entry.offset, entry.offset + entry.size) : undefined;
}
