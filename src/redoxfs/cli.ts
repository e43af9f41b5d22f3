/**
 * NODE-ONLY. The `redoxfs` host tool: make, inspect and change RedoxFS images from the host.
 * Every command has the same shape: parse arguments, open the image, do the work, return an
 * exit status (0 success, 1 failure, 2 bad usage). Errors name the path and the reason; a
 * corrupt or foreign image is refused with a message. Nothing here prints a stack trace: an
 * unexpected error is reported as an internal error with its message.
 *
 * Passwords come from --password-file FILE, then $REDOXFS_PASSWORD, then an interactive prompt
 * (only when stdin is a terminal).
 */

import {
  existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync,
  utimesSync, openSync, readSync, closeSync, chmodSync, writeSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { DEFAULT_KDF, type KdfParams } from './crypto.ts';
import { FsError, isFsError } from './errors.ts';
import { BLOCK_SIZE } from './device.ts';
import { FORMAT_VERSION, S_IFDIR, S_IFLNK, S_IFMT, type Header, type Timespec } from './format.ts';
import { RedoxFS, type Attr } from './fs.ts';
import { nodeCrypto } from './node-crypto.ts';
import { FileDevice } from './node-file-device.ts';
import { resolve, resolveParent } from './paths.ts';
import { headerSlots, newestHeader } from './volume.ts';

export interface CliIO {
  stdout: { write(data: string | Uint8Array): unknown };
  stderr: { write(data: string): unknown };
  env: Record<string, string | undefined>;
  /** Interactive password prompt; absent when there is no terminal. */
  prompt?: (question: string) => Promise<string>;
}

const USAGE = `usage: redoxfs COMMAND IMAGE [ARGS] [OPTIONS]

commands:
  mkfs IMAGE [--encrypt] [--size SIZE]     make a filesystem (SIZE like 64M, 2G; default: the file's size or 64M)
  info IMAGE                               header, space and snapshots
  ls IMAGE [PATH] [-l]                     list a directory
  cat IMAGE PATH                           print a file
  put IMAGE HOSTPATH [PATH]                copy a host file or tree in (modes and times kept)
  get IMAGE PATH [HOSTPATH]                copy a file or tree out (modes and times kept)
  mkdir IMAGE PATH [-p]                    make a directory
  rm IMAGE PATH [-r]                       remove a file (or a tree with -r)
  mv IMAGE FROM TO                         rename or move
  fsck IMAGE                               check everything; exit 1 when damaged
  scrub IMAGE                              read every file; list the damaged ones
  snapshot create|list|rollback|delete IMAGE [NAME]
  passwd IMAGE                             change the password of an encrypted image

options:
  --password-file FILE      read the password from FILE (else $REDOXFS_PASSWORD, else a prompt)
  --new-password-file FILE  passwd: the new password
  --snapshot NAME           ls, cat, get, info: read a snapshot instead of the live filesystem
  --owner UID:GID           put: owner of what is copied in (default 0:0)
  --kdf-memory KIB, --kdf-time N   Argon2id cost for mkfs --encrypt and passwd
`;

class UsageError extends Error {}

interface Args {
  command: string;
  positional: string[];
  flags: Map<string, string | true>;
}

const VALUE_FLAGS = new Set(['--size', '--password-file', '--new-password-file', '--snapshot', '--kdf-memory', '--kdf-time', '--owner']);
const BOOLEAN_FLAGS = new Set(['--encrypt', '-r', '-p', '-l', '--help', '-h']);

function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (VALUE_FLAGS.has(arg)) {
      if (i + 1 >= argv.length) throw new UsageError(`${arg} needs a value`);
      flags.set(arg, argv[++i]!);
    } else if (BOOLEAN_FLAGS.has(arg)) flags.set(arg, true);
    else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  const command = positional.shift() ?? '';
  return { command, positional, flags };
}

function flag(args: Args, name: string): string | undefined {
  const value = args.flags.get(name);
  return typeof value === 'string' ? value : undefined;
}

function need(args: Args, count: number, what: string): string[] {
  if (args.positional.length < count) throw new UsageError(`${args.command} needs ${what}`);
  return args.positional;
}

export function parseSize(text: string): number {
  const match = /^(\d+)\s*([kmgt]?)(i?b)?$/i.exec(text.trim());
  if (!match) throw new UsageError(`bad size ${JSON.stringify(text)} (use a number with K, M, G or T)`);
  const power = ' kmgt'.indexOf((match[2] || ' ').toLowerCase());
  return Number(match[1]) * 1024 ** power;
}

// ---- passwords and opening ----

class Session {
  constructor(readonly args: Args, readonly io: CliIO) {}

  async password(purpose: string, fileFlag = '--password-file', envName = 'REDOXFS_PASSWORD'): Promise<string> {
    const file = flag(this.args, fileFlag);
    if (file !== undefined) return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    const fromEnv = this.io.env[envName];
    if (fromEnv !== undefined && fileFlag === '--password-file') return fromEnv;
    if (!this.io.prompt) throw new FsError('EACCES', `${purpose}: a password is needed (use ${fileFlag} FILE${fileFlag === '--password-file' ? ' or REDOXFS_PASSWORD' : ''})`);
    return this.io.prompt(`${purpose}: `);
  }

  /** Whether a password can be had without failing (file, environment or terminal). */
  passwordAvailable(): boolean {
    return flag(this.args, '--password-file') !== undefined || this.io.env.REDOXFS_PASSWORD !== undefined || this.io.prompt !== undefined;
  }

  kdf(): KdfParams {
    const m = flag(this.args, '--kdf-memory');
    const t = flag(this.args, '--kdf-time');
    return { m: m ? positiveInt(m, '--kdf-memory') : DEFAULT_KDF.m, t: t ? positiveInt(t, '--kdf-time') : DEFAULT_KDF.t, p: DEFAULT_KDF.p };
  }

  /** Opens and mounts IMAGE, asking for a password only when the image is encrypted. */
  async mount(image: string, options: { readOnly?: boolean } = {}): Promise<{ fs: RedoxFS; device: FileDevice }> {
    const snapshot = flag(this.args, '--snapshot');
    const readOnly = options.readOnly || snapshot !== undefined;
    const device = openImage(image, readOnly);
    try {
      const header = newestHeader(device);
      const password = header.encrypted ? await this.password(`password for ${image}`) : undefined;
      return { fs: RedoxFS.mount(device, { password, readOnly, snapshot, crypto: nodeCrypto }), device };
    } catch (e) {
      device.close();
      throw e;
    }
  }
}

function positiveInt(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} needs a positive whole number`);
  return n;
}

function openImage(image: string, readOnly: boolean): FileDevice {
  if (!existsSync(image)) throw new FsError('ENOENT', `${image}: no such image file`);
  if (statSync(image).isDirectory()) throw new FsError('EISDIR', `${image}: is a directory, not an image`);
  return new FileDevice(image, { readOnly });
}

async function withFs<T>(session: Session, image: string, readOnly: boolean, work: (fs: RedoxFS) => T | Promise<T>): Promise<T> {
  const { fs, device } = await session.mount(image, { readOnly });
  try {
    const result = await work(fs);
    fs.unmount();
    return result;
  } finally {
    device.close();
  }
}

// ---- formatting ----

function typeChar(mode: number): string {
  return (mode & S_IFMT) === S_IFDIR ? 'd' : (mode & S_IFMT) === S_IFLNK ? 'l' : '-';
}

function permString(mode: number): string {
  const bits = 'rwxrwxrwx';
  let out = typeChar(mode);
  for (let i = 0; i < 9; i++) out += mode & (1 << (8 - i)) ? bits[i] : '-';
  return out;
}

function isoTime(t: Timespec): string {
  return new Date(t.sec * 1000).toISOString().replace('T', ' ').slice(0, 19);
}

function humanSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

// ---- commands ----

async function cmdMkfs(s: Session): Promise<number> {
  const [image] = need(s.args, 1, 'an IMAGE');
  const sizeFlag = flag(s.args, '--size');
  const size = sizeFlag !== undefined ? parseSize(sizeFlag) : existsSync(image!) ? statSync(image!).size : 64 * 1024 * 1024;
  if (size < 64 * 4096) throw new UsageError(`size ${size} is too small: a filesystem needs at least 256K`);
  const password = s.args.flags.has('--encrypt') ? await s.password(`new password for ${image}`) : undefined;
  const device = new FileDevice(image!, { createSize: size });
  try {
    const fs = RedoxFS.mkfs(device, { password, kdf: s.kdf(), crypto: nodeCrypto });
    const info = fs.statvfs();
    fs.unmount();
    s.io.stdout.write(`${image}: RedoxFS ${humanSize(info.blocks * info.blockSize)}${password !== undefined ? ', encrypted' : ''}, uuid ${info.uuid}\n`);
  } finally {
    device.close();
  }
  return 0;
}

async function cmdInfo(s: Session): Promise<number> {
  const [image] = need(s.args, 1, 'an IMAGE');
  const device = openImage(image!, true);
  let header: Header;
  let slots: ReturnType<typeof headerSlots>;
  try {
    header = newestHeader(device);
    slots = headerSlots(device);
  } finally {
    device.close();
  }
  s.io.stdout.write(headerLines(image!, header, slots).join('\n') + '\n');
  if (header.encrypted && !s.passwordAvailable()) {
    s.io.stdout.write('(encrypted: give a password to see inodes and snapshots)\n');
    return 0;
  }
  return withFs(s, image!, true, (fs) => {
    s.io.stdout.write(`inodes:       ${fs.statvfs().files}\nsnapshots:    ${fs.snapshots().map((x) => x.name).join(', ') || 'none'}\n`);
    return 0;
  });
}

/** What the header alone tells, readable without the password. */
function headerLines(image: string, h: Header, slots: ReturnType<typeof headerSlots>): string[] {
  const bytes = (blocks: number) => humanSize(blocks * BLOCK_SIZE);
  const hex = [...h.uuid].map((b) => b.toString(16).padStart(2, '0')).join('');
  return [
    `image:        ${image}`,
    `format:       RedoxFS version ${FORMAT_VERSION}, block size ${BLOCK_SIZE}`,
    `uuid:         ${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
    `size:         ${bytes(h.blockCount)} (${h.blockCount} blocks)`,
    `used:         ${bytes(h.usedBlocks)}`,
    `free:         ${bytes(h.blockCount - h.usedBlocks)}`,
    `generation:   ${h.generation} (committed ${isoTime(h.commitTime)})`,
    `encrypted:    ${h.kdf ? `yes (AES-256-XTS; Argon2id m=${h.kdf.m} KiB t=${h.kdf.t} p=${h.kdf.p})` : 'no'}`,
    ...slots.map((slot) => `header slot ${slot.slot}: ${slot.problem ?? `generation ${slot.generation}`}`),
  ];
}

function listEntries(fs: RedoxFS, dir: number): { name: string; ino: number }[] {
  const out: { name: string; ino: number }[] = [];
  let cookie = 2;
  for (;;) {
    const batch = fs.readdir(dir, cookie, 1024);
    if (batch.length === 0) return out;
    for (const e of batch) out.push({ name: e.name, ino: e.ino });
    cookie = batch[batch.length - 1]!.next;
  }
}

async function cmdLs(s: Session): Promise<number> {
  const [image, path = '/'] = need(s.args, 1, 'an IMAGE');
  return withFs(s, image!, true, (fs) => {
    const ino = at(path, () => resolve(fs, path));
    const attr = fs.getattr(ino);
    const entries = (attr.mode & S_IFMT) === S_IFDIR ? listEntries(fs, ino) : [{ name: basename(path), ino }];
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const long = s.args.flags.has('-l');
    for (const e of entries) {
      if (!long) {
        s.io.stdout.write(`${e.name}\n`);
        continue;
      }
      const a = fs.getattr(e.ino);
      const target = (a.mode & S_IFMT) === S_IFLNK ? ` -> ${fs.readlink(e.ino)}` : '';
      s.io.stdout.write(`${permString(a.mode)} ${String(a.nlink).padStart(3)} ${String(a.uid).padStart(5)} ${String(a.gid).padStart(5)} ${String(a.size).padStart(12)} ${isoTime(a.mtime)} ${e.name}${target}\n`);
    }
    return 0;
  });
}

const CHUNK = 1024 * 1024;

async function cmdCat(s: Session): Promise<number> {
  const [image, path] = need(s.args, 2, 'an IMAGE and a PATH');
  return withFs(s, image!, true, (fs) => {
    const ino = at(path!, () => resolve(fs, path!));
    const size = fs.getattr(ino).size;
    for (let offset = 0; offset < size; offset += CHUNK) s.io.stdout.write(at(path!, () => fs.read(ino, offset, CHUNK)));
    return 0;
  });
}

/** Runs `work`, adding `path` to the message of any filesystem error. */
function at<T>(path: string, work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (!isFsError(e) || e.message.includes(`${path}:`)) throw e;
    const bare = e.message.replace(/^[A-Z]+: /, '');
    const name = path.split('/').filter(Boolean).pop() ?? path;
    const reason = bare.startsWith(`${name}: `) ? bare.slice(name.length + 2) : bare;
    throw new FsError(e.code, `${path}: ${reason}`, e.block);
  }
}

function hostTimes(path: string): { atime: Timespec; mtime: Timespec } {
  const st = lstatSync(path, { bigint: true });
  const split = (ns: bigint): Timespec => ({ sec: Number(ns / 1_000_000_000n), nsec: Number(ns % 1_000_000_000n) });
  return { atime: split(st.atimeNs), mtime: split(st.mtimeNs) };
}

interface Owner {
  uid: number;
  gid: number;
}

function parseOwner(text: string | undefined): Owner {
  if (text === undefined) return { uid: 0, gid: 0 };
  const match = /^(\d+):(\d+)$/.exec(text);
  if (!match) throw new UsageError(`--owner needs UID:GID, got ${JSON.stringify(text)}`);
  return { uid: Number(match[1]), gid: Number(match[2]) };
}

/** Copies a host file, symlink or tree to `dir`/`name` inside the image. */
function putTree(fs: RedoxFS, host: string, dir: number, name: string, owner: Owner): void {
  const st = lstatSync(host);
  const existing = lookupOrNull(fs, dir, name);
  let ino: number;
  if (st.isSymbolicLink()) {
    if (existing !== null) at(name, () => fs.unlink(dir, name));
    ino = at(host, () => fs.symlink(dir, name, readlinkSync(host), owner.uid, owner.gid)).ino;
  } else if (st.isDirectory()) {
    ino = existing ?? at(host, () => fs.mkdir(dir, name, st.mode & 0o7777, owner.uid, owner.gid)).ino;
    for (const child of readdirSync(host).sort()) putTree(fs, join(host, child), ino, child, owner);
  } else if (st.isFile()) {
    ino = existing ?? at(host, () => fs.create(dir, name, st.mode & 0o7777, owner.uid, owner.gid)).ino;
    at(host, () => fs.truncate(ino, 0));
    copyIn(fs, host, ino);
  } else {
    throw new FsError('EINVAL', `${host}: only files, directories and symlinks can be copied`);
  }
  if (!st.isSymbolicLink()) fs.setattr(ino, { mode: st.mode & 0o7777, ...owner, ...hostTimes(host) });
}

function copyIn(fs: RedoxFS, host: string, ino: number): void {
  const fd = openSync(host, 'r');
  try {
    const buffer = new Uint8Array(CHUNK);
    for (let offset = 0; ; ) {
      const n = readSync(fd, buffer, 0, CHUNK, offset);
      if (n === 0) break;
      at(host, () => fs.write(ino, offset, buffer.subarray(0, n)));
      offset += n;
    }
  } finally {
    closeSync(fd);
  }
}

function lookupOrNull(fs: RedoxFS, dir: number, name: string): number | null {
  try {
    return fs.lookup(dir, name);
  } catch (e) {
    if (isFsError(e, 'ENOENT')) return null;
    throw e;
  }
}

/** Where a copy lands: into DEST when it is a directory, else at DEST. */
function destination(fs: RedoxFS, dest: string, name: string): { dir: number; name: string } {
  try {
    const ino = resolve(fs, dest);
    if ((fs.getattr(ino).mode & S_IFMT) === S_IFDIR) return { dir: ino, name };
  } catch (e) {
    if (!isFsError(e, 'ENOENT')) throw e;
  }
  return at(dest, () => resolveParent(fs, dest));
}

async function cmdPut(s: Session): Promise<number> {
  const [image, host, dest = '/'] = need(s.args, 2, 'an IMAGE and a HOSTPATH');
  if (!existsSync(host!)) throw new FsError('ENOENT', `${host}: no such file on the host`);
  const owner = parseOwner(flag(s.args, '--owner'));
  return withFs(s, image!, false, (fs) => {
    const target = destination(fs, dest, basename(host!));
    putTree(fs, host!, target.dir, target.name, owner);
    fs.commit();
    return 0;
  });
}

function getTree(fs: RedoxFS, ino: number, host: string, path: string): void {
  const attr = fs.getattr(ino);
  const type = attr.mode & S_IFMT;
  if (type === S_IFLNK) {
    symlinkSync(fs.readlink(ino), host);
    return;
  }
  if (type === S_IFDIR) {
    if (!existsSync(host)) mkdirSync(host);
    for (const e of listEntries(fs, ino)) getTree(fs, e.ino, join(host, e.name), `${path}/${e.name}`);
  } else {
    copyOut(fs, ino, attr, host, path);
  }
  chmodSync(host, attr.mode & 0o7777);
  utimesSync(host, toSeconds(attr.atime), toSeconds(attr.mtime));
}

function copyOut(fs: RedoxFS, ino: number, attr: Attr, host: string, path: string): void {
  const fd = openSync(host, 'w', 0o600);
  try {
    for (let offset = 0; offset < attr.size; offset += CHUNK) {
      const bytes = at(path, () => fs.read(ino, offset, CHUNK));
      writeSync(fd, bytes, 0, bytes.length, offset);
    }
  } finally {
    closeSync(fd);
  }
}

function toSeconds(t: Timespec): number {
  return t.sec + t.nsec / 1e9;
}

async function cmdGet(s: Session): Promise<number> {
  const [image, path, hostArg] = need(s.args, 2, 'an IMAGE and a PATH');
  return withFs(s, image!, true, (fs) => {
    const ino = at(path!, () => resolve(fs, path!, { followLast: false }));
    const name = basename(path!) || 'root';
    let host = hostArg ?? name;
    if (existsSync(host) && statSync(host).isDirectory() && (fs.getattr(ino).mode & S_IFMT) !== S_IFDIR) host = join(host, name);
    getTree(fs, ino, host, path!);
    return 0;
  });
}

async function cmdMkdir(s: Session): Promise<number> {
  const [image, path] = need(s.args, 2, 'an IMAGE and a PATH');
  return withFs(s, image!, false, (fs) => {
    if (s.args.flags.has('-p')) {
      let dir = fs.rootIno;
      for (const part of path!.split('/').filter((p) => p && p !== '.')) {
        dir = lookupOrNull(fs, dir, part) ?? at(path!, () => fs.mkdir(dir, part)).ino;
      }
    } else {
      const { dir, name } = at(path!, () => resolveParent(fs, path!));
      at(path!, () => fs.mkdir(dir, name));
    }
    fs.commit();
    return 0;
  });
}

function removeTree(fs: RedoxFS, dir: number, name: string, path: string): void {
  const ino = fs.lookup(dir, name);
  if ((fs.getattr(ino).mode & S_IFMT) !== S_IFDIR) return at(path, () => fs.unlink(dir, name));
  for (const e of listEntries(fs, ino)) removeTree(fs, ino, e.name, `${path}/${e.name}`);
  at(path, () => fs.rmdir(dir, name));
}

async function cmdRm(s: Session): Promise<number> {
  const [image, path] = need(s.args, 2, 'an IMAGE and a PATH');
  return withFs(s, image!, false, (fs) => {
    const { dir, name } = at(path!, () => resolveParent(fs, path!));
    const ino = at(path!, () => fs.lookup(dir, name));
    const isDir = (fs.getattr(ino).mode & S_IFMT) === S_IFDIR;
    if (isDir && !s.args.flags.has('-r')) throw new FsError('EISDIR', `${path}: is a directory (use -r)`);
    removeTree(fs, dir, name, path!);
    fs.commit();
    return 0;
  });
}

async function cmdMv(s: Session): Promise<number> {
  const [image, from, to] = need(s.args, 3, 'an IMAGE, FROM and TO');
  return withFs(s, image!, false, (fs) => {
    const src = at(from!, () => resolveParent(fs, from!));
    at(from!, () => fs.lookup(src.dir, src.name));
    const dst = destination(fs, to!, src.name);
    at(to!, () => fs.rename(src.dir, src.name, dst.dir, dst.name));
    fs.commit();
    return 0;
  });
}

async function cmdFsck(s: Session): Promise<number> {
  const [image] = need(s.args, 1, 'an IMAGE');
  return withFs(s, image!, true, (fs) => {
    const r = fs.fsck();
    for (const w of r.warnings) s.io.stdout.write(`warning: ${w}\n`);
    for (const e of r.errors) s.io.stdout.write(`error: ${e}\n`);
    s.io.stdout.write(`${image}: ${r.errors.length === 0 ? 'clean' : `${r.errors.length} problems`}: ${r.inodes} inodes, ${r.treeNodes} tree nodes, ${r.dataBlocks} data blocks, ${r.snapshots} snapshots\n`);
    return r.errors.length === 0 ? 0 : 1;
  });
}

async function cmdScrub(s: Session): Promise<number> {
  const [image] = need(s.args, 1, 'an IMAGE');
  return withFs(s, image!, true, (fs) => {
    const r = fs.scrub();
    for (const d of r.damaged) s.io.stdout.write(`damaged: ${d.path}${d.block !== undefined ? ` (block ${d.block})` : ''}: ${d.reason}\n`);
    s.io.stdout.write(`${image}: ${r.blocksChecked} data blocks read, ${r.damaged.length} damaged\n`);
    return r.damaged.length === 0 ? 0 : 1;
  });
}

async function cmdSnapshot(s: Session): Promise<number> {
  const [action, image, name] = need(s.args, 2, 'an action (create, list, rollback, delete) and an IMAGE');
  if (action === 'list') {
    return withFs(s, image!, true, (fs) => {
      for (const snap of fs.snapshots()) s.io.stdout.write(`${String(snap.id).padStart(4)}  ${isoTime(snap.created)}  generation ${snap.generation}  ${snap.name}\n`);
      return 0;
    });
  }
  if (!['create', 'rollback', 'delete'].includes(action!)) throw new UsageError(`unknown snapshot action ${JSON.stringify(action)}`);
  if (name === undefined) throw new UsageError(`snapshot ${action} needs a NAME`);
  return withFs(s, image!, false, (fs) => {
    if (action === 'create') fs.snapshotCreate(name);
    else if (action === 'rollback') fs.rollback(name);
    else fs.snapshotDelete(name);
    return 0;
  });
}

async function cmdPasswd(s: Session): Promise<number> {
  const [image] = need(s.args, 1, 'an IMAGE');
  return withFs(s, image!, false, async (fs) => {
    if (!fs.statvfs().encrypted) throw new FsError('EINVAL', `${image}: the image is not encrypted`);
    const old = await s.password(`current password for ${image}`);
    const fresh = await newPassword(s, image!);
    fs.passwd(old, fresh, { kdf: s.kdf(), crypto: nodeCrypto });
    s.io.stdout.write(`${image}: password changed\n`);
    return 0;
  });
}

async function newPassword(s: Session, image: string): Promise<string> {
  if (flag(s.args, '--new-password-file') !== undefined) return s.password('new password', '--new-password-file');
  const fromEnv = s.io.env.REDOXFS_NEW_PASSWORD;
  if (fromEnv !== undefined) return fromEnv;
  if (!s.io.prompt) throw new FsError('EACCES', 'a new password is needed (use --new-password-file FILE or REDOXFS_NEW_PASSWORD)');
  const first = await s.io.prompt(`new password for ${image}: `);
  if ((await s.io.prompt('again: ')) !== first) throw new FsError('EINVAL', 'the passwords do not match');
  return first;
}

const COMMANDS: Record<string, (s: Session) => Promise<number>> = {
  mkfs: cmdMkfs, info: cmdInfo, ls: cmdLs, cat: cmdCat, put: cmdPut, get: cmdGet, mkdir: cmdMkdir,
  rm: cmdRm, mv: cmdMv, fsck: cmdFsck, scrub: cmdScrub, snapshot: cmdSnapshot, passwd: cmdPasswd,
};

/** Reads a line from the terminal without echoing it. */
function terminalPrompt(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolvePassword, reject) => {
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish(), resolvePassword(value);
        if (ch === '\u0003' || ch === '\u0004') return finish(), reject(new FsError('EINVAL', 'password entry cancelled'));
        value = ch === '\u007f' || ch === '\b' ? value.slice(0, -1) : value + ch;
      }
    };
    stdin.on('data', onData);
  });
}

function defaultIO(): CliIO {
  // `redoxfs cat IMAGE FILE | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.once('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    prompt: process.stdin.isTTY ? terminalPrompt : undefined,
  };
}

export async function redoxfsMain(argv: string[], io: CliIO = defaultIO()): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    io.stderr.write(`redoxfs: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.flags.has('--help') || args.flags.has('-h') || args.command === 'help') {
    io.stdout.write(USAGE);
    return 0;
  }
  const command = COMMANDS[args.command];
  if (!command) {
    io.stderr.write(`${args.command ? `redoxfs: unknown command ${JSON.stringify(args.command)}\n` : ''}${USAGE}`);
    return 2;
  }
  try {
    return await command(new Session(args, io));
  } catch (e) {
    return report(e, args, io);
  }
}

function report(e: unknown, args: Args, io: CliIO): number {
  if (e instanceof UsageError) {
    io.stderr.write(`redoxfs ${args.command}: ${e.message}\n${USAGE}`);
    return 2;
  }
  if (isFsError(e)) {
    io.stderr.write(`redoxfs ${args.command}: ${e.message}\n`);
    return 1;
  }
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err.code === 'string' && err.path) {
    io.stderr.write(`redoxfs ${args.command}: ${err.path}: ${err.message.replace(/^[A-Z]+: /, '')}\n`);
    return 1;
  }
  io.stderr.write(`redoxfs ${args.command}: internal error: ${err?.message ?? String(e)}\n`);
  return 70;
}
