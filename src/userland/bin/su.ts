/**
 * su: runs a shell (or `-c COMMAND`) as another user, root by default, after asking for that
 * user's password unless the caller is root. Installed setuid root, so it may start a process as
 * any user once the password checks out.
 */
import { SysError, environ, eprint, getuid, shellStatus, sleepMs, spawn, waitExit } from '../../libc/index.ts';
import { findAccount, storedHash, verifyPassword } from '../lib/accounts.ts';
import { parseArgs, type Spec } from '../lib/args.ts';
import { stdin, stdout, tcgetattr, tcsetattr, ECHO } from '../../libc/index.ts';

const SPEC: Spec = {
  name: 'su',
  usage: '[OPTION]... [USER]',
  about: 'Run a shell as USER (default root), asking for USER\'s password unless you are root.',
  options: [['-c, --command COMMAND', 'run COMMAND with the shell instead of an interactive shell']],
};

function askPassword(): string {
  let saved = null;
  try {
    saved = tcgetattr(0);
    tcsetattr(0, { ...saved, lflag: saved.lflag & ~ECHO });
  } catch (error) {
    if (!(error instanceof SysError)) throw error;
  }
  stdout.write('Password: ');
  stdout.flush();
  try {
    return stdin.readLine() ?? '';
  } finally {
    if (saved) {
      tcsetattr(0, saved);
      stdout.write('\n');
    }
  }
}

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const name = opts.operands[0] ?? 'root';
  const account = findAccount(name);
  if (!account) {
    eprint(`su: user ${name} does not exist`);
    return 1;
  }
  if (getuid() !== 0) {
    const stored = storedHash(account.name);
    if (stored === undefined || !verifyPassword(askPassword(), stored)) {
      sleepMs(1000);
      eprint('su: Authentication failure');
      return 1;
    }
  }
  const command = opts.get('c');
  const argv = command === undefined ? [account.shell] : [account.shell, '-c', command];
  const env = { ...environ, HOME: account.home, USER: account.name, LOGNAME: account.name, SHELL: account.shell };
  return shellStatus(waitExit(spawn(account.shell, argv, { env, uid: account.uid, gid: account.gid })));
}
