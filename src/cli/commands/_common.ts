/**
 * What the cookbook subcommands share: option parsing (--recipes, --build-dir, -j, --force),
 * progress lines while recipes cook, the summary at the end, and one way to turn a recipe,
 * graph or fetch error into a message and an exit status (1; bad usage is 2).
 */
import { relative } from 'node:path';
import type { CookEvent, CookOptions, CookReport } from '../../cookbook/cook.ts';
import { GraphError } from '../../cookbook/graph.ts';
import { RecipeError } from '../../cookbook/recipe.ts';

export const COMMON_OPTIONS = `  --recipes DIR     recipes folder (default: recipes/ of the project)
  --build-dir DIR   build folder (default: build/ of the project)
  -j, --jobs N      recipes built at once (default: up to 4)
  -q, --quiet       no progress lines, only the summary and errors`;

export interface Parsed {
  options: CookOptions;
  rest: string[];
  flags: Set<string>;
  /** Options of the command that take a value (`--live FILE`), by name. */
  values: Map<string, string>;
  help: boolean;
  quiet: boolean;
}

/**
 * Parses the common options plus `flags` (boolean options of the command) and `valued` (its
 * options taking a value); error text on bad usage.
 */
export function parseArgs(args: string[], flags: readonly string[] = [], valued: readonly string[] = []): Parsed | string {
  const parsed: Parsed = { options: {}, rest: [], flags: new Set(), values: new Map(), help: false, quiet: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = (): string | undefined => args[++i];
    if (arg === '-h' || arg === '--help') parsed.help = true;
    else if (arg === '-q' || arg === '--quiet') parsed.quiet = true;
    else if (arg === '--recipes' || arg === '--build-dir') {
      const v = value();
      if (v === undefined) return `${arg} needs a folder`;
      if (arg === '--recipes') parsed.options.recipesDir = v;
      else parsed.options.buildDir = v;
    } else if (arg === '-j' || arg === '--jobs') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) return `${arg} needs a positive whole number`;
      parsed.options.jobs = n;
    } else if (flags.includes(arg)) parsed.flags.add(arg);
    else if (valued.includes(arg)) {
      const v = value();
      if (v === undefined) return `${arg} needs a value`;
      parsed.values.set(arg, v);
    }
    else if (arg.startsWith('-') && arg !== '-') return `unknown option ${arg}`;
    else parsed.rest.push(arg);
  }
  return parsed;
}

/**
 * A subcommand's arguments parsed, or the exit status to return at once: 0 after printing the
 * usage for --help, 2 after a usage error (an unknown option, more than `maxOperands` operands).
 */
export function parseCommand(command: string, usage: string, args: string[], spec: { flags?: readonly string[]; valued?: readonly string[]; maxOperands?: number } = {}): Parsed | number {
  const parsed = parseArgs(args, spec.flags, spec.valued);
  if (typeof parsed === 'string') return usageError(command, parsed, usage);
  if (parsed.help) {
    process.stdout.write(usage);
    return 0;
  }
  const max = spec.maxOperands ?? Infinity;
  if (parsed.rest.length > max) return usageError(command, `unexpected argument ${parsed.rest[max]}`, usage);
  return parsed;
}

export function usageError(command: string, message: string, usage: string): number {
  process.stderr.write(`redox ${command}: ${message}\n${usage}`);
  return 2;
}

/** Prints recipe, graph and fetch errors as one clear line; returns the exit status. */
export function reportError(command: string, err: unknown): number {
  if (err instanceof RecipeError || err instanceof GraphError) {
    process.stderr.write(`redox ${command}: ${err.message}\n`);
    return 1;
  }
  process.stderr.write(`redox ${command}: ${err instanceof Error ? err.message : String(err)}\n`);
  return 1;
}

/** One line when a recipe starts a real build (its counter blank: it has not finished) and one when each recipe is done. */
export function progress(quiet: boolean): (event: CookEvent) => void {
  return (event) => {
    if (quiet || event.type === 'plan') return;
    const width = String(event.total).length;
    if (event.type === 'start') {
      process.stderr.write(`[${' '.repeat(width)}/${event.total}] ${event.name.padEnd(16)} building  (${event.reason})\n`);
      return;
    }
    const r = event.result;
    const what = r.status === 'built' ? `built     (${r.ms} ms)` : r.status === 'cached' ? `cached    (${r.reason})` : r.status === 'fetched' ? 'fetched' : r.status === 'skipped' ? `skipped   (${r.reason})` : 'FAILED';
    process.stderr.write(`[${String(event.finished).padStart(width)}/${event.total}] ${r.name.padEnd(16)} ${what}\n`);
  };
}

export function summary(report: CookReport): void {
  const count = (s: string): number => report.results.filter((r) => r.status === s).length;
  for (const r of report.results.filter((x) => x.status === 'failed')) {
    process.stderr.write(`\n${r.name} failed: ${r.reason}\n  log: ${relative(process.cwd(), r.log) || r.log}\n`);
  }
  const parts = [`${count('built')} built`, `${count('cached')} cached`];
  if (count('fetched')) parts.push(`${count('fetched')} fetched`);
  if (count('failed')) parts.push(`${count('failed')} failed`);
  if (count('skipped')) parts.push(`${count('skipped')} skipped`);
  process.stderr.write(`${report.results.length} recipe${report.results.length === 1 ? '' : 's'}: ${parts.join(', ')} in ${report.ms} ms${report.indexWritten ? '; repository index updated' : ''}\n`);
}
