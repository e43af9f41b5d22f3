/**
 * Unit tests of the WASI layer's pure parts, on the host: path resolution under a directory fd,
 * errno translation both ways, and signal numbering.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Errno, SysError } from '../../src/syscall/errno.ts';
import { W, WasiError, linuxSignalOfWasi } from '../../src/libc/wasi/abi.ts';
import { errnoOfWasi, wasiErrnoOf, wasiOfErrno } from '../../src/libc/wasi/errno.ts';
import { resolveUnder } from '../../src/libc/wasi/paths.ts';
import { capLinearMemory, parseMemLimit } from '../../src/libc/wasi/memory_limit.ts';
import { preview1 } from '../../src/libc/wasi/preview1.ts';
import { WasmJs } from '../../src/libc/wasi/webassembly.ts';
import { ROOT } from '../helpers.ts';

const wasiCode = (f: () => unknown): number => {
  try {
    f();
  } catch (error) {
    return wasiErrnoOf(error);
  }
  return 0;
};

test('paths resolve under their directory and never above it', () => {
  assert.equal(resolveUnder('/', 'tmp/a.txt'), '/tmp/a.txt');
  assert.equal(resolveUnder('/', '.'), '/');
  assert.equal(resolveUnder('/tmp', './x/../y//z/'), '/tmp/y/z');
  assert.equal(resolveUnder('/tmp', 'x/..'), '/tmp');
  assert.equal(wasiCode(() => resolveUnder('/tmp', '../etc')), W.ENOTCAPABLE);
  assert.equal(wasiCode(() => resolveUnder('/', '..')), W.ENOTCAPABLE);
  assert.equal(wasiCode(() => resolveUnder('/', '/etc/passwd')), W.ENOTCAPABLE);
  assert.equal(wasiCode(() => resolveUnder('/', '')), W.ENOENT);
});

test('every errno of ours has a WASI errno of the same meaning, and back', () => {
  for (const [name, code] of Object.entries(Errno)) {
    const wasi = wasiOfErrno(code);
    const expected = name === 'EOPNOTSUPP' ? W.ENOTSUP : (W as Record<string, number>)[name];
    assert.equal(wasi, expected, name);
    assert.equal(errnoOfWasi(wasi), code, `${name} round trip`);
  }
  assert.equal(wasiOfErrno(9999), W.EIO);
  assert.equal(wasiErrnoOf(new SysError(Errno.ENOENT)), W.ENOENT);
  assert.equal(wasiErrnoOf(new WasiError(W.ENOTCAPABLE)), W.ENOTCAPABLE);
  assert.equal(wasiErrnoOf(new RangeError('Offset is outside the bounds of the DataView')), W.EFAULT);
  assert.throws(() => wasiErrnoOf(new RangeError('Maximum call stack size exceeded')), RangeError);
  assert.throws(() => wasiErrnoOf(new TypeError('a bug')), TypeError);
});

test('WASI signal numbers map to ours (WASI has no SIGSTKFLT)', () => {
  assert.equal(linuxSignalOfWasi(2), 2); // INT
  assert.equal(linuxSignalOfWasi(15), 15); // TERM
  assert.equal(linuxSignalOfWasi(16), 17); // CHLD
  assert.equal(linuxSignalOfWasi(27), 28); // WINCH
});

/** Every function of wasi_snapshot_preview1 (the witx of the snapshot). */
const PREVIEW1 = [
  'args_get', 'args_sizes_get', 'environ_get', 'environ_sizes_get', 'clock_res_get', 'clock_time_get', 'fd_advise',
  'fd_allocate', 'fd_close', 'fd_datasync', 'fd_fdstat_get', 'fd_fdstat_set_flags', 'fd_fdstat_set_rights',
  'fd_filestat_get', 'fd_filestat_set_size', 'fd_filestat_set_times', 'fd_pread', 'fd_prestat_get',
  'fd_prestat_dir_name', 'fd_pwrite', 'fd_read', 'fd_readdir', 'fd_renumber', 'fd_seek', 'fd_sync', 'fd_tell',
  'fd_write', 'path_create_directory', 'path_filestat_get', 'path_filestat_set_times', 'path_link', 'path_open',
  'path_readlink', 'path_remove_directory', 'path_rename', 'path_symlink', 'path_unlink_file', 'poll_oneoff',
  'proc_exit', 'proc_raise', 'sched_yield', 'random_get', 'sock_accept', 'sock_recv', 'sock_send', 'sock_shutdown',
].sort();

test('the import object has every preview1 function, and our C tests call every one', () => {
  // The import object is built without touching the OS: only its keys are looked at.
  const ctx = { memory: {}, table: {} } as unknown as Parameters<typeof preview1>[0];
  assert.deepEqual(Object.keys(preview1(ctx)).sort(), PREVIEW1);
  const called = new Set<string>();
  for (const name of ['wasi_fs', 'wasi_misc']) {
    const module = new WasmJs.Module(readFileSync(join(ROOT, 'test/fixtures/wasm', `${name}.wasm`)));
    for (const i of (WasmJs as unknown as { Module: { imports(m: object): { module: string; name: string }[] } }).Module.imports(module)) {
      if (i.module === 'wasi_snapshot_preview1') called.add(i.name);
    }
  }
  assert.deepEqual([...called].sort(), PREVIEW1);
});

test('capLinearMemory declares a maximum no larger than the limit and leaves the rest alone', () => {
  const original = new Uint8Array(readFileSync(join(ROOT, 'test/fixtures/wasm/wasi_memhog.wasm')));
  const capped = capLinearMemory(original, 8 * 1024 * 1024);
  assert.equal(capped.length, original.length + 2); // flags 0 -> 1 and a two-byte maximum
  const api = WasmJs as unknown as { Module: new (b: Uint8Array) => object; Instance: new (m: object, i: object) => { exports: Record<string, unknown> } };
  const imports = { wasi_snapshot_preview1: new Proxy({}, { get: () => () => 0 }) };
  const memory = new api.Instance(new api.Module(capped), imports).exports.memory as { grow(pages: number): number };
  assert.throws(() => memory.grow(200), RangeError); // 8 MiB is 128 pages
  assert.equal(capLinearMemory(original.subarray(0, 20), 1 << 20).length, 20, 'a truncated binary is left for the compiler to refuse');
  assert.equal(parseMemLimit('Name: x\nMemLimitMiB: 64\n'), 64 * 1024 * 1024);
  assert.equal(parseMemLimit('Name: x\n'), null);
});
