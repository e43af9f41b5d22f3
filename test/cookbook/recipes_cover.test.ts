/**
 * The shipped recipes cover the system: every program in src/userland/bin is built by exactly
 * one recipe, and the default configuration lists every runtime dependency of its packages
 * (an image holds exactly its configuration's packages).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../src/cookbook/image.ts';
import { loadRecipes } from '../../src/cookbook/recipe.ts';
import { programNames } from '../../src/cookbook/templates/esbuild.ts';
import { ROOT } from '../helpers.ts';

const recipes = loadRecipes(join(ROOT, 'recipes'), ROOT);

test('every program in src/userland/bin is in exactly one recipe', () => {
  const programsDir = join(ROOT, 'src/userland/bin');
  const owners = new Map<string, string[]>();
  for (const recipe of recipes.values()) {
    if (recipe.build.template !== 'esbuild' || recipe.source?.kind !== 'path' || recipe.source.path !== programsDir) continue;
    for (const program of recipe.build.programs) owners.set(program, [...(owners.get(program) ?? []), recipe.name]);
  }
  const programs = programNames(programsDir).sort();
  assert.deepEqual(programs.filter((p) => !owners.has(p)), [], 'programs no recipe builds (add them to a recipe in recipes/core)');
  assert.deepEqual([...owners].filter(([, names]) => names.length > 1), [], 'programs built by two recipes');
});

test('the configurations list every runtime dependency of their packages, and every package has a recipe', () => {
  for (const name of ['base', 'desktop']) {
    const config = loadConfig(join(ROOT, 'config', `${name}.toml`));
    for (const pkg of Object.keys(config.packages)) {
      const recipe = recipes.get(pkg);
      assert.ok(recipe, `config/${name}.toml names ${pkg}, which has no recipe`);
      for (const dep of recipe.package.dependencies) assert.ok(dep in config.packages, `config/${name}.toml: ${pkg} depends on ${dep}, which it does not list`);
    }
  }
});
