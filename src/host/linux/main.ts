/**
 * `redox linux PROGRAM [ARGS]`: runs one of our programs directly on the host (the Linux backend)
 * instead of inside the OS. PROGRAM is a name in the boot archive's /bin (`cat`, `usertests`)
 * or a path to a program file. Its fds 0, 1 and 2 are the host's; paths are the host's, except
 * that `--map VIRTUAL=HOSTDIR` (repeatable) mounts a host directory at a path (`--map /tmp=DIR`);
 * `--cwd DIR` sets the program's cwd (a path as the program sees it; default the host's cwd);
 * `--image FILE` picks the archive (default dist/initfs.img); `--trace` prints each syscall on
 * stderr. The environment is the host's, with /bin put first in PATH so that command names find
 * our programs before the host's. The host's SIGINT, SIGTERM and SIGHUP go to the program's
 * process group. Exits with the program's status (a signal death: 128 + the signal, as a shell
 * reports it).
 * Runnable directly: `node --import tsx src/host/linux/main.ts PROGRAM [ARGS]`.
 */
import { existsSync } from 'node:fs';
import { isatty } from 'node:tty';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { O_RDONLY, O_WRONLY } from '../../syscall/flags.ts';
import { SIGHUP, SIGINT, SIGTERM, shellStatus } from '../../syscall/signal.ts';
import type { Description } from './files.ts';
import { LinuxServer } from './server.ts';

/** dist/initfs.img, found from this module's place: src/host/linux/ when run from source, dist/ when bundled into dist/cli.js. */
export function defaultImage(): string {
  const candidates = ['../../../dist/initfs.img', './initfs.img'].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
  return candidates.find((path) => existsSync(path)) ?? candidates[0]!;
}

const USAGE = 'usage: redox linux [--image FILE] [--map VIRTUAL=HOSTDIR]... [--cwd DIR] [--trace] PROGRAM [ARGS...]\n';

/** The host's fd as a description: our fds 0-2 share the host's own file position, and are never closed. */
export function hostStdio(fd: number): Description {
  const tty = isatty(fd);
  return {
    kind: 'file', hostFd: fd, hostPath: null, seekable: false, offset: 0, owned: false,
    flags: fd === 0 ? O_RDONLY : O_WRONLY, refs: 1, path: tty ? '/scheme/debug' : `/dev/fd/${fd}`,
  };
}

export async function linuxMain(argv: string[]): Promise<number> {
  let image = defaultImage();
  const mounts: Record<string, string> = {};
  let trace = false;
  let cwd: string | undefined;
  let at = 0;
  for (; at < argv.length; at++) {
    const arg = argv[at]!;
    if (arg === '--image' && at + 1 < argv.length) image = argv[++at]!;
    else if (arg === '--map' && at + 1 < argv.length) {
      const spec = argv[++at]!;
      const eq = spec.indexOf('=');
      if (eq <= 0 || !spec.startsWith('/')) {
        process.stderr.write(USAGE);
        return 2;
      }
      mounts[spec.slice(0, eq)] = spec.slice(eq + 1);
    } else if (arg === '--cwd' && at + 1 < argv.length) cwd = argv[++at]!;
    else if (arg === '--trace') trace = true;
    else if (arg === '--help' || arg === '-h') {
      // Only before PROGRAM: after it, --help is the program's own argument.
      process.stdout.write(USAGE);
      return 0;
    } else if (arg === '--') {
      at++;
      break;
    } else if (arg.startsWith('--')) {
      process.stderr.write(USAGE);
      return 2;
    } else break;
  }
  const program = argv[at];
  if (!program) {
    process.stderr.write(USAGE);
    return 2;
  }
  const path = program.includes('/') ? program : `/bin/${program}`;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  // Our programs first: a command name finds /bin/NAME (the archive's) before the host's /usr/bin/NAME.
  env.PATH = ['/bin', ...(env.PATH ?? '').split(':').filter((p) => p && p !== '/bin')].join(':');
  let server: LinuxServer;
  try {
    server = new LinuxServer({ image, mounts, ...(cwd !== undefined ? { cwd } : {}), ...(trace ? { trace: (line: string) => void process.stderr.write(`linux: ${line}\n`) } : {}) });
  } catch (error) {
    process.stderr.write(`redox linux: ${(error as Error).message}\n`);
    return 1;
  }
  const forward: [NodeJS.Signals, number][] = [['SIGINT', SIGINT], ['SIGTERM', SIGTERM], ['SIGHUP', SIGHUP]];
  const listeners = forward.map(([name, sig]) => {
    const listener = (): void => server.forwardHostSignal(sig);
    process.on(name, listener);
    return [name, listener] as const;
  });
  try {
    const status = await server.run(path, [program, ...argv.slice(at + 1)], env, [0, 1, 2].map(hostStdio));
    return shellStatus(status);
  } catch (error) {
    process.stderr.write(`redox linux: ${program}: ${(error as Error).message}\n`);
    return 127;
  } finally {
    for (const [name, listener] of listeners) process.off(name, listener);
  }
}

// Run as a command only when this very file is the entry point (not when bundled into dist/cli.js).
if (process.argv[1] && import.meta.url.endsWith('/host/linux/main.ts') && import.meta.url === pathToFileURL(process.argv[1]).href) {
  linuxMain(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      setImmediate(() => process.exit(code));
    },
    (error: unknown) => {
      process.stderr.write(`redox linux: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(70);
    },
  );
}
