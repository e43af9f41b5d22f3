/** redox fetch [RECIPE...]: downloads, checks and patches recipe sources without building. */
import { cook } from '../../cookbook/cook.ts';
import { COMMON_OPTIONS, parseArgs, progress, reportError, summary, usageError } from './_common.ts';

export const USAGE = `usage: redox fetch [options] [RECIPE...]

Fetches the source of each RECIPE and its dependencies (every recipe if none is named):
tarballs are checked against their sha256, npm packages against their integrity hash, and
patches are applied. Local path sources are only checked. Nothing is built.

options:
${COMMON_OPTIONS}
`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') return usageError('fetch', parsed, USAGE);
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    const report = await cook(parsed.rest, { ...parsed.options, fetchOnly: true, onEvent: progress(parsed.quiet) });
    summary(report);
    return report.ok ? 0 : 1;
  } catch (err) {
    return reportError('fetch', err);
  }
}
