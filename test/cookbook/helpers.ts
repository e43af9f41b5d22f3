/** Test helpers for the cookbook: throwaway cookbooks (recipes + build folder) under the OS temp folder. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface TempCookbook {
  dir: string;
  recipes: string;
  build: string;
  /** Writes recipes/CATEGORY/NAME/recipe.toml (and any extra files beside it); returns its path. */
  recipe(path: string, toml: string, files?: Record<string, string>): string;
  remove(): void;
}

export function tempCookbook(): TempCookbook {
  const dir = mkdtempSync(join(tmpdir(), 'redox-cookbook-'));
  const recipes = join(dir, 'recipes');
  mkdirSync(recipes);
  return {
    dir,
    recipes,
    build: join(dir, 'build'),
    recipe(path, toml, files = {}) {
      const folder = join(recipes, path);
      mkdirSync(folder, { recursive: true });
      const file = join(folder, 'recipe.toml');
      writeFileSync(file, toml);
      for (const [name, text] of Object.entries(files)) {
        mkdirSync(dirname(join(folder, name)), { recursive: true });
        writeFileSync(join(folder, name), text);
      }
      return file;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A custom-template recipe whose package is one file, out/NAME, holding `text` plus its build dependencies' files. */
export function customRecipe(name: string, text: string, deps: string[] = [], runtime: string[] = []): string {
  return `[build]
template = "custom"
dependencies = ${JSON.stringify(deps)}
script = """
mkdir -p "$COOKBOOK_STAGE/out"
{ printf '%s\\n' ${JSON.stringify(text)}; cat "$COOKBOOK_SYSROOT"/out/* 2>/dev/null || true; } > "$COOKBOOK_STAGE/out/${name}"
"""

[package]
version = "1.0.0"
dependencies = ${JSON.stringify(runtime)}
`;
}
