/** redox cook RECIPE...: cooks recipes (and what they depend on) into signed packages in build/repo. */
import { cook } from '../../cookbook/cook.ts';
import { COMMON_OPTIONS, parseArgs, progress, reportError, summary, usageError } from './_common.ts';

export const USAGE = `usage: redox cook [options] RECIPE...
       redox cook [options] --all

Cooks each RECIPE (a name under recipes/<category>/) after its build dependencies: fetch
the source, build it with its template, pack the result as build/repo/RECIPE.pkgar signed
with the repository key (made on first use under build/), update build/repo/repo.idx.
A recipe whose recipe, sources and dependencies are unchanged is not rebuilt.

options:
  --all             cook every recipe
  --force           rebuild even when nothing changed
${COMMON_OPTIONS}
`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseArgs(args, ['--all', '--force']);
  if (typeof parsed === 'string') return usageError('cook', parsed, USAGE);
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const all = parsed.flags.has('--all');
  if (all === (parsed.rest.length > 0)) return usageError('cook', all ? '--all takes no recipe names' : 'name at least one recipe, or --all', USAGE);
  try {
    const report = await cook(parsed.rest, { ...parsed.options, force: parsed.flags.has('--force'), onEvent: progress(parsed.quiet) });
    summary(report);
    return report.ok ? 0 : 1;
  } catch (err) {
    return reportError('cook', err);
  }
}
