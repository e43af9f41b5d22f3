/**
 * sh: the shell (POSIX sh as a user types it). `sh -c CMD [NAME [ARGS]]`, `sh [OPTIONS] FILE
 * [ARGS]`, `sh -s [ARGS]` or plain `sh` (commands from stdin, with prompts on a terminal).
 * `sh --subshell STATE` is internal: a subshell that has to run concurrently (a pipeline stage,
 * `&`) gets the parent's state as JSON. The work is in src/userland/lib/shell_*.ts.
 */
import { Errno, SysError, environ, exit, getcwd, getppid, isatty, read, readTextFile, isDirectory, stat, unlink } from '../../libc/index.ts';
import { BUILTINS, SPECIAL } from '../lib/shell_builtins.ts';
import { CommandError, ExitSignal, Shell, type SubshellState } from '../lib/shell_exec.ts';
import { interactiveLoop } from '../lib/shell_interactive.ts';

function newShell(): Shell {
  const sh = new Shell(BUILTINS, SPECIAL);
  for (const [name, value] of Object.entries(environ)) sh.vars.set(name, { value, exported: true, readonly: false });
  try {
    sh.setVar('PWD', getcwd(), true);
  } catch {
    // no cwd
  }
  if (!sh.vars.has('PS1')) sh.setVar('PS1', environ.USER === 'root' || environ.USER === undefined ? '# ' : '$ ');
  sh.setVar('PS2', '> ');
  sh.setVar('PS4', '+ ');
  sh.setVar('OPTIND', '1');
  sh.setVar('PPID', String(getppid()));
  return sh;
}

/** Runs until the text ends or `exit`; returns the status to exit with. */
function finish(sh: Shell, body: () => void): number {
  try {
    body();
  } catch (error) {
    if (error instanceof ExitSignal) sh.status = error.status;
    else if (error instanceof CommandError) sh.status = error.status;
    else throw error;
  }
  sh.syncInput();
  try {
    sh.runExitTrap();
  } catch (error) {
    if (!(error instanceof ExitSignal)) throw error;
    sh.status = error.status;
  }
  return sh.status;
}

function readAllStdin(): string {
  const parts: Uint8Array[] = [];
  for (;;) {
    let chunk: Uint8Array;
    try {
      chunk = read(0, 64 * 1024);
    } catch (error) {
      if (error instanceof SysError && error.errno === Errno.EINTR) continue;
      if (error instanceof SysError && error.errno === Errno.EBADF) break;
      throw error;
    }
    if (chunk.length === 0) break;
    parts.push(chunk);
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const all = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return new TextDecoder().decode(all);
}

export function main(args: string[]): number {
  const sh = newShell();
  if (args[1] === '--subshell' || args[1] === '--subshell-file') {
    let text = args[2] ?? '{}';
    if (args[1] === '--subshell-file') {
      text = readTextFile(text);
      unlink(args[2]!);
    }
    const state = JSON.parse(text) as SubshellState;
    sh.loadState(state);
    return finish(sh, () => sh.execTop(state.cmd));
  }
  let command: string | null = null;
  let fromStdin = false;
  let forceInteractive = false;
  let k = 1;
  for (; k < args.length; k++) {
    const a = args[k]!;
    if (a === '--' || a === '-') {
      k++;
      break;
    }
    if (!/^[-+][a-zA-Z]+$/.test(a) && !/^[-+]o$/.test(a)) break;
    const on = a[0] === '-';
    for (const c of a.slice(1)) {
      if (c === 'c') command = '';
      else if (c === 's') fromStdin = true;
      else if (c === 'i') forceInteractive = true;
      else if (c === 'o') {
        const name = args[++k];
        const map: Record<string, string> = { errexit: 'e', nounset: 'u', xtrace: 'x', noglob: 'f', noexec: 'n', verbose: 'v', noclobber: 'C', allexport: 'a' };
        if (name && map[name]) sh.opts[map[name]!] = on;
      } else if (c in sh.opts) sh.opts[c] = on;
      else if (c !== 'm' && c !== 'l') {
        sh.error(`Illegal option -${c}`);
        return 2;
      }
    }
  }
  const rest = args.slice(k);
  if (command !== null) {
    if (rest.length === 0) {
      sh.error('-c requires an argument');
      return 2;
    }
    command = rest[0]!;
    sh.argv0 = rest[1] ?? 'sh';
    sh.positional = rest.slice(2);
    const text = command;
    return finish(sh, () => sh.runText(text));
  }
  if (rest.length > 0 && !fromStdin) {
    const file = rest[0]!;
    sh.argv0 = file;
    sh.positional = rest.slice(1);
    let text: string;
    try {
      if (isDirectory(stat(file))) throw new SysError(Errno.EISDIR, file);
      text = readTextFile(file);
    } catch (error) {
      if (!(error instanceof SysError)) throw error;
      sh.argv0 = 'sh';
      sh.error(`0: cannot open ${file}: ${error.errno === Errno.EISDIR ? 'Is a directory' : 'No such file'}`);
      return error.errno === Errno.ENOENT ? 127 : 126;
    }
    return finish(sh, () => sh.runText(text));
  }
  sh.positional = rest;
  sh.interactive = forceInteractive || (isatty(0) && isatty(2));
  if (sh.interactive) {
    const status = finish(sh, () => interactiveLoop(sh));
    return exit(status);
  }
  const text = readAllStdin();
  return finish(sh, () => sh.runText(text));
}
