/** id: print user and group ids. */
import { getegid, geteuid, getgid, getuid, stdout } from '../../libc/index.ts';
import { parseArgs, usageError, type Spec } from '../lib/args.ts';
import { groupName, userName } from './_system.ts';

const SPEC: Spec = {
  name: 'id',
  usage: '[OPTION]...',
  about: 'Print user and group information for the current process.',
  options: [
    ['-u, --user', 'print only the effective user ID'],
    ['-g, --group', 'print only the effective group ID'],
    ['-G, --groups', 'print all group IDs'],
    ['-n, --name', 'print a name instead of a number, for -ugG'],
    ['-r, --real', 'print the real ID instead of the effective ID, with -ugG'],
  ],
};

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  if (opts.operands.length) return usageError(SPEC, `only the current process is supported, not '${opts.operands[0]}'`);
  const uid = opts.has('r') ? getuid() : geteuid();
  const gid = opts.has('r') ? getgid() : getegid();
  const only = ['u', 'g', 'G'].filter((f) => opts.has(f));
  if (only.length > 1) return usageError(SPEC, 'cannot print "only" of more than one choice');
  if (only.length === 1) {
    const user = only[0] === 'u';
    const id = user ? uid : gid;
    stdout.write((opts.has('n') ? (user ? userName(id) : groupName(id)) : String(id)) + '\n');
    return 0;
  }
  if (opts.has('n') || opts.has('r')) return usageError(SPEC, 'cannot print only names or real IDs in default format');
  const named = (id: number, name: string): string => (name === String(id) ? `${id}` : `${id}(${name})`);
  const text = `uid=${named(getuid(), userName(getuid()))} gid=${named(getgid(), groupName(getgid()))}` +
    (geteuid() !== getuid() ? ` euid=${named(geteuid(), userName(geteuid()))}` : '') +
    (getegid() !== getgid() ? ` egid=${named(getegid(), groupName(getegid()))}` : '') +
    ` groups=${named(getgid(), groupName(getgid()))}`;
  stdout.write(text + '\n');
  return 0;
}
