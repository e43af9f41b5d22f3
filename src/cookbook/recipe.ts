/**
 * Recipes: `recipes/<category>/<name>/recipe.toml`, parsed and validated into a `Recipe`.
 *
 * A recipe says where its source comes from ([source]: a local path, a tarball with its sha256,
 * or an npm package with its integrity hash, plus patches), how it is built ([build]: a template
 * and the recipes it needs at build time) and what package it makes ([package]: version,
 * description, runtime dependencies). The format is documented in docs/recipes.md.
 *
 * Rules: every key is checked (an unknown key is an error, so a typo never passes silently);
 * every error is a `RecipeError` naming the file, the field and what was expected. Paths in a
 * recipe are relative to its folder and are resolved here; local paths must exist.
 * Nothing here builds or fetches anything.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { FieldChecker, octalMode, quoteList, type Table } from './fields.ts';
import { PACKAGE_NAME as NAME } from './package.ts';

export const CATEGORIES = ['core', 'dev', 'games', 'gui', 'libs', 'net'] as const;
export type Category = (typeof CATEGORIES)[number];

export const TEMPLATES = ['esbuild', 'wasi-c', 'wasi-make', 'custom', 'none', 'kernel', 'initfs'] as const;
export type TemplateName = (typeof TEMPLATES)[number];

export type RecipeSource =
  | { kind: 'path'; path: string }
  | { kind: 'tar'; tar: string; sha256: string }
  | { kind: 'npm'; npm: string; name: string; version: string; integrity: string };

export interface BuildSection {
  template: TemplateName;
  /** Recipes whose packages must be built (and staged into the sysroot) first. */
  dependencies: string[];
  /** esbuild: program modules (file names without `.ts`) in the source folder; empty = all. */
  programs: string[];
  /** wasi-c: C files relative to the source folder; empty = every `*.c` at its top level. */
  sources: string[];
  /** wasi-c: the program's name, installed as /bin/OUTPUT; defaults to the recipe's name. */
  output: string;
  cflags: string[];
  ldflags: string[];
  /** wasi-c: link with libredox.a (posix_spawn, pipes, signals: scripts/build-wasm.sh). */
  libredox: boolean;
  /** wasi-make: extra arguments to make. */
  makeArgs: string[];
  /** custom: a shell script run with the cookbook's variables (docs/recipes.md). */
  script: string;
}

export interface PackageSection {
  version: string;
  description: string;
  /** Packages that must be installed with this one (runtime dependencies). */
  dependencies: string[];
  /**
   * Permission bits the package gives some of its files instead of the stage's (git and a build
   * folder cannot be trusted with set-user-ID bits): path relative to the stage -> mode.
   */
  modes: Record<string, number>;
}

export interface Recipe {
  name: string;
  category: Category;
  /** Absolute path of the recipe's folder. */
  dir: string;
  /** Absolute path of recipe.toml. */
  file: string;
  /** The recipe file as written (hashed into the cache key). */
  text: string;
  source: RecipeSource | null;
  /** Absolute paths of patch files, applied in order with `patch -p1`. */
  patches: string[];
  build: BuildSection;
  package: PackageSection;
}

/** A recipe refused: names the file, the field and what was expected. */
export class RecipeError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly expected: string,
  ) {
    super(`${file}: ${field}: ${expected}`);
    this.name = 'RecipeError';
  }
}

const SHA256 = /^[0-9a-f]{64}$/;
const INTEGRITY = /^sha(256|384|512)-[A-Za-z0-9+/]+={0,2}$/;
const NPM_SPEC = /^((?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*)@(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?)$/;
const VERSION = /^\d+(\.\d+)*([-+][0-9A-Za-z.+-]+)?$/;

const SECTIONS: Record<string, readonly string[]> = {
  source: ['path', 'tar', 'sha256', 'npm', 'integrity', 'patches'],
  build: ['template', 'dependencies', 'programs', 'sources', 'output', 'cflags', 'ldflags', 'libredox', 'make_args', 'script'],
  package: ['version', 'description', 'dependencies', 'modes'],
};

/** Which [build] keys each template accepts besides template and dependencies. */
const TEMPLATE_KEYS: Record<TemplateName, readonly string[]> = {
  esbuild: ['programs'],
  'wasi-c': ['sources', 'output', 'cflags', 'ldflags', 'libredox'],
  'wasi-make': ['cflags', 'ldflags', 'make_args'],
  custom: ['script'],
  none: [],
  kernel: [],
  initfs: [],
};

class Checker extends FieldChecker {
  constructor(file: string) {
    super(file, (f, field, expected) => new RecipeError(f, field, expected));
  }

  string(table: Table, section: string, key: string, pattern?: RegExp, what = 'a string'): string | undefined {
    const value = table[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '' || (pattern && !pattern.test(value))) this.expect(`[${section}] ${key}`, what, value);
    return value;
  }

  strings(table: Table, section: string, key: string, pattern?: RegExp, what = 'a string'): string[] {
    const value = table[key];
    if (value === undefined) return [];
    if (!Array.isArray(value)) this.expect(`[${section}] ${key}`, `an array (each item ${what})`, value);
    value.forEach((item, i) => {
      if (typeof item !== 'string' || item === '' || (pattern && !pattern.test(item))) this.expect(`[${section}] ${key}[${i}]`, what, item);
    });
    const seen = new Set<string>();
    for (const item of value as string[]) {
      if (seen.has(item)) this.fail(`[${section}] ${key}`, `${JSON.stringify(item)} is listed twice`);
      seen.add(item);
    }
    return value as string[];
  }

  boolean(table: Table, section: string, key: string): boolean {
    const value = table[key];
    if (value === undefined) return false;
    if (typeof value !== 'boolean') this.expect(`[${section}] ${key}`, 'true or false', value);
    return value;
  }

  existing(dir: string, field: string, path: string, kind: 'file' | 'any'): string {
    const full = resolve(dir, path);
    if (!existsSync(full)) this.fail(field, `expected an existing path relative to the recipe folder, found ${JSON.stringify(path)} (${full} does not exist)`);
    if (kind === 'file' && !statSync(full).isFile()) this.fail(field, `expected a file, found the directory ${JSON.stringify(path)}`);
    return full;
  }
}

function parseSource(c: Checker, value: unknown, dir: string): { source: RecipeSource | null; patches: string[] } {
  if (value === undefined) return { source: null, patches: [] };
  const t = c.table(value, '[source]');
  c.keys(t, '[source]', SECTIONS.source!);
  const kinds = (['path', 'tar', 'npm'] as const).filter((k) => t[k] !== undefined);
  if (kinds.length !== 1) {
    c.fail('[source]', `expected exactly one of "path", "tar" or "npm", found ${kinds.length === 0 ? 'none' : quoteList(kinds)}`);
  }
  const patches = c.strings(t, 'source', 'patches', undefined, 'a patch file path').map((p, i) => c.existing(dir, `[source] patches[${i}]`, p, 'file'));
  const kind = kinds[0]!;
  if (kind !== 'tar' && t.sha256 !== undefined) c.fail('[source] sha256', 'only a "tar" source takes a sha256');
  if (kind !== 'npm' && t.integrity !== undefined) c.fail('[source] integrity', 'only an "npm" source takes an integrity hash');
  if (kind === 'path') {
    const path = c.string(t, 'source', 'path')!;
    return { source: { kind, path: c.existing(dir, '[source] path', path, 'any') }, patches };
  }
  if (kind === 'tar') {
    const tar = c.string(t, 'source', 'tar')!;
    const sha256 = c.string(t, 'source', 'sha256', SHA256, '64 lowercase hex digits (the tarball\'s SHA-256)');
    if (sha256 === undefined) c.fail('[source] sha256', 'expected the tarball\'s SHA-256 (64 lowercase hex digits) beside "tar"');
    const isUrl = /^https?:\/\//.test(tar);
    return { source: { kind, tar: isUrl ? tar : c.existing(dir, '[source] tar', tar, 'file'), sha256 }, patches };
  }
  const npm = c.string(t, 'source', 'npm', NPM_SPEC, 'an npm package as "name@version" with an exact version (e.g. "left-pad@1.3.0")')!;
  const integrity = c.string(t, 'source', 'integrity', INTEGRITY, 'a Subresource Integrity hash such as "sha512-BASE64" (the registry\'s dist.integrity)');
  if (integrity === undefined) c.fail('[source] integrity', 'expected the package\'s integrity hash ("sha512-...") beside "npm"');
  const [, name, version] = NPM_SPEC.exec(npm)!;
  return { source: { kind, npm, name: name!, version: version!, integrity }, patches };
}

function parseBuild(c: Checker, value: unknown, name: string): BuildSection {
  if (value === undefined) c.fail('[build]', 'missing; expected a [build] table with a template');
  const t = c.table(value, '[build]');
  c.keys(t, '[build]', SECTIONS.build!);
  const template = t.template;
  if (typeof template !== 'string' || !(TEMPLATES as readonly string[]).includes(template)) {
    c.expect('[build] template', `one of ${quoteList(TEMPLATES)}`, template);
  }
  const tpl = template as TemplateName;
  for (const key of Object.keys(t)) {
    if (key !== 'template' && key !== 'dependencies' && !TEMPLATE_KEYS[tpl].includes(key)) {
      const allowed = ['template', 'dependencies', ...TEMPLATE_KEYS[tpl]];
      c.fail(`[build] ${key}`, `not used by template "${tpl}"; expected one of ${quoteList(allowed)}`);
    }
  }
  const script = c.string(t, 'build', 'script') ?? '';
  if (tpl === 'custom' && script === '') c.fail('[build] script', 'expected a shell script (template "custom" runs it to fill the stage)');
  const progName = /^[A-Za-z0-9_.[+-]+$/;
  return {
    template: tpl,
    dependencies: c.strings(t, 'build', 'dependencies', NAME, 'a recipe name'),
    programs: c.strings(t, 'build', 'programs', progName, 'a program name (a .ts file in the source folder, without .ts)'),
    sources: c.strings(t, 'build', 'sources', /^[^/].*\.c$/, 'a relative path to a .c file'),
    output: c.string(t, 'build', 'output', /^[A-Za-z0-9_.+-]+$/, 'a program file name') ?? name,
    cflags: c.strings(t, 'build', 'cflags'),
    ldflags: c.strings(t, 'build', 'ldflags'),
    libredox: c.boolean(t, 'build', 'libredox'),
    makeArgs: c.strings(t, 'build', 'make_args'),
    script,
  };
}

function parsePackage(c: Checker, value: unknown): PackageSection {
  if (value === undefined) c.fail('[package]', 'missing; expected a [package] table with at least a version');
  const t = c.table(value, '[package]');
  c.keys(t, '[package]', SECTIONS.package!);
  const version = c.string(t, 'package', 'version', VERSION, 'a version such as "1.2.3"');
  if (version === undefined) c.fail('[package] version', 'missing; expected a version such as "1.2.3"');
  const description = t.description;
  if (description !== undefined && typeof description !== 'string') c.expect('[package] description', 'a string', description);
  return { version, description: description ?? '', dependencies: c.strings(t, 'package', 'dependencies', NAME, 'a package name'), modes: parseModes(c, t.modes) };
}

const PACKAGE_PATH = /^[^/\0]+(\/[^/\0]+)*$/;

/** `[package] modes = { "bin/su" = "4755" }`: octal strings (TOML has octal integers too: 0o4755). */
function parseModes(c: Checker, value: unknown): Record<string, number> {
  if (value === undefined) return {};
  const t = c.table(value, '[package] modes');
  const modes: Record<string, number> = {};
  for (const [path, mode] of Object.entries(t)) {
    const field = `[package] modes.${JSON.stringify(path)}`;
    if (!PACKAGE_PATH.test(path) || path.split('/').some((p) => p === '.' || p === '..')) c.fail(field, 'expected a path relative to the package root, such as "bin/su"');
    modes[path] = octalMode(mode) ?? c.expect(field, 'permission bits as an octal string such as "4755" (or a TOML octal integer 0o4755)', mode);
  }
  return modes;
}

/**
 * Parses one recipe file. `displayRoot` only shortens the file name in error messages.
 * Category and name come from the path: .../<category>/<name>/recipe.toml.
 */
export function parseRecipe(file: string, text: string, displayRoot = process.cwd()): Recipe {
  const full = resolve(file);
  const dir = join(full, '..');
  const shown = relative(displayRoot, full) || full;
  const c = new Checker(shown.startsWith('..') ? full : shown);
  const name = dir.split('/').at(-1)!;
  const category = dir.split('/').at(-2)!;
  if (!NAME.test(name)) c.fail('(recipe name)', `the folder name ${JSON.stringify(name)} is not a valid recipe name (lowercase letters, digits, . _ + -)`);
  if (!(CATEGORIES as readonly string[]).includes(category)) c.fail('(category)', `the recipe must live in recipes/<category>/${name}/ with category one of ${quoteList(CATEGORIES)}, found ${JSON.stringify(category)}`);
  const doc = c.toml(text);
  for (const key of Object.keys(doc)) {
    if (!(key in SECTIONS)) c.fail(key, `unknown section; expected one of ${quoteList(Object.keys(SECTIONS).map((s) => `[${s}]`))}`);
  }
  const { source, patches } = parseSource(c, doc.source, dir);
  const build = parseBuild(c, doc.build, name);
  const pkg = parsePackage(c, doc.package);
  if (source === null && (build.template === 'esbuild' || build.template === 'wasi-c' || build.template === 'wasi-make')) {
    c.fail('[source]', `missing; template "${build.template}" needs a source (path, tar or npm)`);
  }
  if (patches.length > 0 && source === null) c.fail('[source] patches', 'patches need a source to apply to');
  if (source !== null && build.template === 'kernel') c.fail('[source]', 'template "kernel" bundles the project\'s own boot code (src/host/node) and takes no source; remove [source]');
  if (build.dependencies.includes(name)) c.fail('[build] dependencies', `the recipe ${JSON.stringify(name)} depends on itself`);
  if (pkg.dependencies.includes(name)) c.fail('[package] dependencies', `the package ${JSON.stringify(name)} depends on itself`);
  return { name, category: category as Category, dir, file: full, text, source, patches, build, package: pkg };
}

export function loadRecipe(file: string, displayRoot?: string): Recipe {
  return parseRecipe(file, readFileSync(file, 'utf8'), displayRoot);
}

/** Every recipe under `recipesDir` (recipes/<category>/<name>/recipe.toml), by name. */
export function loadRecipes(recipesDir: string, displayRoot = join(recipesDir, '..')): Map<string, Recipe> {
  const recipes = new Map<string, Recipe>();
  if (!existsSync(recipesDir)) return recipes;
  for (const category of readdirSync(recipesDir).sort()) {
    const catDir = join(recipesDir, category);
    if (!statSync(catDir).isDirectory()) continue;
    for (const name of readdirSync(catDir).sort()) {
      const file = join(catDir, name, 'recipe.toml');
      if (!existsSync(file)) continue;
      const recipe = loadRecipe(file, displayRoot);
      const other = recipes.get(recipe.name);
      if (other) {
        throw new RecipeError(relative(displayRoot, file), '(recipe name)', `the name ${JSON.stringify(recipe.name)} is already used by ${relative(displayRoot, other.file)}; recipe names are unique across categories`);
      }
      recipes.set(recipe.name, recipe);
    }
  }
  return recipes;
}
