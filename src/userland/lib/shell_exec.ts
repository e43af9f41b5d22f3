/**
 * The shell's executor: runs the syntax tree (shell_ast.ts) against the shell's state (variables,
 * functions, aliases, options, traps, positional parameters, open fds).
 *
 * Processes are Workers, so there is no fork. Builtins, functions and compound commands run in
 * this process with their redirections applied to the real fd table (saved above fd 100 and put
 * back afterwards); external commands are spawned with an explicit fd map. Subshells `( ... )`,
 * `$(...)` bodies and the one in-process stage of a pipeline run here too, on a snapshot of the
 * state that is restored afterwards; a subshell that must run concurrently (other stages of a
 * pipeline, `&`) is a new `/bin/sh --subshell STATE` process given the state and the command as
 * JSON. Control flow (break, continue, return, exit) travels as exceptions.
 */
import { concatBytes } from '../../syscall/bytes.ts';
import {
  Errno, FD_CLOEXEC, F_SETFD, F_GETFD, F_SETFL, O_NONBLOCK, O_APPEND, O_CLOEXEC, O_CREAT, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY, SIGINT, SIGPIPE,
  SysError, chdir, close, dup2, exists, fcntl, strerror, getcwd, getpid, isDirectory, open, pipe, read, shellStatus, spawn, stat, waitpid,
  write, signal, isRegular, unlink, lseek, SEEK_CUR,
} from '../../libc/index.ts';
import type { Command, Redir } from './shell_ast.ts';
import { plainText } from './shell_ast.ts';
import { ExpansionError, Expander, matchPattern, type ExpandHost } from './shell_expand.ts';
import { JobControl } from './shell_jobs.ts';
import { Parser, ShellSyntaxError } from './shell_parse.ts';

export class ExitSignal {
  constructor(readonly status: number) {}
}
export class BreakSignal {
  constructor(readonly n: number, readonly cont: boolean) {}
}
export class ReturnSignal {
  constructor(readonly status: number) {}
}
/** A redirection or expansion failed: the command does not run. */
export class CommandError {
  constructor(readonly status: number) {}
}

export interface Var {
  value: string;
  exported: boolean;
  readonly: boolean;
}

export type Builtin = (sh: Shell, args: string[]) => number;

export interface SubshellState {
  vars: [string, string, boolean, boolean][];
  funcs: [string, Command][];
  aliases: [string, string][];
  positional: string[];
  argv0: string;
  opts: Record<string, boolean>;
  shellPid: number;
  lastBg: number;
  status: number;
  cmd: Command;
}

/** A command substitution running in the shell: its output so far, and whether fd 1 is still its pipe. */
interface Capture {
  chunks: string[];
  direct: boolean;
  stack: boolean[];
  pipe: number;
  decoder: { decode(input: Uint8Array, options?: { stream?: boolean }): string };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const NULL_DEVICE = '/scheme/null';

export class Shell implements ExpandHost {
  vars = new Map<string, Var>();
  funcs = new Map<string, Command>();
  aliases = new Map<string, string>();
  positional: string[] = [];
  argv0 = 'sh';
  opts: Record<string, boolean> = { e: false, u: false, x: false, f: false, n: false, v: false, C: false, a: false };
  traps = new Map<string, string>();
  status = 0;
  lastBg = 0;
  bgPids: number[] = [];
  shellPid = getpid();
  interactive = false;
  openFds = new Set<number>();
  loopDepth = 0;
  funcDepth = 0;
  suppressErrexit = 0;
  lineno = 0;
  /** getopts' place inside a group of options (`-abc`), valid while OPTIND is what it set. */
  getopts = { sub: 1, optind: '', reset: false };
  private substStatus = 0;
  /** Read-ahead of the `read` builtin on a regular-file stdin; given back (lseek) before fd 0 can be seen by anyone else. */
  input: { buffer: Uint8Array; pos: number; seekable: boolean | null } = { buffer: new Uint8Array(0), pos: 0, seekable: null };
  private locals: Map<string, Var | undefined>[] = [];
  private freeHigh: number[] = [];
  private nextHigh = 100;
  private pendingSignals: number[] = [];
  private envCache: Record<string, string> | null = null;
  readonly expander = new Expander(this);
  readonly jobs = new JobControl();
  /** The command substitution being collected in this process, if any. */
  capture: Capture | null = null;
  private bgSpawn = false;

  constructor(
    readonly builtins: Record<string, Builtin>,
    readonly special: Set<string>,
  ) {
    for (let fd = 0; fd < 10; fd++) {
      try {
        fcntl(fd, F_GETFD);
        this.openFds.add(fd);
      } catch {
        // not open
      }
    }
    // A handled (not ignored) SIGPIPE: writes to a closed pipe fail with EPIPE here, and children
    // still get the default action.
    signal(SIGPIPE, () => undefined);
    this.jobs.out = (text) => this.out(2, text);
  }

  /** Spawns a program in the current job's process group (job control) or the shell's. */
  private spawnProcess(path: string, argv: string[], env: Record<string, string>, fds: Map<number, number>): number {
    const pgid = this.jobs.pgidFor(this.bgSpawn);
    const pid = spawn(path, argv, pgid === undefined ? { env, fds: [...fds.entries()] } : { env, fds: [...fds.entries()], pgid });
    this.jobs.spawned(pid, this.bgSpawn);
    return pid;
  }

  // ---- variables

  param(name: string): string | undefined {
    switch (name) {
      case '?': return String(this.status);
      case '$': return String(this.shellPid);
      case '!': return this.lastBg ? String(this.lastBg) : undefined;
      case '#': return String(this.positional.length);
      case '@': case '*': return this.positional.join(' ');
      case '-': return Object.entries(this.opts).filter(([, on]) => on).map(([k]) => k).join('') + (this.interactive ? 'i' : '');
      case '0': return this.argv0;
      case 'LINENO': return String(this.lineno);
    }
    if (/^[0-9]+$/.test(name)) return this.positional[Number(name) - 1];
    return this.vars.get(name)?.value;
  }

  positionalParams(): string[] {
    return this.positional;
  }

  setVar(name: string, value: string, exported = false): void {
    const v = this.vars.get(name);
    if (v?.readonly) {
      this.error(`${name}: is read only`);
      throw this.interactive ? new CommandError(2) : new ExitSignal(2);
    }
    if (v) v.value = value;
    else this.vars.set(name, { value, exported: exported || this.opts.a!, readonly: false });
    if (exported && v) v.exported = true;
    if (exported || v?.exported || this.opts.a) this.envCache = null;
  }

  unsetVar(name: string): boolean {
    const v = this.vars.get(name);
    if (v?.readonly) {
      this.error(`${name}: is read only`);
      return false;
    }
    if (v?.exported) this.envCache = null;
    this.vars.delete(name);
    return true;
  }

  markExported(): void {
    this.envCache = null;
  }

  /** `local NAME`: the variable is restored when the current function returns. */
  makeLocal(name: string): void {
    const frame = this.locals[this.locals.length - 1];
    if (!frame) throw new Error('local: not in a function');
    if (!frame.has(name)) {
      const v = this.vars.get(name);
      frame.set(name, v ? { ...v } : undefined);
    }
  }

  env(): Record<string, string> {
    if (!this.envCache) {
      const env: Record<string, string> = {};
      for (const [name, v] of this.vars) if (v.exported) env[name] = v.value;
      this.envCache = env;
    }
    return this.envCache;
  }

  nounset(): boolean {
    return this.opts.u!;
  }

  noglob(): boolean {
    return this.opts.f!;
  }

  // ---- output

  error(message: string): void {
    this.out(2, `${this.argv0}: ${message}\n`);
  }

  /**
   * Writes to an fd; a write to a closed pipe ends this (sub)shell as SIGPIPE would, and any other
   * failure is the command's (`sh: write error: ...`, status 1), as dash has it.
   */
  out(fd: number, text: string | Uint8Array): void {
    if (fd === 1 && this.capture?.direct) {
      this.drainCapture();
      this.capture.chunks.push(typeof text === 'string' ? text : this.capture.decoder.decode(text, { stream: true }));
      return;
    }
    try {
      write(fd, typeof text === 'string' ? encoder.encode(text) : text);
    } catch (error) {
      if (error instanceof SysError && error.errno === Errno.EPIPE) throw new ExitSignal(128 + SIGPIPE);
      if (error instanceof SysError && fd === 2) return;
      if (!(error instanceof SysError)) throw error;
      this.error(`write error: ${strerror(error.errno)}`);
      throw new CommandError(1);
    }
  }

  // ---- running source text

  /**
   * Parses and runs a text one complete command at a time. Returns false if a syntax error
   * stopped it (already reported).
   */
  runText(text: string, firstLine = 1): boolean {
    const parser = new Parser(text, (name) => this.aliases.get(name), firstLine);
    for (;;) {
      let cmd: Command | null;
      try {
        cmd = parser.next();
      } catch (error) {
        if (!(error instanceof ShellSyntaxError)) throw error;
        this.error(error.message);
        this.status = 2;
        return false;
      }
      if (!cmd) return true;
      if (this.opts.n && !this.interactive) continue;
      this.execTop(cmd);
    }
  }

  /** Runs one top-level command: an expansion error ends a non-interactive shell. */
  execTop(cmd: Command): void {
    try {
      this.exec(cmd);
    } catch (error) {
      if (error instanceof CommandError) {
        this.status = error.status;
        if (!this.interactive) throw new ExitSignal(error.status);
      } else if (error instanceof BreakSignal) {
        // break outside a loop: ignored
      } else if (error instanceof ReturnSignal) {
        this.status = error.status;
        if (this.funcDepth === 0 && !this.interactive) throw new ExitSignal(error.status);
      } else if (error instanceof SysError) {
        // A system call failed where the shell did not expect it: report it, do not crash.
        this.error(error.message);
        this.status = 2;
      } else throw error;
    }
    if (this.funcDepth === 0) this.jobs.done();
    this.runPendingTraps();
  }

  // ---- signals and traps

  setTrap(sig: string, action: string | null, signum: number | null): void {
    if (action === null) {
      this.traps.delete(sig);
      if (signum !== null) signal(signum, sig === 'INT' && this.interactive ? () => undefined : 'default');
      return;
    }
    this.traps.set(sig, action);
    if (signum === null) return;
    if (action === '') signal(signum, 'ignore');
    else signal(signum, (s) => this.pendingSignals.push(s));
  }

  runPendingTraps(): void {
    while (this.pendingSignals.length > 0) {
      const sig = this.pendingSignals.shift()!;
      const name = SIG_NAMES[sig];
      const action = name ? this.traps.get(name) : undefined;
      if (action) {
        const saved = this.status;
        this.runText(action);
        this.status = saved;
      }
    }
  }

  /** Runs the EXIT trap once (at exit). */
  runExitTrap(): void {
    const action = this.traps.get('EXIT');
    if (action === undefined) return;
    this.traps.delete('EXIT');
    const status = this.status;
    try {
      this.runText(action);
      this.status = status;
    } catch (error) {
      if (!(error instanceof ExitSignal)) throw error;
      this.status = error.status;
    }
  }

  // ---- commands

  exec(cmd: Command): number {
    switch (cmd.t) {
      case 'simple':
        this.status = this.simple(cmd);
        this.checkErrexit();
        break;
      case 'pipeline':
        this.pipeline(cmd);
        break;
      case 'andor': {
        this.suppressErrexit++;
        try {
          this.exec(cmd.first);
        } finally {
          this.suppressErrexit--;
        }
        cmd.rest.forEach(({ op, cmd: next }, index) => {
          if (op === '&&' ? this.status !== 0 : this.status === 0) return;
          const last = index === cmd.rest.length - 1;
          if (!last) this.suppressErrexit++;
          try {
            this.exec(next);
          } finally {
            if (!last) this.suppressErrexit--;
          }
        });
        break;
      }
      case 'list':
        for (const item of cmd.items) {
          if (item.bg) this.background(item.cmd);
          else this.exec(item.cmd);
          this.runPendingTraps();
        }
        break;
      case 'subshell':
        this.withRedirs(cmd.redirs, () => {
          this.status = this.subshell(() => this.exec(cmd.body));
        });
        this.checkErrexit();
        break;
      case 'group':
        this.withRedirs(cmd.redirs, () => this.exec(cmd.body));
        break;
      case 'if':
        this.withRedirs(cmd.redirs, () => {
          for (const clause of cmd.clauses) {
            if (this.condition(clause.cond) === 0) {
              this.exec(clause.body);
              return;
            }
          }
          if (cmd.else) this.exec(cmd.else);
          else this.status = 0;
        });
        break;
      case 'for':
        this.withRedirs(cmd.redirs, () => this.forLoop(cmd));
        break;
      case 'loop':
        this.withRedirs(cmd.redirs, () => this.loop(cmd));
        break;
      case 'case':
        this.withRedirs(cmd.redirs, () => {
          const word = this.expand(() => this.expander.string(cmd.word));
          for (const item of cmd.items) {
            if (item.patterns.some((p) => matchPattern(this.expand(() => this.expander.pattern(p)), word))) {
              if (item.body) this.exec(item.body);
              else this.status = 0;
              return;
            }
          }
          this.status = 0;
        });
        break;
      case 'func':
        this.funcs.set(cmd.name, cmd.body);
        this.status = 0;
        break;
    }
    return this.status;
  }

  private checkErrexit(): void {
    if (this.opts.e && this.status !== 0 && this.suppressErrexit === 0) throw new ExitSignal(this.status);
  }

  /** Runs a condition (if, while, until): errexit does not apply inside it. */
  private condition(cmd: Command): number {
    this.suppressErrexit++;
    try {
      return this.exec(cmd);
    } finally {
      this.suppressErrexit--;
    }
  }

  private forLoop(cmd: Extract<Command, { t: 'for' }>): void {
    const values = cmd.words ? this.expand(() => this.expander.words(cmd.words!)) : [...this.positional];
    this.status = 0;
    this.loopDepth++;
    try {
      for (const value of values) {
        this.setVar(cmd.name, value);
        if (this.loopBody(cmd.body) === 'break') break;
      }
    } finally {
      this.loopDepth--;
    }
  }

  private loop(cmd: Extract<Command, { t: 'loop' }>): void {
    let status = 0;
    this.loopDepth++;
    try {
      for (;;) {
        const c = this.condition(cmd.cond);
        if (cmd.until ? c === 0 : c !== 0) break;
        const r = this.loopBody(cmd.body);
        status = this.status;
        if (r === 'break') break;
      }
    } finally {
      this.loopDepth--;
    }
    this.status = status;
  }

  /** Runs a loop body; returns 'break' when the loop must end here. */
  private loopBody(body: Command): 'next' | 'break' {
    try {
      this.exec(body);
      return 'next';
    } catch (error) {
      if (!(error instanceof BreakSignal)) throw error;
      if (error.n > 1) throw new BreakSignal(error.n - 1, error.cont);
      return error.cont ? 'next' : 'break';
    }
  }

  /** Runs an expansion; an expansion error is reported and fails the command. */
  expand<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      if (error instanceof ExpansionError) {
        this.error(error.message);
        throw this.interactive ? new CommandError(2) : new ExitSignal(2);
      }
      throw error;
    }
  }

  private trace(assigns: string[], argv: string[]): void {
    if (!this.opts.x) return;
    const ps4 = this.param('PS4') ?? '+ ';
    this.out(2, ps4 + [...assigns, ...argv].join(' ') + '\n');
  }

  private simple(cmd: Extract<Command, { t: 'simple' }>): number {
    this.lineno = cmd.line;
    this.substStatus = 0;
    let argv: string[];
    try {
      argv = this.expand(() => this.expander.words(cmd.words));
    } catch (error) {
      if (error instanceof CommandError) return this.failCommand(error.status);
      throw error;
    }
    if (argv.length === 0) {
      try {
        for (const a of cmd.assigns) this.setVar(a.name, this.expand(() => this.expander.string(a.value)));
        this.trace(cmd.assigns.map((a) => `${a.name}=${this.vars.get(a.name)?.value ?? ''}`), []);
        this.withRedirs(cmd.redirs, () => undefined);
      } catch (error) {
        if (error instanceof CommandError) return this.failCommand(error.status);
        throw error;
      }
      return this.substStatus;
    }
    const name = argv[0]!;
    let assigns: [string, string][];
    try {
      assigns = cmd.assigns.map((a) => [a.name, this.expand(() => this.expander.string(a.value))]);
    } catch (error) {
      if (error instanceof CommandError) return this.failCommand(error.status);
      throw error;
    }
    this.trace(assigns.map(([n, v]) => `${n}=${v}`), argv);
    if (name === 'exec' && argv.length === 1) {
      try {
        this.redirectPermanently(cmd.redirs);
      } catch (error) {
        if (error instanceof CommandError) return this.failCommand(error.status);
        throw error;
      }
      return 0;
    }
    const builtin = this.builtins[name];
    if (builtin && this.special.has(name)) {
      for (const [n, v] of assigns) this.setVar(n, v);
      return this.inProcess(cmd.redirs, () => builtin(this, argv.slice(1)), name);
    }
    const func = this.funcs.get(name);
    if (func) return this.withTempVars(assigns, () => this.inProcess(cmd.redirs, () => this.callFunction(func, argv.slice(1)), name));
    if (builtin) return this.withTempVars(assigns, () => this.inProcess(cmd.redirs, () => builtin(this, argv.slice(1)), name));
    const fds = this.identityFds();
    const drain = this.startDrain();
    let pid: number;
    try {
      if (drain) fds.set(1, drain[1]);
      pid = this.startExternal(argv, assigns, cmd.redirs, fds);
    } finally {
      if (drain) close(drain[1]);
    }
    if (drain) this.finishDrain(drain);
    return pid < 0 ? -pid : this.waitFor(pid);
  }

  private failCommand(status: number): number {
    if (!this.interactive && this.opts.e && this.suppressErrexit === 0) throw new ExitSignal(status);
    return status;
  }

  private inProcess(redirs: Redir[], fn: () => number, name: string): number {
    try {
      return this.withRedirs(redirs, fn);
    } catch (error) {
      if (error instanceof CommandError) {
        if (this.special.has(name) && !this.interactive) throw new ExitSignal(error.status);
        return error.status;
      }
      throw error;
    }
  }

  private withTempVars<T>(assigns: [string, string][], fn: () => T): T {
    if (assigns.length === 0) return fn();
    const saved = assigns.map(([n]) => [n, this.vars.get(n)] as const);
    for (const [n, v] of assigns) {
      const old = this.vars.get(n);
      this.vars.set(n, { value: v, exported: true, readonly: old?.readonly ?? false });
    }
    this.envCache = null;
    try {
      return fn();
    } finally {
      for (const [n, old] of saved) {
        if (old) this.vars.set(n, old);
        else this.vars.delete(n);
      }
      this.envCache = null;
    }
  }

  callFunction(body: Command, args: string[]): number {
    const savedPositional = this.positional;
    this.positional = args;
    this.funcDepth++;
    this.locals.push(new Map());
    const savedLoop = this.loopDepth;
    this.loopDepth = 0;
    try {
      this.exec(body);
      return this.status;
    } catch (error) {
      if (error instanceof ReturnSignal) return error.status;
      throw error;
    } finally {
      this.loopDepth = savedLoop;
      for (const [name, v] of this.locals.pop()!) {
        if (v) this.vars.set(name, v);
        else this.vars.delete(name);
      }
      this.envCache = null;
      this.funcDepth--;
      this.positional = savedPositional;
    }
  }

  /** Gives back input that `read` took ahead: called before any spawn or fd change. */
  syncInput(): void {
    const input = this.input;
    if (input.pos < input.buffer.length) {
      try {
        lseek(0, input.pos - input.buffer.length, SEEK_CUR);
      } catch {
        // fd 0 is gone
      }
    }
    input.buffer = new Uint8Array(0);
    input.pos = 0;
    input.seekable = null;
  }

  // ---- external commands

  lookup(name: string): string | null {
    if (name.includes('/')) return name;
    for (const dir of (this.param('PATH') ?? '/bin').split(':')) {
      const candidate = `${dir || '.'}/${name}`;
      try {
        const st = stat(candidate);
        if (isRegular(st) && st.mode & 0o111) return candidate;
      } catch {
        // not there
      }
    }
    return null;
  }

  identityFds(): Map<number, number> {
    return new Map([...this.openFds].map((fd) => [fd, fd]));
  }

  /** Spawns an external command; returns its pid, or -status if it could not start. */
  startExternal(argv: string[], assigns: [string, string][], redirs: Redir[], fds: Map<number, number>): number {
    const path = this.lookup(argv[0]!);
    if (!path) {
      this.error(`${argv[0]}: not found`);
      return -127;
    }
    const temps: number[] = [];
    this.syncInput();
    try {
      this.redirectMap(redirs, fds, temps);
      const env = assigns.length ? { ...this.env(), ...Object.fromEntries(assigns) } : this.env();
      return this.spawnProcess(path, argv, env, fds);
    } catch (error) {
      if (error instanceof CommandError) return -error.status;
      if (!(error instanceof SysError)) throw error;
      if (error.errno === Errno.ENOENT) {
        this.error(`${argv[0]}: not found`);
        return -127;
      }
      if (error.errno === Errno.EACCES || error.errno === Errno.ENOEXEC) {
        let what = error.errno === Errno.ENOEXEC ? 'Exec format error' : 'Permission denied';
        try {
          if (isDirectory(stat(path))) what = 'Is a directory';
        } catch {
          // keep the message
        }
        this.error(`${argv[0]}: ${what}`);
        return -126;
      }
      this.error(`${argv[0]}: ${error.message}`);
      return -126;
    } finally {
      for (const fd of temps) close(fd);
    }
  }

  waitFor(pid: number): number {
    for (;;) {
      try {
        const stopped = this.jobs.wait(pid);
        if (stopped !== null) return stopped;
        const { status } = waitpid(pid);
        return shellStatus(status);
      } catch (error) {
        if (error instanceof SysError && error.errno === Errno.EINTR) {
          this.runPendingTraps();
          continue;
        }
        if (error instanceof SysError && error.errno === Errno.ECHILD) return 127;
        throw error;
      }
    }
  }

  // ---- redirections

  private redirFd(r: Redir): number {
    return r.fd ?? (r.op === '<' || r.op === '<&' || r.op === '<<' || r.op === '<<-' || r.op === '<>' ? 0 : 1);
  }

  /** Opens what a redirection names; returns a new fd (the caller closes it) or a number to dup, or null to close. */
  private redirSource(r: Redir): { fd: number; temp: boolean } | null {
    if (r.heredoc) {
      const text = r.heredoc.quoted ? (r.heredoc.body[0] as { s: string }).s : this.expand(() => this.expander.heredoc(r.heredoc!.body));
      return { fd: this.heredocFd(text), temp: true };
    }
    const target = this.expand(() => this.expander.string(r.target));
    if (r.op === '<&' || r.op === '>&') {
      if (target === '-') return null;
      if (!/^\d+$/.test(target)) {
        this.error(`${target}: bad file descriptor`);
        throw new CommandError(2);
      }
      return { fd: Number(target), temp: false };
    }
    let flags: number;
    switch (r.op) {
      case '<': flags = O_RDONLY; break;
      case '>>': flags = O_WRONLY | O_CREAT | O_APPEND; break;
      case '<>': flags = O_RDWR | O_CREAT; break;
      default: flags = O_WRONLY | O_CREAT | O_TRUNC;
    }
    if (r.op === '>' && this.opts.C && exists(target)) {
      this.error(`cannot create ${target}: File exists`);
      throw new CommandError(2);
    }
    try {
      return { fd: open(target === '/dev/null' ? NULL_DEVICE : target, flags | O_CLOEXEC, 0o644), temp: true };
    } catch (error) {
      if (!(error instanceof SysError)) throw error;
      const verb = r.op === '<' ? 'open' : 'create';
      this.error(`cannot ${verb} ${target}: ${describeErrno(error.errno)}`);
      throw new CommandError(2);
    }
  }

  private heredocFd(text: string): number {
    const bytes = encoder.encode(text);
    if (bytes.length < 512 * 1024) {
      const [r, w] = pipe(O_CLOEXEC);
      try {
        if (bytes.length) write(w, bytes);
      } finally {
        close(w);
      }
      return r;
    }
    const path = `/tmp/.sh-heredoc-${getpid()}-${this.nextHigh}`;
    const fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600);
    write(fd, bytes);
    close(fd);
    const readFd = open(path, O_RDONLY | O_CLOEXEC);
    try {
      unlink(path);
    } catch {
      // left behind in /tmp
    }
    return readFd;
  }

  /** Applies redirections to an fd map for a child (files opened here are added to `temps`). */
  redirectMap(redirs: Redir[], fds: Map<number, number>, temps: number[]): void {
    for (const r of redirs) {
      const fd = this.redirFd(r);
      const source = this.redirSource(r);
      if (source === null) {
        fds.delete(fd);
        continue;
      }
      if (source.temp) {
        temps.push(source.fd);
        fds.set(fd, source.fd);
      } else {
        const from = fds.get(source.fd);
        if (from === undefined) {
          this.error(`${source.fd}: Bad file descriptor`);
          throw new CommandError(2);
        }
        fds.set(fd, from);
      }
    }
  }

  allocHigh(): number {
    return this.freeHigh.pop() ?? this.nextHigh++;
  }

  releaseHigh(fd: number): void {
    this.freeHigh.push(fd);
  }

  /** Moves fd `fd` aside; returns where it went (null if it was not open). */
  saveFd(fd: number): number | null {
    this.syncInput();
    if (fd === 1 && this.capture) this.capture.stack.push(this.capture.direct);
    if (!this.openFds.has(fd)) return null;
    const high = this.allocHigh();
    dup2(fd, high);
    fcntl(high, F_SETFD, FD_CLOEXEC);
    return high;
  }

  restoreFd(fd: number, saved: number | null): void {
    this.syncInput();
    if (fd === 1 && this.capture) this.capture.direct = this.capture.stack.pop() ?? this.capture.direct;
    if (saved === null) {
      if (this.openFds.has(fd)) {
        try {
          close(fd);
        } catch {
          // already closed
        }
        this.openFds.delete(fd);
      }
      return;
    }
    dup2(saved, fd);
    close(saved);
    this.releaseHigh(saved);
    this.openFds.add(fd);
  }

  /** Points `fd` at `source` (closing `source` if it was a temporary), or closes `fd`. */
  private install(fd: number, source: { fd: number; temp: boolean } | null): void {
    this.syncInput();
    if (fd === 1 && this.capture) this.capture.direct = false;
    if (source === null) {
      if (this.openFds.has(fd)) close(fd);
      this.openFds.delete(fd);
      return;
    }
    if (!source.temp && !this.openFds.has(source.fd) && source.fd < 10) {
      this.error(`${source.fd}: Bad file descriptor`);
      throw new CommandError(2);
    }
    if (source.fd !== fd) {
      dup2(source.fd, fd);
      if (source.temp) close(source.fd);
    }
    this.openFds.add(fd);
  }

  /** Applies redirections to this process for the duration of `fn`. */
  withRedirs<T>(redirs: Redir[], fn: () => T): T {
    if (redirs.length === 0) return fn();
    const saved: [number, number | null][] = [];
    try {
      for (const r of redirs) {
        const fd = this.redirFd(r);
        const source = this.redirSource(r);
        if (!saved.some(([f]) => f === fd)) saved.push([fd, this.saveFd(fd)]);
        this.install(fd, source);
      }
      return fn();
    } finally {
      for (let k = saved.length - 1; k >= 0; k--) this.restoreFd(saved[k]![0], saved[k]![1]);
    }
  }

  /** `exec` without a command: redirections that stay. */
  redirectPermanently(redirs: Redir[]): void {
    for (const r of redirs) this.install(this.redirFd(r), this.redirSource(r));
  }

  // ---- subshells

  snapshot(): () => void {
    const vars = new Map([...this.vars].map(([k, v]) => [k, { ...v }]));
    const funcs = new Map(this.funcs);
    const aliases = new Map(this.aliases);
    const positional = this.positional;
    const opts = { ...this.opts };
    const traps = new Map(this.traps);
    const cwd = getcwd();
    const { lastBg, loopDepth, funcDepth, suppressErrexit } = this;
    const bg = [...this.bgPids];
    const locals = this.locals;
    return () => {
      this.vars = vars;
      this.funcs = funcs;
      this.aliases = aliases;
      this.positional = positional;
      this.opts = opts;
      this.traps = traps;
      this.lastBg = lastBg;
      this.bgPids = bg;
      this.loopDepth = loopDepth;
      this.funcDepth = funcDepth;
      this.suppressErrexit = suppressErrexit;
      this.locals = locals;
      this.envCache = null;
      if (getcwd() !== cwd) {
        try {
          chdir(cwd);
        } catch {
          // the directory went away
        }
      }
    };
  }

  /** Runs `fn` as a subshell in this process: state changes are undone, `exit` ends only it. */
  subshell(fn: () => void): number {
    const restore = this.snapshot();
    const traps = this.traps;
    this.traps = new Map([...traps].filter(([, action]) => action === ''));
    this.loopDepth = 0;
    this.funcDepth = 0;
    this.locals = [];
    let status: number;
    try {
      fn();
      status = this.status;
    } catch (error) {
      if (error instanceof ExitSignal) status = error.status;
      else if (error instanceof CommandError) status = error.status;
      else if (error instanceof BreakSignal) status = this.status;
      else if (error instanceof ReturnSignal) status = error.status;
      else throw error;
    }
    try {
      this.status = status;
      this.runExitTrap();
      status = this.status;
    } finally {
      restore();
    }
    this.status = status;
    return status;
  }

  /** The state a `/bin/sh --subshell` child needs to run `cmd`. */
  subshellState(cmd: Command): SubshellState {
    return {
      vars: [...this.vars].map(([k, v]) => [k, v.value, v.exported, v.readonly]),
      funcs: [...this.funcs],
      aliases: [...this.aliases],
      positional: this.positional,
      argv0: this.argv0,
      opts: this.opts,
      shellPid: this.shellPid,
      lastBg: this.lastBg,
      status: this.status,
      cmd,
    };
  }

  loadState(state: SubshellState): void {
    this.vars = new Map(state.vars.map(([k, value, exported, readonly]) => [k, { value, exported, readonly }]));
    this.funcs = new Map(state.funcs);
    this.aliases = new Map(state.aliases);
    this.positional = state.positional;
    this.argv0 = state.argv0;
    this.opts = state.opts;
    this.shellPid = state.shellPid;
    this.lastBg = state.lastBg;
    this.status = state.status;
    this.envCache = null;
  }

  /** Starts `cmd` in a new shell process with the given fds; returns its pid. */
  spawnSubshell(cmd: Command, fds: Map<number, number>): number {
    const sh = this.lookup('sh') ?? '/bin/sh';
    this.syncInput();
    const state = JSON.stringify(this.subshellState(cmd));
    if (state.length < 96 * 1024) return this.spawnProcess(sh, ['sh', '--subshell', state], this.env(), fds);
    // Too big for a spawn request: hand it over in a file the child reads and removes.
    const path = `/tmp/.sh-state-${getpid()}-${this.nextHigh++}`;
    const fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600);
    try {
      write(fd, state);
    } finally {
      close(fd);
    }
    return this.spawnProcess(sh, ['sh', '--subshell-file', path], this.env(), fds);
  }

  /** True when `cmd` is a simple command that will run a program from PATH (not a builtin or function). */
  private isExternal(cmd: Command): boolean {
    if (cmd.t !== 'simple' || cmd.words.length === 0) return false;
    const name = plainText(cmd.words[0]!);
    if (name === null || name === '' || /[*?[~]/.test(name)) return false;
    return !this.builtins[name] && !this.funcs.has(name) && !this.aliases.has(name);
  }

  private background(cmd: Command): void {
    const fds = this.identityFds();
    if (!this.interactive) {
      try {
        const nul = open(NULL_DEVICE, O_RDONLY | O_CLOEXEC);
        fds.set(0, nul);
        try {
          this.startBackground(cmd, fds);
        } finally {
          close(nul);
        }
        return;
      } catch (error) {
        if (!(error instanceof SysError)) throw error;
      }
    }
    this.startBackground(cmd, fds);
  }

  private startBackground(cmd: Command, fds: Map<number, number>): void {
    this.bgSpawn = true;
    try {
      this.startBackgroundJob(cmd, fds);
    } finally {
      this.bgSpawn = false;
    }
  }

  private startBackgroundJob(cmd: Command, fds: Map<number, number>): void {
    let pid: number;
    if (this.isExternal(cmd)) {
      const c = cmd as Extract<Command, { t: 'simple' }>;
      let argv: string[];
      let assigns: [string, string][];
      try {
        argv = this.expand(() => this.expander.words(c.words));
        assigns = c.assigns.map((a) => [a.name, this.expand(() => this.expander.string(a.value))]);
      } catch (error) {
        if (error instanceof CommandError) {
          this.status = error.status;
          return;
        }
        throw error;
      }
      pid = this.startExternal(argv, assigns, c.redirs, fds);
      if (pid < 0) {
        this.status = 0;
        return;
      }
    } else pid = this.spawnSubshell(cmd, fds);
    this.jobs.background(pid, this.jobs.text.replace(/\s*&?\s*$/, ''));
    this.lastBg = pid;
    this.bgPids.push(pid);
    this.status = 0;
  }

  private pipeline(cmd: Extract<Command, { t: 'pipeline' }>): void {
    const n = cmd.cmds.length;
    if (n === 1) {
      this.suppressErrexit += cmd.neg ? 1 : 0;
      try {
        this.exec(cmd.cmds[0]!);
      } finally {
        this.suppressErrexit -= cmd.neg ? 1 : 0;
      }
      if (cmd.neg) this.status = this.status === 0 ? 1 : 0;
      return;
    }
    const external = cmd.cmds.map((c) => this.isExternal(c));
    let inProc = -1;
    for (let k = n - 1; k >= 0; k--) {
      if (!external[k]) {
        inProc = k;
        break;
      }
    }
    const pipes: [number, number][] = [];
    for (let k = 0; k < n - 1; k++) pipes.push(pipe(O_CLOEXEC));
    const pids: (number | null)[] = new Array(n).fill(null);
    const statuses: number[] = new Array(n).fill(0);
    const drain = inProc !== n - 1 ? this.startDrain() : null;
    try {
      for (let k = 0; k < n; k++) {
        if (k === inProc) continue;
        const fds = this.identityFds();
        if (k > 0) fds.set(0, pipes[k - 1]![0]);
        if (k < n - 1) fds.set(1, pipes[k]![1]);
        else if (drain) fds.set(1, drain[1]);
        const stage = cmd.cmds[k]!;
        if (external[k]) {
          const c = stage as Extract<Command, { t: 'simple' }>;
          try {
            const argv = this.expand(() => this.expander.words(c.words));
            const assigns: [string, string][] = c.assigns.map((a) => [a.name, this.expand(() => this.expander.string(a.value))]);
            this.trace(assigns.map(([nm, v]) => `${nm}=${v}`), argv);
            const pid = this.startExternal(argv, assigns, c.redirs, fds);
            if (pid < 0) statuses[k] = -pid;
            else pids[k] = pid;
          } catch (error) {
            if (error instanceof CommandError) statuses[k] = error.status;
            else throw error;
          }
        } else pids[k] = this.spawnSubshell(stage, fds);
      }
    } finally {
      pipes.forEach(([r, w], k) => {
        if (k + 1 !== inProc) close(r);
        if (k !== inProc) close(w);
      });
      if (drain) close(drain[1]);
    }
    if (inProc >= 0) {
      const input = inProc > 0 ? pipes[inProc - 1]![0] : null;
      const output = inProc < n - 1 ? pipes[inProc]![1] : null;
      const saved0 = input !== null ? this.saveFd(0) : null;
      const saved1 = output !== null ? this.saveFd(1) : null;
      try {
        if (input !== null) this.install(0, { fd: input, temp: true });
        if (output !== null) this.install(1, { fd: output, temp: true });
        statuses[inProc] = this.subshell(() => this.exec(cmd.cmds[inProc]!));
      } finally {
        if (output !== null) this.restoreFd(1, saved1);
        if (input !== null) this.restoreFd(0, saved0);
      }
    }
    if (drain) this.finishDrain(drain);
    pids.forEach((pid, k) => {
      if (pid !== null) statuses[k] = this.waitFor(pid);
    });
    this.status = statuses[n - 1]!;
    if (cmd.neg) this.status = this.status === 0 ? 1 : 0;
    else this.checkErrexit();
  }

  // ---- command substitution

  commandSubst(body: Command | null): string {
    const saved = this.status;
    try {
      return this.substitute(body);
    } finally {
      this.substStatus = this.status;
      this.status = saved;
    }
  }

  private substitute(body: Command | null): string {
    if (!body) {
      this.status = 0;
      return '';
    }
    const simpleExternal = this.isExternal(body);
    const allExternal = simpleExternal || (body.t === 'pipeline' && !body.neg && body.cmds.every((c) => this.isExternal(c)));
    const [r, w] = pipe(O_CLOEXEC);
    let text = '';
    if (allExternal) {
      let wClosed = false;
      try {
        const fds = this.identityFds();
        fds.set(1, w);
        const stages = body.t === 'pipeline' ? body.cmds : [body];
        const pids: (number | null)[] = [];
        const statuses: number[] = [];
        const pipes: [number, number][] = [];
        for (let k = 0; k < stages.length - 1; k++) pipes.push(pipe(O_CLOEXEC));
        try {
          stages.forEach((stage, k) => {
            const c = stage as Extract<Command, { t: 'simple' }>;
            const f = new Map(fds);
            if (k > 0) f.set(0, pipes[k - 1]![0]);
            if (k < stages.length - 1) f.set(1, pipes[k]![1]);
            try {
              const argv = this.expand(() => this.expander.words(c.words));
              const assigns: [string, string][] = c.assigns.map((a) => [a.name, this.expand(() => this.expander.string(a.value))]);
              this.trace(assigns.map(([nm, v]) => `${nm}=${v}`), argv);
              const pid = this.startExternal(argv, assigns, c.redirs, f);
              pids.push(pid < 0 ? null : pid);
              statuses.push(pid < 0 ? -pid : 0);
            } catch (error) {
              if (!(error instanceof CommandError)) throw error;
              pids.push(null);
              statuses.push(error.status);
            }
          });
        } finally {
          for (const [pr, pw] of pipes) {
            close(pr);
            close(pw);
          }
          close(w);
          wClosed = true;
        }
        text = this.readToEnd(r);
        pids.forEach((pid, k) => {
          if (pid !== null) statuses[k] = this.waitFor(pid);
        });
        this.status = statuses[statuses.length - 1]!;
      } finally {
        if (!wClosed) close(w);
        close(r);
      }
    } else {
      // The body runs here. What the shell itself writes to fd 1 is kept in memory, programs get
      // a pipe of their own that is read to its end before they are waited for, and anything else
      // (a dup of fd 1, a background job) lands in this pipe, read as the body goes and at its end.
      fcntl(r, F_SETFL, O_NONBLOCK);
      const frame: Capture = { chunks: [], direct: true, stack: [], pipe: r, decoder: new TextDecoder() };
      const outer = this.capture;
      const saved = this.saveFd(1);
      try {
        this.install(1, { fd: w, temp: true });
        this.capture = frame;
        this.status = this.subshell(() => this.exec(body));
      } finally {
        this.capture = outer;
        this.restoreFd(1, saved);
      }
      try {
        this.drainCapture(frame);
        fcntl(r, F_SETFL, 0);
        frame.chunks.push(this.readToEnd(r));
      } finally {
        close(r);
      }
      text = frame.chunks.join('');
    }
    return text;
  }

  /** Moves what is waiting in the capture pipe into the capture (keeps output in order). */
  drainCapture(frame = this.capture): void {
    if (!frame) return;
    for (;;) {
      let chunk: Uint8Array;
      try {
        chunk = read(frame.pipe, 64 * 1024);
      } catch (error) {
        if (error instanceof SysError && (error.errno === Errno.EAGAIN || error.errno === Errno.EINTR)) return;
        throw error;
      }
      if (chunk.length === 0) return;
      frame.chunks.push(frame.decoder.decode(chunk, { stream: true }));
    }
  }

  /**
   * Inside a command substitution whose fd 1 is still the capture: a pipe for a program's output
   * that the caller reads to its end (`finishDrain`) before waiting for the program.
   */
  startDrain(): [number, number] | null {
    if (!this.capture?.direct) return null;
    this.drainCapture();
    return pipe(O_CLOEXEC);
  }

  finishDrain(drain: [number, number]): void {
    try {
      this.capture?.chunks.push(this.readToEnd(drain[0]));
    } finally {
      close(drain[0]);
    }
  }

  private readToEnd(fd: number): string {
    const parts: Uint8Array[] = [];
    for (;;) {
      let chunk: Uint8Array;
      try {
        chunk = read(fd, 64 * 1024);
      } catch (error) {
        if (error instanceof SysError && error.errno === Errno.EINTR) continue;
        throw error;
      }
      if (chunk.length === 0) break;
      parts.push(chunk);
    }
    return decoder.decode(concatBytes(parts));
  }

  // ---- interactive signals

  catchInterrupts(): void {
    signal(SIGINT, () => undefined);
  }
}

export const SIG_NAMES: Record<number, string> = {
  1: 'HUP', 2: 'INT', 3: 'QUIT', 10: 'USR1', 12: 'USR2', 13: 'PIPE', 14: 'ALRM', 15: 'TERM', 17: 'CHLD', 18: 'CONT', 20: 'TSTP',
};

export function describeErrno(errno: number): string {
  switch (errno) {
    case Errno.ENOENT: return 'No such file or directory';
    case Errno.EACCES: return 'Permission denied';
    case Errno.EISDIR: return 'Is a directory';
    case Errno.ENOTDIR: return 'Not a directory';
    case Errno.EEXIST: return 'File exists';
    case Errno.EROFS: return 'Read-only file system';
    default: return `error ${errno}`;
  }
}
