/**
 * The coreutils' shared argument parser and error conventions.
 *
 * A program describes itself once (a `Spec`): usage, a one-line description and its options, each
 * written as it appears in help (`'-n, --lines NUM'`: short and/or long names, then an uppercase
 * placeholder when the option takes a value). `parseArgs` then handles what every utility must:
 * bundled flags (`-la`), attached and separate values (`-n5`, `-n 5`, `--lines=5`), `--` ending
 * the options, a lone `-` as an operand, unique prefixes of long names (`--rec`), `--help`
 * (prints usage and description, status 0) and unknown options (message on stderr, status 2).
 * It returns the parsed options or the status the program should return at once.
 *
 * `fail`/`reason` format errors as `NAME: PATH: reason`, the reason taken from the errno, so that
 * messages read as GNU's do. Anything that is not a SysError is a bug and is rethrown.
 */
import { SysError, strerror, stdout, eprint } from '../../libc/index.ts';

export interface Spec {
  /** The program name used in messages (args[0] is a path and may differ). */
  name: string;
  /** What follows the name on the usage line, e.g. `'[OPTION]... [FILE]...'`. */
  usage: string;
  about: string;
  /** [help key, description]: help key like `'-n, --lines NUM'`, `'-l'` or `'--all'`. */
  options?: [string, string][];
  /** Options end at the first operand (env, nice, printf). */
  stopAtOperand?: boolean;
  /** Words like `-5` or `-1.5` are operands, not options (seq, printf). */
  numbersAreOperands?: boolean;
}

interface OptionDef {
  key: string;
  takesValue: boolean;
}

export class Options {
  readonly operands: string[] = [];
  private readonly seen = new Map<string, string[]>();

  /** Records an occurrence; `key` is the short letter, or the long name for long-only options. */
  add(key: string, value = ''): void {
    const list = this.seen.get(key) ?? [];
    list.push(value);
    this.seen.set(key, list);
  }
  has(key: string): boolean {
    return this.seen.has(key);
  }
  /** The last value given for `key`, or `fallback`. */
  get(key: string, fallback?: string): string | undefined {
    return this.seen.get(key)?.at(-1) ?? fallback;
  }
  all(key: string): string[] {
    return this.seen.get(key) ?? [];
  }
  count(key: string): number {
    return this.seen.get(key)?.length ?? 0;
  }
}

function definitions(spec: Spec): { short: Map<string, OptionDef>; long: Map<string, OptionDef> } {
  const short = new Map<string, OptionDef>();
  const long = new Map<string, OptionDef>();
  for (const [help] of spec.options ?? []) {
    const words = help.split(/[,\s]+/).filter(Boolean);
    const takesValue = words.some((w) => /^[A-Z][A-Z_]*$/.test(w));
    const shortName = words.find((w) => /^-[^-]$/.test(w))?.slice(1);
    const longName = words.find((w) => w.startsWith('--'))?.slice(2);
    const def = { key: shortName ?? longName!, takesValue };
    if (shortName) short.set(shortName, def);
    if (longName) long.set(longName, def);
  }
  return { short, long };
}

export function usageText(spec: Spec): string {
  const lines = [`usage: ${spec.name} ${spec.usage}`.trimEnd(), spec.about];
  const options = spec.options ?? [];
  if (options.length) {
    const width = Math.max(...options.map(([key]) => key.length));
    lines.push('', 'options:', ...options.map(([key, text]) => `  ${key.padEnd(width)}  ${text}`));
  }
  return lines.join('\n') + '\n';
}

/** Reports a usage error the GNU way and gives the status (2) to return. */
export function usageError(spec: Spec, message: string): number {
  eprint(`${spec.name}: ${message}`);
  eprint(`Try '${spec.name} --help' for more information.`);
  return 2;
}

/** Parses `args` (args[0] is the program) by `spec`: the options, or a status to return now. */
export function parseArgs(args: string[], spec: Spec): Options | number {
  const { short, long } = definitions(spec);
  const out = new Options();
  let i = 1;
  for (; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      i++;
      break;
    }
    if (arg === '--help') {
      stdout.write(usageText(spec));
      return 0;
    }
    const isNumber = spec.numbersAreOperands && /^-\.?\d/.test(arg);
    if (arg === '-' || !arg.startsWith('-') || isNumber) {
      if (spec.stopAtOperand) break;
      out.operands.push(arg);
      continue;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      // As getopt_long: a unique prefix of a long name stands for it (--rec for --recursive).
      const candidates = long.has(name) ? [name] : [...long.keys()].filter((l) => l.startsWith(name));
      if (candidates.length > 1) return usageError(spec, `option '--${name}' is ambiguous`);
      const def = long.get(candidates[0] ?? '');
      if (!def) return usageError(spec, `unrecognized option '--${name}'`);
      if (!def.takesValue) {
        if (eq >= 0) return usageError(spec, `option '--${name}' doesn't allow an argument`);
        out.add(def.key);
      } else if (eq >= 0) out.add(def.key, arg.slice(eq + 1));
      else if (i + 1 < args.length) out.add(def.key, args[++i]!);
      else return usageError(spec, `option '--${name}' requires an argument`);
      continue;
    }
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j]!;
      const def = short.get(letter);
      if (!def) return usageError(spec, `invalid option -- '${letter}'`);
      if (!def.takesValue) {
        out.add(def.key);
        continue;
      }
      if (j + 1 < arg.length) out.add(def.key, arg.slice(j + 1));
      else if (i + 1 < args.length) out.add(def.key, args[++i]!);
      else return usageError(spec, `option requires an argument -- '${letter}'`);
      break;
    }
  }
  out.operands.push(...args.slice(i));
  return out;
}

/** The human reason for a failed call ("No such file or directory"); rethrows non-SysErrors. */
export function reason(error: unknown): string {
  if (error instanceof SysError) return strerror(error.errno);
  throw error;
}

/** Prints `NAME: SUBJECT: reason` (just `NAME: SUBJECT` when error is null) on stderr; gives status 1. */
export function fail(name: string, subject: string, error: unknown): number {
  eprint(error === null ? `${name}: ${subject}` : `${name}: ${subject}: ${reason(error)}`);
  return 1;
}

/** Parses a non-negative integer operand, or null. */
export function parseCount(text: string | undefined): number | null {
  if (text === undefined || !/^\+?\d+$/.test(text)) return null;
  return Number(text);
}
