/**
 * login: asks for a user name and password on the terminal (the password unechoed), checks it
 * against /etc/shadow (Argon2id), and runs the account's shell as that user in its home
 * directory, as the terminal's foreground group. Ends with the shell's status. Three tries.
 */
import {
  ECHO, O_RDONLY, SIGINT, SysError, chown, environ, exists, mkdir, open, close, shellStatus, signal, sleepMs, spawn,
  stdin, stdout, tcgetattr, tcsetattr, tcsetpgrp, waitExit,
} from '../../libc/index.ts';
import { findAccount, storedHash, verifyPassword, type Account } from '../lib/accounts.ts';

function ask(prompt: string, echo: boolean): string | null {
  // Echo goes off before the prompt appears, so nothing typed after it is shown.
  const saved = echo ? null : tcgetattr(0);
  if (saved) tcsetattr(0, { ...saved, lflag: saved.lflag & ~ECHO });
  stdout.write(prompt);
  stdout.flush();
  try {
    return stdin.readLine();
  } finally {
    if (saved) {
      tcsetattr(0, saved);
      stdout.write('\n');
    }
  }
}

/** Makes the home directory if the account has none yet (as pam_mkhomedir does). */
function ensureHome(account: Account): void {
  if (exists(account.home)) return;
  mkdir(account.home, 0o700);
  chown(account.home, account.uid, account.gid);
}

export function runSession(account: Account): number {
  ensureHome(account);
  const env = {
    ...environ, HOME: account.home, USER: account.name, LOGNAME: account.name, SHELL: account.shell, PWD: account.home,
    PATH: environ.PATH ?? '/bin',
  };
  const pid = spawn(account.shell, [account.shell], { env, cwd: account.home, uid: account.uid, gid: account.gid, pgid: 0 });
  try {
    tcsetpgrp(0, pid);
  } catch (error) {
    if (!(error instanceof SysError)) throw error;
  }
  return shellStatus(waitExit(pid));
}

export function main(): number {
  signal(SIGINT, 'ignore');
  const probe = open('/etc/passwd', O_RDONLY);
  close(probe);
  for (let attempt = 0; attempt < 3; attempt++) {
    const name = ask('redox login: ', true);
    if (name === null) return 1;
    if (name.trim() === '') {
      attempt--;
      continue;
    }
    const password = ask('Password: ', false) ?? '';
    const account = findAccount(name.trim());
    const stored = account ? storedHash(account.name) : undefined;
    if (account && stored !== undefined && verifyPassword(password, stored)) return runSession(account);
    sleepMs(1000);
    stdout.write('Login incorrect\n');
  }
  return 1;
}
