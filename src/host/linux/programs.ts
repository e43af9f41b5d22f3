/**
 * Programs for the Linux backend, read from the same boot archive the OS boots from
 * (dist/initfs.img by default): the process runtime (boot/procrt.js, the CPU code every process
 * Worker runs) and the `#!redox-js` bundles under bin/. `load` decides what a spawn path names, as
 * the kernel's loader does: a `/bin/NAME` that the archive holds is that program (it shadows the
 * host's /bin/NAME, so `/bin/sh` is our shell, as inside the OS); otherwise the host file it maps
 * to, which must be a regular executable file: `#!redox-js` or `\0asm` runs in a Worker, another
 * `#!` line names an interpreter loaded in turn (so `#!/bin/sh` scripts run under our sh), and any
 * other executable (an ELF binary) is a host program run with child_process.
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { Errno, SysError } from '../../syscall/errno.ts';
import { initfsFile, parseInitfs, type Initfs } from '../../syscall/initfs.ts';
import { host } from './host_errors.ts';

export const JS_MAGIC = '#!redox-js';
const MAX_INTERPRETER_DEPTH = 4;

export type Program =
  | { kind: 'redox'; format: 'js' | 'wasm'; program: Uint8Array; argv: string[] }
  | { kind: 'host'; hostPath: string; argv: string[] };

export class ProgramSource {
  private readonly fs: Initfs;
  readonly runtime: string;

  constructor(readonly imagePath: string) {
    this.fs = parseInitfs(readFileSync(imagePath));
    const runtime = initfsFile(this.fs, 'boot/procrt.js');
    if (!runtime) throw new Error(`${imagePath} holds no /boot/procrt.js`);
    this.runtime = new TextDecoder().decode(runtime);
  }

  /** The bundle of program NAME in the archive's /bin, if any. */
  builtin(name: string): Uint8Array | undefined {
    return name && !name.includes('/') ? initfsFile(this.fs, `bin/${name}`) : undefined;
  }

  /** What running `absolute` (a canonical virtual path; `hostPath` where it maps) means. */
  load(absolute: string, toHost: (absolute: string) => string, argv: string[], depth = 0): Program {
    const inArchive = absolute.startsWith('/bin/') ? this.builtin(absolute.slice(5)) : undefined;
    let bytes: Uint8Array;
    let hostPath: string | null = null;
    if (inArchive) bytes = inArchive;
    else {
      hostPath = toHost(absolute);
      const path = hostPath;
      const st = host(() => statSync(path));
      if (!st.isFile()) throw new SysError(Errno.EACCES, `${absolute} is not a regular file`);
      if ((st.mode & 0o111) === 0) throw new SysError(Errno.EACCES, `${absolute} is not executable`);
      host(() => accessSync(path, constants.X_OK));
      bytes = host(() => readFileSync(path));
    }
    if (bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d) return { kind: 'redox', format: 'wasm', program: bytes, argv };
    if (bytes[0] === 0x23 && bytes[1] === 0x21) {
      const newline = bytes.indexOf(0x0a);
      const firstLine = new TextDecoder().decode(bytes.subarray(0, newline < 0 ? Math.min(bytes.length, 256) : newline));
      if (firstLine.trim() === JS_MAGIC) return { kind: 'redox', format: 'js', program: bytes.subarray(newline + 1), argv };
      if (depth >= MAX_INTERPRETER_DEPTH) throw new SysError(Errno.ELOOP, `${absolute}: interpreter chain too deep`);
      const [interpreter, ...options] = firstLine.slice(2).trim().split(/\s+/);
      if (!interpreter) throw new SysError(Errno.ENOEXEC, `${absolute}: empty #! line`);
      const optional = options.length ? [options.join(' ')] : [];
      return this.load(interpreter, toHost, [interpreter, ...optional, absolute, ...argv.slice(1)], depth + 1);
    }
    if (hostPath && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46) return { kind: 'host', hostPath, argv };
    throw new SysError(Errno.ENOEXEC, `${absolute} is not a program`);
  }
}
