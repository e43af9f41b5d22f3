/**
 * redox build [CONFIG]: cooks every package an image configuration names (config/CONFIG.toml,
 * its [packages] table, with what it includes), with their dependencies, into build/repo.
 * Assembling the image from the repository is `redox image`.
 */
import { cook } from '../../cookbook/cook.ts';
import { COMMON_OPTIONS, parseCommand, progress, reportError, summary, usageError } from './_common.ts';
import { CONFIG_ARGUMENT, commandConfig, cookWithProgress } from './_image.ts';

export const USAGE = `usage: redox build [options] [CONFIG]

Cooks every package named in the [packages] table of a configuration, with their
dependencies, into signed packages in build/repo, and updates the repository index.
Unchanged recipes are not rebuilt. ${CONFIG_ARGUMENT}

options:
  --all             cook every recipe instead of a configuration's packages
  --force           rebuild even when nothing changed
${COMMON_OPTIONS}
`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('build', USAGE, args, { flags: ['--all', '--force'], maxOperands: 1 });
  if (typeof parsed === 'number') return parsed;
  const force = parsed.flags.has('--force');
  try {
    if (parsed.flags.has('--all')) {
      if (parsed.rest.length > 0) return usageError('build', '--all takes no CONFIG', USAGE);
      const report = await cook([], { ...parsed.options, force, onEvent: progress(parsed.quiet) });
      summary(report);
      return report.ok ? 0 : 1;
    }
    return (await cookWithProgress(commandConfig(parsed).config, parsed, force)) ? 0 : 1;
  } catch (err) {
    return reportError('build', err);
  }
}
