/**
 * Program loading, as execve does it: read the file (which must be a regular file with an execute
 * bit), then pick the format by its magic. `\0asm` is WebAssembly (run by libc's WASI runtime in
 * the process), `#!redox-js` is our JS bundle format (docs/programs.md), and any other `#!` line
 * names an interpreter that is loaded in turn with the script's path as an argument. Anything
 * else is ENOEXEC.
 */
import { Errno, SysError } from '../syscall/errno.ts';
import type { Kernel } from './kernel.ts';
import { canonicalize } from './path.ts';
import type { Process } from './process.ts';

export const JS_MAGIC = '#!redox-js';
const MAX_INTERPRETER_DEPTH = 4;

export interface ProgramImage {
  format: 'js' | 'wasm';
  program: Uint8Array;
  argv: string[];
  /** The file's owner, when it is set-user-ID (S_ISUID): the process runs with that effective uid. */
  setuid?: number;
  setgid?: number;
}

const S_ISUID = 0o4000;
const S_ISGID = 0o2000;

function privileges(file: { mode: number; uid: number; gid: number }): Pick<ProgramImage, 'setuid' | 'setgid'> {
  return {
    ...(file.mode & S_ISUID ? { setuid: file.uid } : {}),
    ...(file.mode & S_ISGID ? { setgid: file.gid } : {}),
  };
}

export async function loadProgram(kernel: Kernel, proc: Process, path: string, argv: string[], depth = 0): Promise<ProgramImage> {
  if (typeof path !== 'string' || !Array.isArray(argv) || !argv.every((a) => typeof a === 'string')) {
    throw new SysError(Errno.EINVAL, 'spawn needs a path and an argv of strings');
  }
  const absolute = canonicalize(path, proc.cwd);
  const file = await kernel.readExecutable(proc, absolute);
  const bytes = file.bytes;
  if (bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d) {
    // Compiled and linked in the process by libc's WASI runtime, which reports a bad module there.
    return { format: 'wasm', program: bytes, argv };
  }
  if (bytes[0] !== 0x23 || bytes[1] !== 0x21) throw new SysError(Errno.ENOEXEC, `${absolute} is not a program`);
  const newline = bytes.indexOf(0x0a);
  const firstLine = new TextDecoder().decode(bytes.subarray(0, newline < 0 ? Math.min(bytes.length, 256) : newline));
  if (firstLine.trim() === JS_MAGIC) return { format: 'js', program: bytes.subarray(newline + 1), argv, ...privileges(file) };
  if (depth >= MAX_INTERPRETER_DEPTH) throw new SysError(Errno.ELOOP, `${absolute}: interpreter chain too deep`);
  const [interpreter, ...options] = firstLine.slice(2).trim().split(/\s+/);
  if (!interpreter) throw new SysError(Errno.ENOEXEC, `${absolute}: empty #! line`);
  const optional = options.length ? [options.join(' ')] : [];
  return loadProgram(kernel, proc, interpreter, [interpreter, ...optional, absolute, ...argv.slice(1)], depth + 1);
}
