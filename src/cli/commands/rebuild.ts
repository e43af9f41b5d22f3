/**
 * redox rebuild [CONFIG]: everything a configuration's image is made from, from scratch. Removes
 * the build folders and packages of the recipes the configuration needs (its packages and their
 * build and runtime dependencies, transitively) and its image folder build/CONFIG, then cooks
 * and assembles again. The key pair, downloaded tarballs and other recipes' outputs are kept.
 * Everything that can be checked without building (the configuration, its password, its packages
 * against the recipes, that no machine is running on the image) is checked before anything is
 * removed: the image's lock (the one `redox run` holds) is taken first and held while the image
 * folder is removed.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openCookbook } from '../../cookbook/cook.ts';
import { buildOrder } from '../../cookbook/graph.ts';
import { checkConfigRecipes, imageDir } from '../../cookbook/image.ts';
import { lockDestination } from '../../host/node/disk_image.ts';
import { COMMON_OPTIONS, parseCommand, reportError } from './_common.ts';
import { CONFIG_ARGUMENT, IMAGE_OPTIONS, IMAGE_VALUES, commandConfig, cookWithProgress, imagePassword, imageWithProgress } from './_image.ts';

export const USAGE = `usage: redox rebuild [options] [CONFIG]

Builds a configuration's image from scratch: removes, for every recipe the configuration
needs (its packages and their build and runtime dependencies), build/cookbook/RECIPE and
build/repo/RECIPE.{pkgar,toml}; removes build/CONFIG (the image and its stamp); then cooks
every package again (as \`redox build\`) and writes the image (as \`redox image\`). Kept: the
key pair, build/cookbook/downloads and the outputs of recipes the configuration does not use.
${CONFIG_ARGUMENT}

options:
${IMAGE_OPTIONS}
${COMMON_OPTIONS}
`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('rebuild', USAGE, args, { valued: IMAGE_VALUES, maxOperands: 1 });
  if (typeof parsed === 'number') return parsed;
  try {
    const { file, config } = commandConfig(parsed);
    const password = imagePassword(config, parsed);
    const book = openCookbook(parsed.options);
    const { layout } = book;
    checkConfigRecipes(config, book.recipes, book.recipesDir);
    const recipes = buildOrder(book.recipes, Object.keys(config.packages), join(book.recipesDir, '..'), book.recipesDir).map((r) => r.name);
    const doomed = [...recipes.flatMap((name) => [layout.recipe(name), join(layout.repo, `${name}.pkgar`), join(layout.repo, `${name}.toml`)]), imageDir(layout, file)];
    // Refused, with nothing removed, while a machine runs on the image.
    const disk = join(imageDir(layout, file), 'harddrive.img');
    const unlock = existsSync(disk) ? lockDestination(disk) : (): void => undefined;
    const removed = doomed.filter((path) => existsSync(path));
    try {
      for (const path of removed) rmSync(path, { recursive: true, force: true });
    } finally {
      unlock();
    }
    if (!parsed.quiet) process.stderr.write(`rebuild: removed the outputs of ${recipes.length} recipes and ${removed.includes(imageDir(layout, file)) ? 'the image folder' : 'no image folder'}\n`);
    if (!(await cookWithProgress(config, parsed, true))) return 1;
    imageWithProgress(config, parsed, true, password);
    return 0;
  } catch (err) {
    return reportError('rebuild', err);
  }
}
