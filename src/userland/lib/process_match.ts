/** Finding processes by name, for pgrep and pkill: /scheme/proc/PID/cmdline, matched as a regular expression. */
import { SysError, readTextFile, readdir } from '../../libc/index.ts';

export interface ProcessInfo {
  pid: number;
  name: string;
  cmdline: string;
}

export function listProcesses(): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const entry of readdir('/scheme/proc')) {
    const pid = Number(entry.name);
    if (!Number.isInteger(pid)) continue;
    try {
      const argv = readTextFile(`/scheme/proc/${pid}/cmdline`).split('\0').filter(Boolean);
      out.push({ pid, name: (argv[0] ?? '').split('/').pop() ?? '', cmdline: argv.join(' ') });
    } catch (error) {
      if (!(error instanceof SysError)) throw error;
    }
  }
  return out;
}

/** Processes whose name (or, with `full`, whole command line) matches `pattern`, never the caller. */
export function matching(pattern: string, full: boolean, self: number): ProcessInfo[] {
  const regex = new RegExp(pattern);
  return listProcesses().filter((p) => p.pid !== self && regex.test(full ? p.cmdline : p.name));
}
