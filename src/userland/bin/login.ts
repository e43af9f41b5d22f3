/**
 * login: asks for a user name and password on the terminal (the password unechoed), checks it
 * against /etc/shadow (Argon2id), gives the terminal to the user, and runs the account's shell as
 * that user in its home directory, as the terminal's foreground group. Ends with the shell's
 * status. A wrong password costs a second and the prompt comes back, as often as needed.
 */
import {
  ECHO, Errno, O_RDONLY, SIGINT, SysError, chown, environ, exists, fchown, mkdir, open, close, shellStatus, signal, sleepMs, spawn,
  stdin, stdout, tcgetattr, tcsetattr, tcsetpgrp, waitExit, type Termios,
} from '../../libc/index.ts';
import { findAccount, storedHash, verifyPassword, type Account } from '../lib/accounts.ts';

/** An Argon2id hash (at HASH_COST) of a random password nobody knows, checked for unknown names. Fixed, so login does not hash at start-up. */
const DUMMY_HASH = '$argon2id$v=19$m=4096,t=3,p=1$7U34kAjuT4lqEj8g3GwfJQ$fTnsDT4kz9uK9vAln1/8EqhiO+3RI1V+rcRG5u6Vz9o';

function ask(prompt: string, echo: boolean): string | null {
  // Echo goes off before the prompt appears, so nothing typed after it is shown.
  const saved = echo ? null : terminalSettings();
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

/** The terminal's settings, or null when standard input is not a terminal (then nothing is hidden). */
function terminalSettings(): Termios | null {
  try {
    return tcgetattr(0);
  } catch (error) {
    if (error instanceof SysError && error.errno === Errno.ENOTTY) return null;
    throw error;
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
  try {
    fchown(0, account.uid, account.gid);
  } catch (error) {
    if (!(error instanceof SysError)) throw error;
  }
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
  for (;;) {
    const name = ask('redox login: ', true);
    if (name === null && terminalSettings() === null) return 1;
    if (name === null || name.trim() === '') continue;
    const password = ask('Password: ', false);
    if (password === null) continue;
    const account = findAccount(name.trim());
    const stored = account ? storedHash(account.name) : undefined;
    // An unknown name costs the same hash as a known one, so timing does not tell them apart.
    const valid = verifyPassword(password, stored ?? DUMMY_HASH) && account !== undefined && stored !== undefined;
    if (valid) return runSession(account);
    sleepMs(1000);
    stdout.write('Login incorrect\n');
  }
}
