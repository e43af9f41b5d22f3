/**
 * sh: the shell. Runs `sh -c CMD`, `sh FILE [ARGS]`, or reads commands from stdin (with a prompt
 * on a terminal). Pipelines, redirections, `;` `&` `&&` `||`, quoting, variables and the builtins
 * cd, exit, export, unset, pwd, wait. (Issue 5 grows it into the full shell.)
 */
import {
  O_APPEND, O_CREAT, O_RDONLY, O_TRUNC, O_WRONLY, SIGINT, SysError, Errno, chdir, close, environ, exists, getcwd, getpid,
  isatty, open, pipe, readTextFile, shellStatus, signal, spawn, stat, isDirectory, waitpid, stdin, stdout, stderr, eprint,
} from '../../libc/index.ts';
import { ShellSyntaxError, parse, type ListItem, type Pipeline, type SimpleCommand } from '../lib/shell_parse.ts';

class Shell {
  status = 0;
  lastBackground = 0;
  readonly background = new Set<number>();
  exitRequested: number | null = null;

  constructor(
    readonly name: string,
    readonly positional: string[],
  ) {}

  variable(name: string): string {
    switch (name) {
      case '?': return String(this.status);
      case '$': return String(getpid());
      case '!': return this.lastBackground ? String(this.lastBackground) : '';
      case '#': return String(this.positional.length);
      case '@': case '*': return this.positional.join(' ');
      case '0': return this.name;
    }
    if (/^[1-9]$/.test(name)) return this.positional[Number(name) - 1] ?? '';
    return environ[name] ?? '';
  }

  expand(word: string): string {
    let out = '';
    let i = 0;
    const dollar = (quoted: boolean): void => {
      const rest = word.slice(i + 1);
      const braced = /^\{([A-Za-z_][A-Za-z0-9_]*|[?$!#@*0-9])\}/.exec(rest);
      const plain = /^([A-Za-z_][A-Za-z0-9_]*|[?$!#@*0-9])/.exec(rest);
      const match = braced ?? plain;
      if (!match) { out += '$'; i++; return; }
      out += this.variable(match[1]!);
      i += 1 + match[0].length;
      void quoted;
    };
    while (i < word.length) {
      const c = word[i]!;
      if (c === '\\') { out += word[i + 1] ?? ''; i += 2; }
      else if (c === "'") { const end = word.indexOf("'", i + 1); out += word.slice(i + 1, end); i = end + 1; }
      else if (c === '"') {
        i++;
        while (i < word.length && word[i] !== '"') {
          if (word[i] === '\\' && '"\\$`'.includes(word[i + 1] ?? '')) { out += word[i + 1]; i += 2; }
          else if (word[i] === '$') dollar(true);
          else out += word[i++];
        }
        i++;
      } else if (c === '$') dollar(false);
      else { out += c; i++; }
    }
    return out;
  }

  run(source: string): void {
    let items: ListItem[];
    try {
      items = parse(source);
    } catch (error) {
      if (!(error instanceof ShellSyntaxError)) throw error;
      eprint(`${this.name}: ${error.message}`);
      this.status = 2;
      return;
    }
    let skip: 'none' | '&&' | '||' = 'none';
    for (const item of items) {
      if (this.exitRequested !== null) return;
      const runIt = skip === 'none' || (skip === '&&' && this.status === 0) || (skip === '||' && this.status !== 0);
      if (runIt) this.runPipeline(item.pipeline, item.then === '&');
      skip = item.then === '&&' || item.then === '||' ? item.then : 'none';
      if (!runIt && (item.then === '&&' || item.then === '||')) {
        // A skipped command leaves $? as it was, so the next connector tests the same status.
      }
    }
  }

  private runPipeline(pipeline: Pipeline, background: boolean): void {
    const commands = pipeline.commands;
    if (commands.length === 1 && !background) {
      const words = commands[0]!.words.map((w) => this.expand(w));
      const builtin = words[0] !== undefined ? BUILTINS[words[0]] : undefined;
      if (builtin) {
        this.status = builtin(this, words.slice(1));
        if (pipeline.negate) this.status = this.status === 0 ? 1 : 0;
        return;
      }
    }
    const pids: number[] = [];
    let input = 0;
    for (let n = 0; n < commands.length; n++) {
      const last = n === commands.length - 1;
      const [readEnd, writeEnd] = last ? [-1, 1] : pipe();
      const pid = this.launch(commands[n]!, input, writeEnd);
      if (input !== 0) close(input);
      if (!last) close(writeEnd);
      input = readEnd;
      if (pid > 0) pids.push(pid);
      else if (last) this.status = -pid;
    }
    if (background) {
      for (const pid of pids) this.background.add(pid);
      this.lastBackground = pids[pids.length - 1] ?? 0;
      this.status = 0;
      return;
    }
    for (const pid of pids) {
      const status = waitFor(pid);
      if (pid === pids[pids.length - 1]) this.status = shellStatus(status);
    }
    if (pipeline.negate) this.status = this.status === 0 ? 1 : 0;
  }

  /** Starts one command with the given stdin/stdout; returns its pid, or -status if it never started. */
  private launch(command: SimpleCommand, input: number, output: number): number {
    const words = command.words.map((w) => this.expand(w));
    const fds = new Map<number, number>([[0, input], [1, output], [2, 2]]);
    const opened: number[] = [];
    try {
      for (const r of command.redirects) {
        const target = this.expand(r.target);
        if (r.op === '>&') {
          const from = Number(target);
          if (!fds.has(from)) throw new SysError(Errno.EBADF, `${target}`);
          fds.set(r.fd, fds.get(from)!);
          continue;
        }
        const flags = r.op === '<' ? O_RDONLY : O_WRONLY | O_CREAT | (r.op === '>>' ? O_APPEND : O_TRUNC);
        const fd = open(target, flags, 0o644);
        opened.push(fd);
        fds.set(r.fd, fd);
      }
      if (words.length === 0) return -0;
      const builtin = BUILTINS[words[0]!];
      if (builtin) return -builtin(this, words.slice(1));
      const path = this.lookup(words[0]!);
      if (!path) {
        eprint(`${this.name}: ${words[0]}: command not found`);
        return -127;
      }
      return spawn(path, words, { env: { ...environ }, fds: [...fds.entries()] });
    } catch (error) {
      if (!(error instanceof SysError)) throw error;
      eprint(`${this.name}: ${words[0] ?? ''}: ${error.message}`);
      if (error.errno === Errno.ENOENT) return -127;
      return error.errno === Errno.EACCES || error.errno === Errno.ENOEXEC ? -126 : -1;
    } finally {
      for (const fd of opened) close(fd);
    }
  }

  lookup(command: string): string | null {
    if (command.includes('/')) return command;
    for (const dir of (environ.PATH ?? '/bin').split(':')) {
      const candidate = `${dir || '.'}/${command}`;
      if (exists(candidate)) return candidate;
    }
    return null;
  }
}

/** waitpid that rides out the interrupts an interactive shell's own SIGINT handler causes. */
function waitFor(pid: number): number {
  for (;;) {
    try {
      return waitpid(pid).status;
    } catch (error) {
      if (!(error instanceof SysError && error.errno === Errno.EINTR)) throw error;
    }
  }
}

type Builtin = (shell: Shell, args: string[]) => number;

const BUILTINS: Record<string, Builtin> = {
  cd(shell, args) {
    const target = args[0] ?? environ.HOME ?? '/';
    try {
      chdir(target);
      environ.PWD = getcwd();
      return 0;
    } catch (error) {
      eprint(`${shell.name}: cd: ${target}: ${(error as Error).message}`);
      return 1;
    }
  },
  pwd() {
    stdout.write(getcwd() + '\n');
    return 0;
  },
  exit(shell, args) {
    const code = args[0] === undefined ? shell.status : Number(args[0]);
    if (!Number.isInteger(code)) {
      eprint(`${shell.name}: exit: ${args[0]}: numeric argument required`);
      shell.exitRequested = 2;
      return 2;
    }
    shell.exitRequested = code & 0xff;
    return code & 0xff;
  },
  export(_shell, args) {
    for (const arg of args) {
      const eq = arg.indexOf('=');
      if (eq > 0) environ[arg.slice(0, eq)] = arg.slice(eq + 1);
    }
    return 0;
  },
  unset(_shell, args) {
    for (const name of args) delete environ[name];
    return 0;
  },
  wait(shell) {
    for (const pid of shell.background) {
      try {
        waitpid(pid);
      } catch (error) {
        if (!(error instanceof SysError && error.errno === Errno.ECHILD)) throw error;
      }
    }
    shell.background.clear();
    return 0;
  },
};

function assignmentOnly(shell: Shell, line: string): boolean {
  const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(\S*)\s*$/.exec(line);
  if (!match) return false;
  environ[match[1]!] = shell.expand(match[2]!);
  shell.status = 0;
  return true;
}

function interactive(shell: Shell): number {
  const tty = isatty(0);
  if (tty) signal(SIGINT, () => undefined);
  for (;;) {
    if (tty) stdout.write(`${getcwd()} # `), stdout.flush();
    let line: string | null;
    try {
      line = stdin.readLine();
    } catch (error) {
      if (error instanceof SysError && error.errno === Errno.EINTR) continue;
      throw error;
    }
    if (line === null) break;
    if (!assignmentOnly(shell, line)) shell.run(line);
    stdout.flush();
    stderr.flush();
    if (shell.exitRequested !== null) return shell.exitRequested;
  }
  return shell.status;
}

export function main(args: string[]): number {
  if (args[1] === '-c') {
    if (args[2] === undefined) {
      eprint('sh: -c needs a command');
      return 2;
    }
    const shell = new Shell(args[3] ?? 'sh', args.slice(4));
    if (!assignmentOnly(shell, args[2])) shell.run(args[2]);
    return shell.exitRequested ?? shell.status;
  }
  if (args[1] !== undefined) {
    const script = args[1];
    if (!exists(script) || isDirectory(stat(script))) {
      eprint(`sh: ${script}: cannot open`);
      return 127;
    }
    const shell = new Shell(script, args.slice(2));
    const lines = readTextFile(script).replace(/^#!.*\n/, '');
    shell.run(lines);
    return shell.exitRequested ?? shell.status;
  }
  return interactive(new Shell('sh', []));
}
