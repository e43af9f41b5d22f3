/**
 * The `sys` scheme: the kernel's own information, table-driven (name -> generator), as Redox's
 * `sys:` is. `power` is the one writable file: root writes `poweroff [STATUS]` to halt the machine
 * or `reboot` to start it again.
 */
import { Errno, SysError } from '../../syscall/errno.ts';
import type { Kernel } from '../kernel.ts';
import type { Call } from '../scheme.ts';
import { GeneratedScheme, type GeneratedNode } from './generated.ts';

export const KERNEL_VERSION = '0.1.0';

export class SysScheme extends GeneratedScheme {
  readonly name = 'sys';
  private readonly files: Record<string, GeneratedNode>;

  constructor(private readonly kernel: Kernel) {
    super();
    this.files = {
      uname: { kind: 'file', read: () => `redox-ts\nredox\n${KERNEL_VERSION}\n#1 ${new Date(kernel.bootTime).toISOString()}\njs\n` },
      uptime: { kind: 'file', read: () => `${((Date.now() - kernel.bootTime) / 1000).toFixed(3)}\n` },
      scheme: { kind: 'file', read: () => [...kernel.schemes.keys()].sort().join('\n') + '\n' },
      log: { kind: 'file', read: () => kernel.log.text() },
      context: { kind: 'file', read: () => this.contextTable() },
      memory: { kind: 'file', read: () => this.memoryReport() },
      cmdline: { kind: 'file', read: () => kernel.config.initArgs.join(' ') + '\n' },
      console: { kind: 'file', read: () => (kernel.machine.console.interactive ? 'terminal\n' : 'stream\n') },
      power: { kind: 'file', read: () => 'on\n', write: (text, call) => this.power(text, call), mode: 0o600 },
    };
  }

  protected lookup(path: string): GeneratedNode | undefined {
    if (path === '') return { kind: 'dir', list: () => Object.keys(this.files).sort() };
    return this.files[path];
  }

  private contextTable(): string {
    const rows = ['PID PPID PGID UID GID STATE MEM_MIB SYSCALLS NAME'];
    for (const p of this.kernel.processes.values()) {
      rows.push([p.pid, p.ppid, p.pgid, p.uid, p.gid, p.state, p.memoryMiB, p.syscallCount, p.argv.join(' ')].join(' '));
    }
    return rows.join('\n') + '\n';
  }

  private memoryReport(): string {
    const live = [...this.kernel.processes.values()].filter((p) => p.alive);
    const limits = live.reduce((sum, p) => sum + p.memoryMiB, 0);
    return `Processes: ${live.length}\nDefaultLimitMiB: ${this.kernel.config.defaultMemoryMiB}\nCommittedLimitMiB: ${limits}\n`;
  }

  private power(text: string, call: Call): void {
    if (call.caller.uid !== 0) throw new SysError(Errno.EPERM, 'only root may power off');
    const [command, status] = text.trim().split(/\s+/);
    if (command === 'reboot') return queueMicrotask(() => this.kernel.powerOff(0, true));
    if (command !== 'poweroff') throw new SysError(Errno.EINVAL, `unknown power command ${command}`);
    const code = status === undefined ? 0 : Number(status);
    if (!Number.isInteger(code) || code < 0 || code > 255) throw new SysError(Errno.EINVAL, `bad exit status ${status}`);
    queueMicrotask(() => this.kernel.powerOff(code));
  }
}
