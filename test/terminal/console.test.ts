/**
 * The console as a person meets it: the OS booted in a real host pseudo-terminal (tmux), driven by
 * keystrokes, checked by what the screen shows. Skips with a message when tmux is missing.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DEFAULT_DISK, REDOX, ROOT } from '../helpers.ts';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const scratch = mkdtempSync(join(tmpdir(), 'redox-tty-'));
const socket = `redox-test-${process.pid}`;
const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
after(() => {
  spawnSync('tmux', ['-L', socket, 'kill-server']);
  rmSync(scratch, { recursive: true, force: true });
});

const screen = (): string => tmux('capture-pane', '-p', '-t', 'os');
const keys = (...k: string[]): void => void tmux('send-keys', '-t', 'os', ...k);

async function until(what: string, check: (text: string) => boolean, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = screen();
    if (check(text)) return text;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; the screen shows:\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Lines that start with the shell's prompt (`# ` for root, `$ ` for others). */
/** Typeahead before a command starts is lost (docs/compatibility.md), so wait for the prompt to settle. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 800));

const promptCount = (text: string): number => text.split('\n').filter((line) => /^[#$]( |$)/.test(line)).length;

test('an interactive session on a real terminal: login, pipeline, ^C, ^D, editor, ^Z and fg, history, completion, exit status', { skip: hasTmux ? false : 'tmux is not installed' }, async () => {
  const image = join(scratch, 'disk.img');
  copyFileSync(DEFAULT_DISK, image);
  tmux('new-session', '-d', '-s', 'os', '-x', '100', '-y', '40', `cd ${ROOT} && ${process.execPath} ${REDOX} run ${image}; echo EXITED $?; sleep 60`);
  await until('the login prompt', (t) => t.includes('redox login:'));
  keys('root', 'Enter');
  await until('the password prompt', (t) => t.includes('Password:'));
  keys('wrong', 'Enter');
  const refused = await until('a refused login', (t) => t.includes('Login incorrect'));
  assert.doesNotMatch(refused, /wrong/, 'the password is not echoed');
  await until('the second login prompt', (t) => t.split('redox login:').length > 2);
  keys('root', 'Enter');
  await until('the second password prompt', (t) => t.split('Password:').length > 2);
  keys('password', 'Enter');
  const loggedIn = await until('the shell prompt in root\'s home', (t) => promptCount(t) >= 1);
  assert.doesNotMatch(loggedIn, /password\n/, 'the password is not echoed');
  keys('whoami; pwd', 'Enter');
  await until('whoami and pwd', (t) => /\nroot\n\/root\n/.test(t));

  keys('echo hi there | tr a-z A-Z', 'Enter');
  await until('the pipeline output', (t) => t.includes('\nHI THERE\n'));

  keys('sleep 100', 'Enter');
  await until('sleep to start', (t) => /# sleep 100\n/.test(t));
  // The screen shows the command as soon as it is typed; give the shell time to start the job
  // and make it the terminal's foreground group, or ^C would reach the shell instead.
  await new Promise((r) => setTimeout(r, 1500));
  const before = promptCount(screen());
  keys('C-c');
  const afterInterrupt = await until('the prompt after ^C', (t) => promptCount(t) > before, 5000);
  assert.match(afterInterrupt, /\^C/);

  keys('cat | wc -l', 'Enter');
  // Typeahead read by the shell's line editor before the job starts is lost (see docs/compatibility.md).
  await new Promise((r) => setTimeout(r, 1500));
  keys('first line', 'Enter');
  keys('second', 'BSpace', 'BSpace', 'nd line', 'Enter');
  keys('C-d');
  await until('wc to count two lines', (t) => /\n\s*2\n/.test(t));

  keys('edit /tmp/note', 'Enter');
  await new Promise((r) => setTimeout(r, 1500));
  await until('the editor', (t) => t.includes('/tmp/note | 1:1'));
  keys('hello editor', 'Enter', 'second linX', 'BSpace', 'e');
  keys('Up', 'End', '!');
  keys('C-s');
  await until('the save', (t) => t.includes('wrote 2 lines'));
  keys('C-q');
  const back = promptCount(screen());
  await until('the prompt after the editor', (t) => promptCount(t) >= back && t.includes('# edit /tmp/note'));
  keys('clear; cat /tmp/note', 'Enter');
  await until('the saved file', (t) => t.includes('hello editor!\nsecond line\n'));

  keys('clear', 'Enter');
  await new Promise((r) => setTimeout(r, 1000));
  keys('sleep 3; echo resumed-after-stop', 'Enter');
  await new Promise((r) => setTimeout(r, 1500));
  keys('C-z');
  await until('the job to stop', (t) => /Stopped/.test(t));
  keys('fg', 'Enter');
  await until('the job to resume and finish', (t) => t.includes('\nresumed-after-stop\n'));

  await settle();
  keys('echo recalled-by-up-arrow', 'Enter');
  await until('the first echo', (t) => t.split('recalled-by-up-arrow').length >= 3);
  await settle();
  keys('Up', 'Enter');
  await until('the recalled command to run again', (t) => t.split('recalled-by-up-arrow').length >= 5);

  await settle();
  keys('ls /tmp/no');
  await settle();
  keys('Tab');
  await until('tab to complete the path', (t) => t.includes('ls /tmp/note'));
  keys('Enter');
  await until('the completed command to run', (t) => /\n\/tmp\/note\n/.test(t));

  keys('exit 7', 'Enter');
  await until('the machine to power off', (t) => t.includes('EXITED 7'));
});
