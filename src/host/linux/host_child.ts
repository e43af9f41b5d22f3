/**
 * Host executables spawned by a program on the Linux backend (an ELF binary such as /usr/bin/env):
 * started with node:child_process, with the child's fds 0, 1 and 2 taken from the spawning
 * program's fd map. A description backed by a host fd is handed over as that fd; one end of an
 * in-process pipe is pumped through a Node pipe (the child's output into our pipe, our pipe into
 * the child's input); /scheme/null is /dev/null; anything else is /dev/null too. Only fds 0-2
 * reach a host child. Its exit (code or signal) becomes a wait status.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { constants } from 'node:os';
import { exitedStatus, signaledStatus } from '../../syscall/signal.ts';
import type { Description, FdTable } from './files.ts';
import { releaseDescription } from './files.ts';

const NEVER = new AbortController().signal;

export function spawnHostProgram(
  hostPath: string, argv: string[], env: Record<string, string>, cwd: string, fds: FdTable, onExit: (status: number) => void,
): ChildProcess {
  const stdio: StdioOptions = [];
  const pumps: { fd: number; desc: Description }[] = [];
  for (let fd = 0; fd < 3; fd++) {
    let desc: Description | undefined;
    try {
      desc = fds.get(fd).desc;
    } catch {
      desc = undefined;
    }
    if (!desc) stdio.push('ignore');
    else if (desc.kind === 'file') stdio.push(desc.hostFd);
    else if (desc.kind === 'pipe') {
      stdio.push('pipe');
      desc.refs++;
      pumps.push({ fd, desc });
    } else stdio.push('ignore');
  }
  const child = spawn(hostPath, argv.slice(1), { argv0: argv[0], env, cwd, stdio });
  let pending = 1 + pumps.length;
  let status = 0;
  const settle = (): void => {
    if (--pending === 0) onExit(status);
  };
  child.on('error', () => {
    status = exitedStatus(127);
    for (const pump of pumps) releaseDescription(pump.desc);
    pending = 1;
    settle();
  });
  child.on('exit', (code, signal) => {
    status = signal ? signaledStatus(constants.signals[signal] ?? 9) : exitedStatus(code ?? 0);
    settle();
  });
  for (const { fd, desc } of pumps) {
    if (desc.kind !== 'pipe') continue;
    const done = (): void => {
      releaseDescription(desc);
      settle();
    };
    if (fd === 0) {
      const input = child.stdin!;
      input.on('error', () => undefined);
      void (async () => {
        try {
          for (;;) {
            const chunk = await desc.pipe.read(65536, NEVER, false);
            if (chunk.length === 0) break;
            if (!input.write(chunk)) await new Promise((resolve) => input.once('drain', resolve));
          }
        } catch {
          // the child closed its input
        }
        input.end();
        done();
      })();
    } else {
      const output = fd === 1 ? child.stdout! : child.stderr!;
      output.on('data', (chunk: Buffer) => {
        output.pause();
        desc.pipe.write(new Uint8Array(chunk), NEVER, false).then(() => output.resume(), () => output.destroy());
      });
      output.on('close', done);
    }
  }
  return child;
}
