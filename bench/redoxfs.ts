/**
 * RedoxFS throughput on a host image file, beside the raw host-file floor measured in the same
 * run on the same disk: sequential write and read of a 256 MiB file (checksums on; plain and
 * encrypted), and creating 10,000 small files in one directory with one fsync at the end.
 * Run: node --import tsx bench/redoxfs.ts [MiB]
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32c } from '../src/redoxfs/checksum.ts';
import { RedoxFS } from '../src/redoxfs/fs.ts';
import { FileDevice } from '../src/redoxfs/node-file-device.ts';
import { nodeCrypto } from '../src/redoxfs/node-crypto.ts';

const CHUNK = 1024 * 1024;

function chunkOf(seed: number): Uint8Array {
  const out = new Uint8Array(CHUNK);
  for (let i = 0; i < out.length; i += 4) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

function mibPerSecond(mib: number, ms: number): number {
  return mib / (ms / 1000);
}

/** The floor: writing and reading the same amount straight to a host file, with fsync. */
function floor(dir: string, mib: number): { write: number; read: number; readChecked: number } {
  const path = join(dir, 'floor.bin');
  const fd = openSync(path, 'w+');
  const data = chunkOf(1);
  let start = performance.now();
  for (let i = 0; i < mib; i++) writeSync(fd, data, 0, CHUNK, i * CHUNK);
  fsyncSync(fd);
  const write = mibPerSecond(mib, performance.now() - start);
  start = performance.now();
  for (let i = 0; i < mib; i++) readSync(fd, data, 0, CHUNK, i * CHUNK);
  const read = mibPerSecond(mib, performance.now() - start);
  start = performance.now();
  for (let i = 0; i < mib; i++) {
    readSync(fd, data, 0, CHUNK, i * CHUNK);
    for (let at = 0; at < CHUNK; at += 4096) crc32c(data, at, at + 4096);
  }
  const readChecked = mibPerSecond(mib, performance.now() - start);
  closeSync(fd);
  rmSync(path);
  return { write, read, readChecked };
}

function sequential(dir: string, mib: number, password?: string): { write: number; read: number } {
  const path = join(dir, password ? 'enc.img' : 'plain.img');
  const device = new FileDevice(path, { createSize: (mib + 64) * CHUNK * 1.1 });
  const options = { password, kdf: { m: 64, t: 1, p: 1 }, crypto: nodeCrypto };
  const fs = RedoxFS.mkfs(device, options);
  const ino = fs.create(1, 'big').ino;
  const data = chunkOf(2);
  let start = performance.now();
  for (let i = 0; i < mib; i++) fs.write(ino, i * CHUNK, data);
  fs.commit();
  const write = mibPerSecond(mib, performance.now() - start);
  fs.unmount();
  const again = RedoxFS.mount(device, { ...options, readOnly: true });
  start = performance.now();
  for (let i = 0; i < mib; i++) again.read(ino, i * CHUNK, CHUNK);
  const read = mibPerSecond(mib, performance.now() - start);
  device.close();
  rmSync(path);
  return { write, read };
}

function smallFiles(dir: string, count: number): number {
  const path = join(dir, 'small.img');
  const device = new FileDevice(path, { createSize: 256 * CHUNK });
  const fs = RedoxFS.mkfs(device);
  const body = new TextEncoder().encode('a small file of a few bytes\n');
  const start = performance.now();
  for (let i = 0; i < count; i++) fs.write(fs.create(1, `file-${i}`).ino, 0, body);
  fs.commit();
  const perSecond = count / ((performance.now() - start) / 1000);
  device.close();
  rmSync(path);
  return perSecond;
}

function row(name: string, value: number, floorValue: number, target: number): void {
  const ratio = (value / floorValue) * 100;
  console.log(`${name.padEnd(34)} ${value.toFixed(1).padStart(8)} MiB/s | floor ${floorValue.toFixed(1).padStart(8)} MiB/s | ${ratio.toFixed(1).padStart(5)}% (target ${target}%)`);
}

export function runRedoxfsBench(mib = 256): void {
  const dir = mkdtempSync(join(tmpdir(), 'redoxfs-bench-'));
  try {
    const raw = floor(dir, mib);
    const plain = sequential(dir, mib);
    const encrypted = sequential(dir, mib, 'bench');
    row(`redoxfs write ${mib} MiB`, plain.write, raw.write, 40);
    row(`redoxfs read ${mib} MiB`, plain.read, raw.read, 60);
    row(`redoxfs write ${mib} MiB, encrypted`, encrypted.write, raw.write, 40);
    row(`redoxfs read ${mib} MiB, encrypted`, encrypted.read, raw.read, 60);
    console.log(`(reads are bound by CRC32C in JavaScript: the host read plus a CRC32C of every block runs at ${raw.readChecked.toFixed(1)} MiB/s;`);
    console.log(` redoxfs reads at ${((plain.read / raw.readChecked) * 100).toFixed(1)}% of that)`);
    const files = smallFiles(dir, 10_000);
    console.log(`${'redoxfs create 10,000 files + fsync'.padEnd(34)} ${files.toFixed(0).padStart(8)} files/s (target 5000)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) runRedoxfsBench(Number(process.argv[2] ?? 256));
