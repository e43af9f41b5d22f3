/** ps: report a snapshot of the processes, from /scheme/proc. */
import { readTextFile, readdir, stdout } from '../../libc/index.ts';
import { fail, parseArgs, type Spec } from '../lib/args.ts';
import { userName } from './_system.ts';

const SPEC: Spec = {
  name: 'ps',
  usage: '[OPTION]...',
  about: 'Show every process: PID, parent, state and command line.',
  options: [
    ['-e', 'every process (the default)'],
    ['-A', 'same as -e'],
    ['-f', 'full format: also the user and process group'],
  ],
};

interface Proc {
  fields: Map<string, string>;
  cmd: string;
}

function readProc(pid: string): Proc | null {
  try {
    const fields = new Map<string, string>();
    for (const line of readTextFile(`/scheme/proc/${pid}/status`).split('\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
    }
    const argv = readTextFile(`/scheme/proc/${pid}/cmdline`).split('\0').filter((a, i, all) => a !== '' || i < all.length - 1);
    const cmd = argv.join(' ') || `[${fields.get('Name') ?? '?'}]`;
    return { fields, cmd: fields.get('State')?.startsWith('Z') ? `[${argv[0] ?? '?'}] <defunct>` : cmd };
  } catch {
    return null; // The process exited while we looked.
  }
}

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  let pids: string[];
  try {
    pids = readdir('/scheme/proc').map((d) => d.name).filter((n) => /^\d+$/.test(n)).sort((a, b) => Number(a) - Number(b));
  } catch (error) {
    return fail('ps', '/scheme/proc', error);
  }
  const full = opts.has('f');
  const rows = [full ? ['UID', 'PID', 'PPID', 'PGID', 'STAT', 'CMD'] : ['PID', 'PPID', 'STAT', 'CMD']];
  for (const pid of pids) {
    const proc = readProc(pid);
    if (!proc) continue;
    const f = proc.fields;
    const state = (f.get('State') ?? '?')[0]!;
    const base = [f.get('Pid') ?? pid, f.get('PPid') ?? '?'];
    rows.push(full
      ? [userName(Number((f.get('Uid') ?? '0').split(' ')[0])), ...base, f.get('Pgid') ?? '?', state, proc.cmd]
      : [...base, state, proc.cmd]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const numeric = new Set(['PID', 'PPID', 'PGID']);
  for (const row of rows) {
    const cells = row.map((cell, c) => {
      if (c === row.length - 1) return cell;
      return numeric.has(rows[0]![c]!) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!);
    });
    stdout.write(cells.join(' ') + '\n');
  }
  return 0;
}
