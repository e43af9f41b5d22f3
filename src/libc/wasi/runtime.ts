/**
 * The WebAssembly start-up (crt0 for wasm programs): compiles the module the loader handed us,
 * instantiates it with the wasi_snapshot_preview1 and redox_posix import objects built on one
 * WasiContext, and calls `_start`. Bundled to the runtime the process CPU evaluates inside the
 * program's confined context (scripts/build.ts), so it sees only `__redox` and the built-ins.
 *
 * Linear memory is capped at the process's memory limit (memory_limit.ts) before compiling.
 *
 * Endings: proc_exit or a `_start` that returns (status 0) exit through libc; a module that does
 * not compile or link prints why and exits 126 (the shell's "cannot execute"); a trap prints
 * `NAME: wasm trap: MESSAGE` and aborts with SIGABRT, as an uncaught exception in a JS program.
 */
import { O_CLOEXEC, O_RDONLY } from '../../syscall/flags.ts';
import { SIGABRT } from '../../syscall/signal.ts';
import { bootInfo } from '../boot.ts';
import { exit, getpid, kill } from '../process.ts';
import { syscall } from '../syscall.ts';
import { redoxPosix } from '../posix_wasm/imports.ts';
import { WasiContext } from './context.ts';
import { capLinearMemory, parseMemLimit } from './memory_limit.ts';
import { preview1 } from './preview1.ts';
import { WasmJs, type WasmMemoryObject } from './webassembly.ts';

const EXIT_CANNOT_EXECUTE = 126;

function complain(text: string): void {
  try {
    syscall('write', 2, new TextEncoder().encode(text + '\n'));
  } catch {
    // stderr is gone; the exit status still tells
  }
}

/** This process's memory limit in bytes (null if /scheme/proc is out of reach). */
function memoryLimit(): number | null {
  let fd = -1;
  try {
    fd = syscall('open', '/scheme/proc/self/status', O_RDONLY | O_CLOEXEC);
    return parseMemLimit(new TextDecoder().decode(syscall('read', fd, 4096)));
  } catch {
    return null;
  } finally {
    if (fd >= 0) syscall('close', fd);
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Runs the wasm program in `bytes`; never returns. */
export function start(bytes: Uint8Array): never {
  const info = bootInfo();
  const name = (info.argv[0] ?? 'wasm').split('/').pop() ?? 'wasm';
  let module: object;
  try {
    const limit = memoryLimit();
    module = new WasmJs.Module(limit === null ? bytes : capLinearMemory(bytes, limit));
  } catch (error) {
    complain(`${name}: not a valid WebAssembly module: ${messageOf(error)}`);
    return exit(EXIT_CANNOT_EXECUTE);
  }
  const ctx = new WasiContext({ argv: info.argv, env: info.env });
  let instance: { readonly exports: Record<string, unknown> } | null = null;
  const imports = {
    wasi_snapshot_preview1: preview1(ctx),
    redox_posix: redoxPosix(ctx, () => instance?.exports ?? {}),
  };
  try {
    instance = new WasmJs.Instance(module, imports);
  } catch (error) {
    complain(`${name}: cannot link WebAssembly module: ${messageOf(error)}`);
    return exit(EXIT_CANNOT_EXECUTE);
  }
  const { memory, _start } = instance.exports as { memory?: unknown; _start?: unknown };
  if (!(memory instanceof WasmJs.Memory) || typeof _start !== 'function') {
    complain(`${name}: a WASI command must export memory and _start`);
    return exit(EXIT_CANNOT_EXECUTE);
  }
  ctx.memory.attach(memory as WasmMemoryObject);
  try {
    (_start as () => void)();
  } catch (error) {
    const kind = error instanceof WasmJs.RuntimeError ? 'wasm trap' : 'uncaught exception';
    complain(`${name}: ${kind}: ${messageOf(error)}`);
    kill(getpid(), SIGABRT);
    return exit(134);
  }
  return exit(0);
}
