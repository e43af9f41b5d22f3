/**
 * shutdown, reboot: ask init to end the session, stop the services in reverse order (the root
 * filesystem commits as it stops) and power off, or start again with -r / as `reboot`.
 */
import { Errno, SIGTERM, SIGUSR1, SysError, eprint, kill } from '../../libc/index.ts';
import { parseArgs, type Spec } from '../lib/args.ts';

const SPEC: Spec = {
  name: 'shutdown',
  usage: '[-r | -h]',
  about: 'Stop every service in order, sync the filesystem and power off (-h, the default) or reboot (-r).',
  options: [['-r, --reboot', 'start the machine again afterwards'], ['-h, --halt', 'power off (the default)']],
};

export function main(args: string[]): number {
  const name = (args[0] ?? 'shutdown').split('/').pop();
  const opts = parseArgs(args, { ...SPEC, name: name === 'reboot' ? 'reboot' : 'shutdown' });
  if (typeof opts === 'number') return opts;
  const reboot = name === 'reboot' || opts.has('r');
  try {
    kill(1, reboot ? SIGUSR1 : SIGTERM);
  } catch (error) {
    if (error instanceof SysError && error.errno === Errno.EPERM) {
      eprint(`${name}: only root may ${reboot ? 'reboot' : 'power off'} the machine`);
      return 1;
    }
    throw error;
  }
  return 0;
}
