/**
 * redox build [CONFIG]: cooks every package an image configuration names (config/CONFIG.toml,
 * its [packages] table), with their dependencies, into build/repo. Assembling the image from
 * the repository is `redox image`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { cook } from '../../cookbook/cook.ts';
import { findProjectRoot } from '../../cookbook/templates/esbuild.ts';
import { COMMON_OPTIONS, parseArgs, progress, reportError, summary, usageError } from './_common.ts';

export const USAGE = `usage: redox build [options] [CONFIG]

Cooks every package named in the [packages] table of config/CONFIG.toml (default: base),
with their dependencies, into signed packages in build/repo, and updates the repository
index. Unchanged recipes are not rebuilt. A CONFIG with a / or ending in .toml is a file path.

options:
  --all             cook every recipe instead of a configuration's packages
  --force           rebuild even when nothing changed
${COMMON_OPTIONS}
`;

/** The package names of an image configuration's [packages] table. */
export function configPackages(file: string): string[] {
  const doc = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const packages = doc.packages;
  if (typeof packages !== 'object' || packages === null || Array.isArray(packages)) throw new Error(`${file}: [packages]: expected a table of package names`);
  return Object.keys(packages).sort();
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseArgs(args, ['--all', '--force']);
  if (typeof parsed === 'string') return usageError('build', parsed, USAGE);
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (parsed.rest.length > 1) return usageError('build', `unexpected argument ${parsed.rest[1]}`, USAGE);
  const all = parsed.flags.has('--all');
  if (all && parsed.rest.length > 0) return usageError('build', '--all takes no CONFIG', USAGE);
  try {
    let names: string[] = [];
    if (!all) {
      const config = parsed.rest[0] ?? 'base';
      const file = config.includes('/') || config.endsWith('.toml') ? config : join(findProjectRoot(), 'config', `${config}.toml`);
      if (!existsSync(file)) {
        process.stderr.write(`redox build: no configuration ${file} (use --all to cook every recipe)\n`);
        return 1;
      }
      names = configPackages(file);
      if (names.length === 0) {
        process.stderr.write(`redox build: ${file} names no packages\n`);
        return 1;
      }
    }
    const report = await cook(names, { ...parsed.options, force: parsed.flags.has('--force'), onEvent: progress(parsed.quiet) });
    summary(report);
    return report.ok ? 0 : 1;
  } catch (err) {
    return reportError('build', err);
  }
}
