/**
 * The shell's builtins: the POSIX special builtins (`:` break continue . eval exec exit export
 * readonly return set shift times trap unset) and the regular ones cheap enough to keep in the
 * shell (true false echo printf test [ cd pwd read wait alias unalias type command local getopts
 * hash umask kill jobs fg bg). echo follows dash (escapes always interpreted, only `-n`); printf and test
 * reuse the coreutils' code. Each takes the arguments after its name and returns a status.
 */
import {
  Errno, SysError, strerror, chdir, getcwd, fstat, isRegular, read, readTextFile, stdout, signalNumber, exists, isDirectory, stat, waitpid,
  shellStatus, kill as killProcess,
} from '../../libc/index.ts';
import { main as printfMain } from '../bin/printf.ts';
import { main as testMain } from '../bin/test.ts';
import {
  BreakSignal, CommandError, ExitSignal, ReturnSignal, SIG_NAMES, type Builtin, type Shell,
} from './shell_exec.ts';

const quote = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;

function echo(sh: Shell, args: string[]): number {
  let newline = true;
  if (args[0] === '-n') {
    newline = false;
    args = args.slice(1);
  }
  let out = '';
  let stop = false;
  for (let k = 0; k < args.length && !stop; k++) {
    if (k > 0) out += ' ';
    const a = args[k]!;
    for (let i = 0; i < a.length; i++) {
      const c = a[i]!;
      if (c !== '\\' || i + 1 >= a.length) {
        out += c;
        continue;
      }
      const n = a[++i]!;
      switch (n) {
        case 'a': out += '\x07'; break;
        case 'b': out += '\b'; break;
        case 'c': stop = true; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'v': out += '\v'; break;
        case '\\': out += '\\'; break;
        case '0': {
          const m = /^[0-7]{0,3}/.exec(a.slice(i + 1))![0];
          out += String.fromCharCode(parseInt(m || '0', 8) & 0xff);
          i += m.length;
          break;
        }
        default: out += '\\' + n;
      }
      if (stop) break;
    }
  }
  if (newline && !stop) out += '\n';
  sh.out(1, latin1OrUtf8(out));
  return 0;
}

/** Text whose \0NNN escapes produced raw bytes: code points below 256 from escapes stay single bytes. */
function latin1OrUtf8(text: string): string | Uint8Array {
  if (!/[\x80-\xff]/.test(text)) return text;
  return new TextEncoder().encode(text);
}

function runCoreutil(sh: Shell, main: (args: string[]) => number, argv: string[]): number {
  let status: number;
  try {
    status = main(argv);
  } finally {
    try {
      stdout.flush();
    } catch (error) {
      if (error instanceof SysError && error.errno === Errno.EPIPE) throw new ExitSignal(141);
      if (!(error instanceof SysError)) throw error;
      // The output is lost (stdio dropped it), and so is this command: not the shell.
      sh.error(`${argv[0]}: write error: ${strerror(error.errno)}`);
      status = 1;
    }
  }
  sh.drainCapture();
  return status;
}

function readLine(sh: Shell, raw: boolean): { line: string; eof: boolean } {
  const bytes: number[] = [];
  const input = sh.input;
  if (input.seekable === null) {
    try {
      input.seekable = isRegular(fstat(0));
    } catch {
      input.seekable = false;
    }
  }
  for (;;) {
    if (input.pos >= input.buffer.length) {
      let chunk: Uint8Array;
      try {
        chunk = read(0, input.seekable ? 16 * 1024 : 1);
      } catch (error) {
        if (error instanceof SysError && error.errno === Errno.EINTR) {
          sh.runPendingTraps();
          continue;
        }
        if (error instanceof SysError && error.errno === Errno.EBADF) return { line: decode(bytes), eof: true };
        throw error;
      }
      if (chunk.length === 0) return { line: decode(bytes), eof: true };
      input.buffer = input.seekable ? chunk : new Uint8Array(0);
      input.pos = 0;
      if (!input.seekable) {
        if (lineByte(chunk[0]!, bytes, raw)) return { line: decode(bytes), eof: false };
        continue;
      }
    }
    while (input.pos < input.buffer.length) {
      if (lineByte(input.buffer[input.pos++]!, bytes, raw)) return { line: decode(bytes), eof: false };
    }
  }
}

const decode = (bytes: number[]): string => new TextDecoder().decode(Uint8Array.from(bytes));

/** Adds one input byte to a line; true when the line is complete. */
function lineByte(b: number, bytes: number[], raw: boolean): boolean {
  if (b !== 0x0a) {
    bytes.push(b);
    return false;
  }
  if (!raw && bytes.length > 0 && bytes[bytes.length - 1] === 0x5c && !escaped(bytes)) {
    bytes.pop();
    return false;
  }
  return true;
}

/** True when the backslash ending `bytes` is itself escaped. */
function escaped(bytes: number[]): boolean {
  let n = 0;
  for (let k = bytes.length - 1; k >= 0 && bytes[k] === 0x5c; k--) n++;
  return n % 2 === 0;
}

function readBuiltin(sh: Shell, args: string[]): number {
  let raw = false;
  while (args[0]?.startsWith('-') && args[0] !== '-' && args[0] !== '--') {
    const opt = args.shift()!;
    if (opt === '-r') raw = true;
    else if (opt === '-p') {
      const prompt = args.shift() ?? '';
      sh.out(2, prompt);
    } else {
      sh.error(`read: ${opt}: invalid option`);
      return 2;
    }
  }
  if (args[0] === '--') args.shift();
  const names = args.length ? args : ['REPLY'];
  const { line, eof } = readLine(sh, raw);
  let text = line;
  if (!raw) text = text.replace(/\\(.)/g, '$1');
  const ifs = sh.param('IFS') ?? ' \t\n';
  const ws = [...ifs].filter((c) => ' \t\n'.includes(c)).join('');
  const isWs = (c: string): boolean => ws.includes(c);
  const isDelim = (c: string): boolean => ifs.includes(c);
  let i = 0;
  const skipWs = (): void => {
    while (i < text.length && isWs(text[i]!)) i++;
  };
  skipWs();
  names.forEach((name, k) => {
    if (k === names.length - 1) {
      let rest = text.slice(i);
      let end = rest.length;
      while (end > 0 && isWs(rest[end - 1]!)) end--;
      rest = rest.slice(0, end);
      if (rest.length === 1 && isDelim(rest) && !isWs(rest)) rest = '';
      sh.setVar(name, rest);
      return;
    }
    let field = '';
    while (i < text.length && !isDelim(text[i]!)) field += text[i++];
    if (i < text.length) {
      const wasWs = isWs(text[i]!);
      i++;
      skipWs();
      if (wasWs && i < text.length && isDelim(text[i]!) && !isWs(text[i]!)) {
        i++;
        skipWs();
      }
    }
    sh.setVar(name, field);
  });
  return eof && line === '' ? 1 : eof ? 1 : 0;
}

function cd(sh: Shell, args: string[]): number {
  if (args[0] === '-L' || args[0] === '-P') args = args.slice(1);
  let target: string | undefined = args[0];
  let print = false;
  if (target === undefined) {
    target = sh.param('HOME');
    if (!target) {
      sh.error('cd: HOME not set');
      return 1;
    }
  } else if (target === '-') {
    target = sh.param('OLDPWD');
    if (!target) {
      sh.error('cd: OLDPWD not set');
      return 1;
    }
    print = true;
  }
  const old = getcwd();
  try {
    if (!target.startsWith('/') && !target.startsWith('.')) {
      for (const dir of (sh.param('CDPATH') ?? '').split(':').filter(Boolean)) {
        const candidate = `${dir}/${target}`;
        if (exists(candidate) && isDirectory(stat(candidate))) {
          target = candidate;
          print = true;
          break;
        }
      }
    }
    chdir(target);
  } catch (error) {
    if (!(error instanceof SysError)) throw error;
    sh.error(`cd: can't cd to ${args[0] ?? target}`);
    return 2;
  }
  const now = getcwd();
  sh.setVar('OLDPWD', old, true);
  sh.setVar('PWD', now, true);
  if (print) sh.out(1, now + '\n');
  return 0;
}

function exportLike(sh: Shell, args: string[], kind: 'export' | 'readonly'): number {
  if (args[0] === '-p' || args.length === 0) {
    const lines = [...sh.vars].filter(([, v]) => (kind === 'export' ? v.exported : v.readonly)).sort(([a], [b]) => (a < b ? -1 : 1));
    sh.out(1, lines.map(([k, v]) => `${kind} ${k}=${quote(v.value)}\n`).join(''));
    return 0;
  }
  let status = 0;
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      sh.error(`${kind}: ${name}: bad variable name`);
      status = 2;
      continue;
    }
    if (eq >= 0) sh.setVar(name, arg.slice(eq + 1));
    const v = sh.vars.get(name);
    if (kind === 'export') {
      if (v) v.exported = true;
      else sh.vars.set(name, { value: '', exported: true, readonly: false });
      sh.markExported();
    } else if (v) v.readonly = true;
    else sh.vars.set(name, { value: '', exported: false, readonly: true });
  }
  if (status) throw new CommandError(status);
  return 0;
}

function setBuiltin(sh: Shell, args: string[]): number {
  if (args.length === 0) {
    const lines = [...sh.vars].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${quote(v.value)}\n`);
    sh.out(1, lines.join(''));
    return 0;
  }
  let k = 0;
  for (; k < args.length; k++) {
    const a = args[k]!;
    if (a === '--') {
      k++;
      sh.positional = args.slice(k);
      sh.getopts.reset = true;
      return 0;
    }
    if (a === '-' ) {
      sh.opts.x = false;
      sh.opts.v = false;
      k++;
      break;
    }
    if ((a[0] === '-' || a[0] === '+') && a.length > 1) {
      const on = a[0] === '-';
      if (a[1] === 'o') {
        const name = args[++k];
        const map: Record<string, string> = { errexit: 'e', nounset: 'u', xtrace: 'x', noglob: 'f', noexec: 'n', verbose: 'v', noclobber: 'C', allexport: 'a' };
        if (name === undefined) {
          sh.out(1, Object.entries(map).map(([long, s]) => `${long.padEnd(16)}${sh.opts[s] ? 'on' : 'off'}\n`).join(''));
          continue;
        }
        if (!map[name]) {
          if (name === 'pipefail' || name === 'monitor' || name === 'emacs' || name === 'vi') continue;
          sh.error(`set: Illegal option -o ${name}`);
          throw new CommandError(2);
        }
        sh.opts[map[name]!] = on;
        continue;
      }
      for (const c of a.slice(1)) {
        if (!(c in sh.opts) && c !== 'm' && c !== 'b' && c !== 'h') {
          sh.error(`set: Illegal option ${a[0]}${c}`);
          throw new CommandError(2);
        }
        sh.opts[c] = on;
      }
      continue;
    }
    break;
  }
  if (k < args.length) {
    sh.positional = args.slice(k);
    sh.getopts.reset = true;
  }
  return 0;
}

function trap(sh: Shell, args: string[]): number {
  if (args.length === 0) {
    sh.out(1, [...sh.traps].map(([sig, action]) => `trap -- ${quote(action)} ${sig}\n`).join(''));
    return 0;
  }
  let action: string | null = args[0]!;
  let sigs = args.slice(1);
  if (/^\d+$/.test(action) && sigs.length === 0) {
    sigs = [action];
    action = null;
  } else if (action === '-') action = null;
  let status = 0;
  for (const s of sigs) {
    const name = s === '0' || s.toUpperCase() === 'EXIT' ? 'EXIT' : (SIG_NAMES[signalNumber(s) ?? -1] ?? null);
    const num = name === 'EXIT' ? null : signalNumber(s) ?? null;
    if (name === null) {
      sh.error(`trap: ${s}: bad trap`);
      status = 1;
      continue;
    }
    sh.setTrap(name, action, num);
  }
  return status;
}

function waitBuiltin(sh: Shell, args: string[]): number {
  if (args.length === 0) {
    for (const pid of sh.bgPids) sh.waitFor(pid);
    sh.bgPids = [];
    return 0;
  }
  let status = 0;
  for (const a of args) {
    const pid = Number(a);
    if (!sh.bgPids.includes(pid)) {
      status = 127;
      continue;
    }
    status = sh.waitFor(pid);
    sh.bgPids = sh.bgPids.filter((p) => p !== pid);
  }
  return status;
}

function typeBuiltin(sh: Shell, args: string[], verboseOnly = false): number {
  let status = 0;
  for (const name of args) {
    if (sh.aliases.has(name)) sh.out(1, verboseOnly ? `alias ${name}=${quote(sh.aliases.get(name)!)}\n` : `${name} is an alias for ${sh.aliases.get(name)}\n`);
    else if (KEYWORDS.has(name)) sh.out(1, verboseOnly ? `${name}\n` : `${name} is a shell keyword\n`);
    else if (sh.funcs.has(name)) sh.out(1, verboseOnly ? `${name}\n` : `${name} is a shell function\n`);
    else if (BUILTINS[name]) sh.out(1, verboseOnly ? `${name}\n` : `${name} is a ${SPECIAL.has(name) ? 'special ' : ''}shell builtin\n`);
    else {
      const path = sh.lookup(name);
      if (path && (name.includes('/') ? exists(path) : true)) sh.out(1, verboseOnly ? `${path}\n` : `${name} is ${path}\n`);
      else {
        if (!verboseOnly) sh.out(1, `${name}: not found\n`);
        status = 127;
      }
    }
  }
  return status;
}

const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'case', 'esac', 'while', 'until', 'for', '{', '}', '!', 'in']);

function sourceFile(sh: Shell, args: string[]): number {
  const file = args[0];
  if (file === undefined) {
    sh.error('.: filename argument required');
    throw new CommandError(2);
  }
  let path: string | null = file;
  if (!file.includes('/')) {
    path = null;
    for (const dir of (sh.param('PATH') ?? '/bin').split(':')) {
      if (exists(`${dir || '.'}/${file}`)) {
        path = `${dir || '.'}/${file}`;
        break;
      }
    }
    if (path === null && exists(file)) path = file;
  }
  let text: string;
  try {
    if (path === null) throw new SysError(Errno.ENOENT, file);
    text = readTextFile(path);
  } catch (error) {
    if (!(error instanceof SysError)) throw error;
    sh.error(`.: cannot open ${file}: No such file`);
    throw new CommandError(2);
  }
  const savedPositional = sh.positional;
  if (args.length > 1) sh.positional = args.slice(1);
  try {
    sh.status = 0;
    sh.runText(text);
    return sh.status;
  } catch (error) {
    if (error instanceof ReturnSignal) return error.status;
    throw error;
  } finally {
    if (args.length > 1) sh.positional = savedPositional;
  }
}

function getopts(sh: Shell, args: string[]): number {
  const [spec, name, ...given] = args;
  if (spec === undefined || name === undefined) {
    sh.error('getopts: usage: getopts optstring var [arg]');
    return 2;
  }
  const list = given.length ? given : sh.positional;
  // As dash: `set --` starts getopts over whatever OPTIND says.
  let optind = sh.getopts.reset ? 1 : Number(sh.param('OPTIND') ?? '1') || 1;
  let sub = !sh.getopts.reset && sh.param('OPTIND') === sh.getopts.optind ? sh.getopts.sub : 1;
  sh.getopts.reset = false;
  const silent = spec.startsWith(':');
  const arg = list[optind - 1];
  if (arg === undefined || !arg.startsWith('-') || arg === '-' ) {
    sh.setVar(name, '?');
    return 1;
  }
  if (arg === '--') {
    sh.setVar('OPTIND', String(optind + 1));
    sh.setVar(name, '?');
    return 1;
  }
  const c = arg[sub]!;
  const at = spec.indexOf(c);
  const advance = (): void => {
    if (sub + 1 < arg.length) sub++;
    else {
      sub = 1;
      optind++;
    }
  };
  if (at < 0 || c === ':') {
    if (silent) sh.setVar('OPTARG', c);
    else sh.error(`Illegal option -${c}`);
    sh.setVar(name, '?');
    advance();
  } else if (spec[at + 1] === ':') {
    let value: string | undefined;
    if (sub + 1 < arg.length) value = arg.slice(sub + 1);
    else value = list[optind];
    if (value === undefined) {
      if (silent) {
        sh.setVar(name, ':');
        sh.setVar('OPTARG', c);
      } else {
        sh.error(`No arg for -${c} option`);
        sh.setVar(name, '?');
      }
      optind += 1;
    } else {
      sh.setVar('OPTARG', value);
      sh.setVar(name, c);
      optind += sub + 1 < arg.length ? 1 : 2;
    }
    sub = 1;
  } else {
    sh.setVar(name, c);
    sh.unsetVar('OPTARG');
    advance();
  }
  sh.setVar('OPTIND', String(optind));
  sh.getopts = { sub, optind: String(optind), reset: false };
  return 0;
}

function loopControl(sh: Shell, args: string[], cont: boolean): number {
  const n = args[0] === undefined ? 1 : Number(args[0]);
  if (!Number.isInteger(n) || n < 1) {
    sh.error(`${cont ? 'continue' : 'break'}: Illegal number: ${args[0]}`);
    throw new CommandError(2);
  }
  if (sh.loopDepth === 0) return 0;
  throw new BreakSignal(Math.min(n, sh.loopDepth), cont);
}

function exitStatusArg(sh: Shell, name: string, arg: string | undefined): number {
  if (arg === undefined) return sh.status;
  if (!/^\d+$/.test(arg)) {
    sh.error(`${name}: Illegal number: ${arg}`);
    throw new ExitSignal(2);
  }
  return Number(arg) & 0xff;
}

export const BUILTINS: Record<string, Builtin> = {
  ':': () => 0,
  true: () => 0,
  false: () => 1,
  echo,
  printf: (sh, args) => runCoreutil(sh, printfMain, ['printf', ...args]),
  test: (sh, args) => runCoreutil(sh, testMain, ['test', ...args]),
  '[': (sh, args) => runCoreutil(sh, testMain, ['[', ...args]),
  cd,
  pwd: (sh) => {
    sh.out(1, getcwd() + '\n');
    return 0;
  },
  exit: (sh, args) => {
    throw new ExitSignal(exitStatusArg(sh, 'exit', args[0]));
  },
  return: (sh, args) => {
    throw new ReturnSignal(exitStatusArg(sh, 'return', args[0]));
  },
  break: (sh, args) => loopControl(sh, args, false),
  continue: (sh, args) => loopControl(sh, args, true),
  export: (sh, args) => exportLike(sh, args, 'export'),
  readonly: (sh, args) => exportLike(sh, args, 'readonly'),
  unset: (sh, args) => {
    let funcs = false;
    if (args[0] === '-f' || args[0] === '-v') {
      funcs = args[0] === '-f';
      args = args.slice(1);
    }
    let status = 0;
    for (const name of args) {
      if (funcs) sh.funcs.delete(name);
      else if (!sh.unsetVar(name)) status = 1;
    }
    return status;
  },
  local: (sh, args) => {
    if (sh.funcDepth === 0) {
      sh.error('local: not in a function');
      return 2;
    }
    for (const arg of args) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg : arg.slice(0, eq);
      sh.makeLocal(name);
      if (eq >= 0) sh.setVar(name, arg.slice(eq + 1));
    }
    return 0;
  },
  shift: (sh, args) => {
    const n = args[0] === undefined ? 1 : Number(args[0]);
    if (!Number.isInteger(n) || n < 0 || n > sh.positional.length) {
      sh.error(`shift: can't shift that many`);
      throw new CommandError(2);
    }
    sh.positional = sh.positional.slice(n);
    return 0;
  },
  set: setBuiltin,
  eval: (sh, args) => {
    sh.status = 0;
    if (args.length === 0) return 0;
    if (!sh.runText(args.join(' '))) throw new CommandError(2);
    return sh.status;
  },
  '.': sourceFile,
  source: sourceFile,
  exec: (sh, args) => {
    if (args.length === 0) return 0;
    const pid = sh.startExternal(args, [], [], sh.identityFds());
    if (pid >= 0) sh.traps.delete('EXIT'); // the shell is "replaced": its EXIT trap does not run
    throw new ExitSignal(pid < 0 ? -pid : sh.waitFor(pid));
  },
  trap,
  wait: waitBuiltin,
  read: readBuiltin,
  alias: (sh, args) => {
    if (args.length === 0) {
      sh.out(1, [...sh.aliases].sort().map(([k, v]) => `${k}=${quote(v)}\n`).join(''));
      return 0;
    }
    let status = 0;
    for (const arg of args) {
      const eq = arg.indexOf('=');
      if (eq > 0) sh.aliases.set(arg.slice(0, eq), arg.slice(eq + 1));
      else if (sh.aliases.has(arg)) sh.out(1, `${arg}=${quote(sh.aliases.get(arg)!)}\n`);
      else {
        sh.error(`alias: ${arg} not found`);
        status = 1;
      }
    }
    return status;
  },
  unalias: (sh, args) => {
    if (args[0] === '-a') {
      sh.aliases.clear();
      return 0;
    }
    let status = 0;
    for (const a of args) {
      if (!sh.aliases.delete(a)) {
        sh.error(`unalias: ${a} not found`);
        status = 1;
      }
    }
    return status;
  },
  type: (sh, args) => typeBuiltin(sh, args),
  command: (sh, args) => {
    if (args[0] === '-v' || args[0] === '-V') return typeBuiltin(sh, args.slice(1), args[0] === '-v');
    if (args[0] === '-p') args = args.slice(1);
    if (args.length === 0) return 0;
    const builtin = BUILTINS[args[0]!];
    if (builtin) return builtin(sh, args.slice(1));
    const pid = sh.startExternal(args, [], [], sh.identityFds());
    return pid < 0 ? -pid : sh.waitFor(pid);
  },
  getopts,
  hash: () => 0,
  umask: (sh, args) => {
    if (args.length === 0) sh.out(1, '0022\n');
    return 0;
  },
  times: (sh) => {
    sh.out(1, '0m0.000s 0m0.000s\n0m0.000s 0m0.000s\n');
    return 0;
  },
  kill: (sh, args) => {
    let sig = 15;
    if (args[0] === '-s' && args[1] !== undefined) {
      const n = signalNumber(args[1]);
      if (n === undefined) {
        sh.error(`kill: invalid signal: ${args[1]}`);
        return 2;
      }
      sig = n;
      args = args.slice(2);
    } else if (args[0]?.startsWith('-') && args[0] !== '--' && args[0] !== '-l' && args[0] !== '-L') {
      const n = args[0] === '-0' ? 0 : signalNumber(args[0].slice(1));
      if (n === undefined) {
        sh.error(`kill: invalid signal: ${args[0].slice(1)}`);
        return 2;
      }
      sig = n;
      args = args.slice(1);
    }
    if (args[0] === '-l' || args[0] === '-L' || args.length === 0) {
      const pid = sh.startExternal(['kill', ...args], [], [], sh.identityFds());
      return pid < 0 ? -pid : sh.waitFor(pid);
    }
    if (args[0] === '--') args = args.slice(1);
    let status = 0;
    for (const target of args) {
      let pid: number;
      if (target.startsWith('%')) {
        const job = sh.jobs.find(target);
        if (!job) {
          sh.error(`kill: ${target}: no such job`);
          status = 1;
          continue;
        }
        pid = -job.pgid;
      } else if (/^-?\d+$/.test(target)) pid = Number(target);
      else {
        sh.error(`kill: ${target}: arguments must be process or job IDs`);
        status = 1;
        continue;
      }
      try {
        killProcess(pid, sig);
      } catch (error) {
        if (!(error instanceof SysError)) throw error;
        sh.error(`kill: (${target}): ${error.errno === Errno.ESRCH ? 'No such process' : error.message}`);
        status = 1;
      }
    }
    return status;
  },
  fg: (sh, args) => {
    const job = sh.jobs.enabled ? sh.jobs.find(args[0]) : undefined;
    if (!job) {
      sh.error(`fg: ${sh.jobs.enabled ? `${args[0] ?? 'current'}: no such job` : 'no job control'}`);
      return 2;
    }
    return sh.jobs.foregroundJob(job);
  },
  bg: (sh, args) => {
    const job = sh.jobs.enabled ? sh.jobs.find(args[0]) : undefined;
    if (!job) {
      sh.error(`bg: ${sh.jobs.enabled ? `${args[0] ?? 'current'}: no such job` : 'no job control'}`);
      return 2;
    }
    sh.jobs.backgroundJob(job);
    return 0;
  },
  jobs: (sh) => {
    if (sh.jobs.enabled) {
      sh.out(1, sh.jobs.list());
      return 0;
    }
    sh.bgPids.forEach((pid, k) => {
      try {
        const { pid: got, status } = waitpid(pid, 1);
        sh.out(1, `[${k + 1}] ${pid} ${got ? `Done(${shellStatus(status)})` : 'Running'}\n`);
      } catch {
        sh.out(1, `[${k + 1}] ${pid} Done\n`);
      }
    });
    return 0;
  },
};

export const SPECIAL = new Set([':', 'break', 'continue', '.', 'source', 'eval', 'exec', 'exit', 'export', 'readonly', 'return', 'set', 'shift', 'times', 'trap', 'unset']);
