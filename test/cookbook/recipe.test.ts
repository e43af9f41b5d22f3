/**
 * Recipe parsing: valid recipes of every source kind and template parse; every bad recipe is
 * refused with a message naming the file (so the recipe), the field and what was expected;
 * the project's own recipes all parse.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadRecipe, loadRecipes, RecipeError } from '../../src/cookbook/recipe.ts';
import { ROOT } from '../helpers.ts';
import { tempCookbook } from './helpers.ts';

const book = tempCookbook();
after(() => book.remove());

function refused(path: string, toml: string, field: string, expected: RegExp, files?: Record<string, string>): void {
  const file = book.recipe(path, toml, files);
  assert.throws(() => loadRecipe(file, book.dir), (err: unknown) => {
    assert.ok(err instanceof RecipeError, String(err));
    assert.equal(err.field, field);
    assert.ok(err.message.startsWith(`recipes/${path}/recipe.toml: ${field}: `), err.message);
    assert.match(err.message, expected);
    return true;
  });
}

test('a full recipe parses: path source, patches, esbuild template, package fields', () => {
  const file = book.recipe('core/full', `
[source]
path = "src"
patches = ["fix.patch"]

[build]
template = "esbuild"
dependencies = ["libfoo"]
programs = ["full"]

[package]
version = "1.2.3"
description = "a full recipe"
dependencies = ["sh"]
`, { 'src/full.ts': 'export function main() { return 0; }\n', 'fix.patch': '' });
  const r = loadRecipe(file, book.dir);
  assert.equal(r.name, 'full');
  assert.equal(r.category, 'core');
  assert.deepEqual(r.source, { kind: 'path', path: join(book.recipes, 'core/full/src') });
  assert.deepEqual(r.patches, [join(book.recipes, 'core/full/fix.patch')]);
  assert.equal(r.build.template, 'esbuild');
  assert.deepEqual(r.build.dependencies, ['libfoo']);
  assert.deepEqual(r.build.programs, ['full']);
  assert.deepEqual(r.package, { version: '1.2.3', description: 'a full recipe', dependencies: ['sh'], modes: {} });
});

test('tarball and npm sources parse with their hashes', () => {
  const sha = 'a'.repeat(64);
  const tar = loadRecipe(book.recipe('libs/tarred', `[source]\ntar = "https://example.org/x-1.0.tar.gz"\nsha256 = "${sha}"\n[build]\ntemplate = "wasi-make"\nmake_args = ["-j2"]\n[package]\nversion = "1.0"\n`), book.dir);
  assert.deepEqual(tar.source, { kind: 'tar', tar: 'https://example.org/x-1.0.tar.gz', sha256: sha });
  assert.deepEqual(tar.build.makeArgs, ['-j2']);
  const npm = loadRecipe(book.recipe('libs/npmed', '[source]\nnpm = "@scope/left-pad@1.3.0"\nintegrity = "sha512-AbC+/="\n[build]\ntemplate = "none"\n[package]\nversion = "1.3.0"\n'), book.dir);
  assert.deepEqual(npm.source, { kind: 'npm', npm: '@scope/left-pad@1.3.0', name: '@scope/left-pad', version: '1.3.0', integrity: 'sha512-AbC+/=' });
});

test('wasi-c defaults: output is the recipe name; custom needs its script', () => {
  const c = loadRecipe(book.recipe('dev/cprog', '[source]\npath = "."\n[build]\ntemplate = "wasi-c"\nlibredox = true\n[package]\nversion = "0.1"\n'), book.dir);
  assert.equal(c.build.output, 'cprog');
  assert.equal(c.build.libredox, true);
  refused('dev/noscript', '[build]\ntemplate = "custom"\n[package]\nversion = "1"\n', '[build] script', /expected a shell script/);
});

test('a wrong field type names the field and the expected type', () => {
  refused('core/badtype', '[build]\ntemplate = "none"\ndependencies = "sh"\n[package]\nversion = "1"\n', '[build] dependencies', /expected an array \(each item a recipe name\), found the string "sh"/);
  refused('core/badver', '[build]\ntemplate = "none"\n[package]\nversion = 1\n', '[package] version', /expected a version such as "1.2.3", found number 1/);
  refused('core/baddesc', '[build]\ntemplate = "none"\n[package]\nversion = "1"\ndescription = ["x"]\n', '[package] description', /expected a string, found an array/);
  refused('core/baddep', '[build]\ntemplate = "none"\ndependencies = ["Bad Name"]\n[package]\nversion = "1"\n', '[build] dependencies[0]', /expected a recipe name/);
  refused('core/badbool', '[source]\npath = "."\n[build]\ntemplate = "wasi-c"\nlibredox = "yes"\n[package]\nversion = "1"\n', '[build] libredox', /expected true or false/);
  refused('core/buildnottable', 'build = 3\n[package]\nversion = "1"\n', '[build]', /expected a table, found number 3/);
});

test('unknown templates, keys and sections are refused with what is allowed', () => {
  refused('core/badtpl', '[build]\ntemplate = "cargo"\n[package]\nversion = "1"\n', '[build] template', /expected one of "esbuild", "wasi-c", "wasi-make", "custom", "none", "kernel", "initfs", found the string "cargo"/);
  refused('core/typo', '[build]\ntemplate = "none"\ndependancies = []\n[package]\nversion = "1"\n', '[build] dependancies', /unknown key; expected one of/);
  refused('core/wrongkey', '[source]\npath = "."\n[build]\ntemplate = "esbuild"\nsources = ["a.c"]\n[package]\nversion = "1"\n', '[build] sources', /not used by template "esbuild"/);
  refused('core/section', '[build]\ntemplate = "none"\n[package]\nversion = "1"\n[extra]\nx = 1\n', 'extra', /unknown section/);
});

test('sources: exactly one kind, hashes required and well formed, paths must exist', () => {
  refused('libs/twosrc', '[source]\npath = "."\nnpm = "a@1.0.0"\n[build]\ntemplate = "none"\n[package]\nversion = "1"\n', '[source]', /exactly one of "path", "tar" or "npm", found "path", "npm"/);
  refused('libs/nosha', '[source]\ntar = "https://x/y.tar"\n[build]\ntemplate = "none"\n[package]\nversion = "1"\n', '[source] sha256', /SHA-256/);
  refused('libs/badsha', '[source]\ntar = "https://x/y.tar"\nsha256 = "xyz"\n[build]\ntemplate = "none"\n[package]\nversion = "1"\n', '[source] sha256', /64 lowercase hex digits/);
  refused('libs/npmrange', '[source]\nnpm = "left-pad@^1.0.0"\nintegrity = "sha512-x"\n[build]\ntemplate = "none"\n[package]\nversion = "1"\n', '[source] npm', /exact version/);
  refused('libs/noint', '[source]\nnpm = "left-pad@1.3.0"\n[build]\ntemplate = "none"\n[package]\nversion = "1"\n', '[source] integrity', /integrity/);
  refused('libs/nopath', '[source]\npath = "missing"\n[build]\ntemplate = "none"\n[package]\nversion = "1"\n', '[source] path', /does not exist/);
  refused('libs/nopatch', '[source]\npath = "."\npatches = ["gone.patch"]\n[build]\ntemplate = "none"\n[package]\nversion = "1"\n', '[source] patches[0]', /does not exist/);
  refused('libs/needsrc', '[build]\ntemplate = "wasi-c"\n[package]\nversion = "1"\n', '[source]', /template "wasi-c" needs a source/);
});

test('missing sections, self-dependencies, bad TOML and misplaced recipes are refused', () => {
  refused('core/nopkg', '[build]\ntemplate = "none"\n', '[package]', /missing/);
  refused('core/nobuild', '[package]\nversion = "1"\n', '[build]', /missing/);
  refused('core/selfdep', '[build]\ntemplate = "none"\ndependencies = ["selfdep"]\n[package]\nversion = "1"\n', '[build] dependencies', /depends on itself/);
  refused('core/syntax', '[build\ntemplate = "none"\n', '(TOML syntax, line 1 column 7)', /expected valid TOML/);
  refused('misc/placed', '[build]\ntemplate = "none"\n[package]\nversion = "1"\n', '(category)', /category one of "core", "dev"/);
});

test('two recipes with one name in different categories are refused', () => {
  const other = tempCookbook();
  try {
    other.recipe('core/twin', '[build]\ntemplate = "none"\n[package]\nversion = "1"\n');
    other.recipe('dev/twin', '[build]\ntemplate = "none"\n[package]\nversion = "1"\n');
    assert.throws(() => loadRecipes(other.recipes), /recipes\/dev\/twin\/recipe.toml: \(recipe name\): the name "twin" is already used by recipes\/core\/twin\/recipe.toml/);
  } finally {
    other.remove();
  }
});

test("the project's own recipes all parse", () => {
  const recipes = loadRecipes(join(ROOT, 'recipes'));
  for (const name of ['init', 'sh', 'coreutils', 'redoxfs', 'daemons', 'base', 'usertests', 'hello-c', 'hello-ts']) assert.ok(recipes.has(name), name);
  assert.equal(recipes.get('hello-c')!.build.template, 'wasi-c');
});

test('[package] modes and the kernel and initfs templates: parsed, and refused when wrong', () => {
  const su = loadRecipe(book.recipe('core/suid', '[build]\ntemplate = "none"\n[package]\nversion = "1"\nmodes = { "bin/su" = "4755", "etc/x" = 0o600 }\n'), book.dir);
  assert.deepEqual(su.package.modes, { 'bin/su': 0o4755, 'etc/x': 0o600 });
  refused('core/badmode', '[build]\ntemplate = "none"\n[package]\nversion = "1"\nmodes = { "bin/su" = "rwx" }\n', '[package] modes."bin/su"', /expected permission bits as an octal string such as "4755"/);
  refused('core/badpath', '[build]\ntemplate = "none"\n[package]\nversion = "1"\nmodes = { "/bin/su" = "4755" }\n', '[package] modes."/bin/su"', /expected a path relative to the package root/);
  assert.equal(loadRecipe(book.recipe('core/k', '[build]\ntemplate = "kernel"\n[package]\nversion = "1"\n'), book.dir).build.template, 'kernel');
  refused('core/ksrc', '[source]\npath = "."\n[build]\ntemplate = "kernel"\n[package]\nversion = "1"\n', '[source]', /template "kernel" .* takes no source/);
  refused('core/kkey', '[build]\ntemplate = "initfs"\nprograms = ["x"]\n[package]\nversion = "1"\n', '[build] programs', /not used by template "initfs"/);
});
