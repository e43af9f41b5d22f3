/**
 * The node:wasi side of the WebAssembly figures: runs a wasm command on the host with `/`
 * preopened as DIR, stdout to a file (or /dev/null) and stderr captured, and returns stderr.
 * Run as: node --import tsx bench/wasi_host.ts WASM DIR STDOUT ARGS...
 */
import { closeSync, openSync, readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
import { WasmJs } from '../src/libc/wasi/webassembly.ts';

export function runWasiOnHost(wasm: string, dir: string, stdoutPath: string, args: string[], stderrPath: string): string {
  const stdout = openSync(stdoutPath, 'w');
  const stderr = openSync(stderrPath, 'w');
  try {
    const wasi = new WASI({ version: 'preview1', args: ['wasi_bench', ...args], preopens: { '/': dir }, stdout, stderr, returnOnExit: true });
    const module = new WasmJs.Module(readFileSync(wasm));
    const instance = new WasmJs.Instance(module, wasi.getImportObject() as Record<string, Record<string, unknown>>);
    wasi.start(instance as Parameters<WASI['start']>[0]);
  } finally {
    closeSync(stdout);
    closeSync(stderr);
  }
  return readFileSync(stderrPath, 'utf8');
}
