/** redox clean [RECIPE...]: removes what the cookbook built (the signing key is kept). */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { layoutFor } from '../../cookbook/cook.ts';
import { loadOrCreateKeys, SECRET_KEY_FILE } from '../../cookbook/keys.ts';
import { writeIndex } from '../../cookbook/repo.ts';
import { COMMON_OPTIONS, parseArgs, reportError, usageError } from './_common.ts';

export const USAGE = `usage: redox clean [options] [RECIPE...]

Removes each RECIPE's build folder (build/cookbook/RECIPE: source copy, stage, cache record,
log) and its package (build/repo/RECIPE.pkgar, dropped from the index), so its next cook
builds from scratch. Each RECIPE must be a package name (lowercase letters, digits, . _ + -);
anything else (a path such as ..) is refused and nothing is removed. With no RECIPE, removes
build/cookbook and build/repo whole. The
repository key pair under build/ is kept (images trust it); delete build/id_ed25519*.toml
by hand to make a new one.

options:
${COMMON_OPTIONS}
`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') return usageError('clean', parsed, USAGE);
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    const layout = layoutFor(parsed.options);
    const removed: string[] = [];
    const remove = (path: string): void => {
      if (!existsSync(path)) return;
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    };
    if (parsed.rest.length === 0) {
      remove(join(layout.buildDir, 'cookbook'));
      remove(layout.repo);
    } else {
      // Every name checked before anything is removed: a name that is not a package name (a path
      // such as `..` would reach outside build/cookbook) is refused, naming it.
      const bad = parsed.rest.flatMap((name) => {
        try {
          layout.recipe(name);
          return [];
        } catch (error) {
          return [(error as Error).message];
        }
      });
      if (bad.length > 0) {
        process.stderr.write(`redox clean: ${bad.join('; ')}; nothing was removed\n`);
        return 1;
      }
      for (const name of parsed.rest) {
        remove(layout.recipe(name));
        remove(join(layout.repo, `${name}.pkgar`));
        remove(join(layout.repo, `${name}.toml`));
      }
    }
    process.stderr.write(removed.length === 0 ? 'nothing to clean\n' : `removed ${removed.join(', ')}\n`);
    if (parsed.rest.length > 0 && removed.length > 0 && existsSync(join(layout.buildDir, SECRET_KEY_FILE)) && existsSync(layout.repo)) {
      const { entries } = writeIndex(layout.repo, loadOrCreateKeys(layout.buildDir));
      process.stderr.write(`repository index rewritten (${entries.length} package${entries.length === 1 ? '' : 's'})\n`);
    }
    return 0;
  } catch (err) {
    return reportError('clean', err);
  }
}
