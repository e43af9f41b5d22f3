/** Finding processes by name, for pgrep and pkill: /scheme/proc/PID/cmdline, matched as a regular expression. */
import { SysError, eprint, readTextFile, readdir } from '../../libc/index.ts';

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
export function matching(pattern: RegExp, full: boolean, self: number): ProcessInfo[] {
  const regex = pattern;
  return listProcesses().filter((p) => p.pid !== self && regex.test(full ? p.cmdline : p.name));
}

/**
 * PATTERN as a regular expression; an invalid one is reported as `NAME: invalid pattern 'P': REASON`
 * and gives the usage status, 2.
 */
export function compilePattern(name: string, pattern: string): RegExp | number {
  try {
    return new RegExp(pattern);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    const reason = error.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    eprint(`${name}: invalid pattern '${pattern}': ${reason}`);
    return 2;
  }
}
