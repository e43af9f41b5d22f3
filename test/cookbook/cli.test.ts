/**
 * The `redox` subcommands (src/cli/redox.ts and src/cli/commands/*.ts) as a user runs them:
 * --help, bad usage (status 2), progress and summary lines, a recipe error naming the recipe
 * and field (status 1); rebuild checks what it can before removing anything, and a password
 * for an unencrypted configuration is refused; clean refuses a name that is not a recipe name
 * (`..` would reach outside build/cookbook); image --force and rebuild refuse an image a
 * machine holds the lock of.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { lockImage } from '../../src/redoxfs/node-image-lock.ts';
import { ROOT } from '../helpers.ts';
import { customRecipe, tempCookbook } from './helpers.ts';

const book = tempCookbook();
after(() => book.remove());

interface Outcome {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `redox NAME ARGS...` calls one after another in one child process (one tsx start-up for
 * all) through the command's main, each with its own captured stdout and stderr.
 */
function commands(calls: [string, string[]][]): Outcome[] {
  const script = `
    const { main } = await import(${JSON.stringify(join(ROOT, 'src/cli/redox.ts'))});
    const calls = ${JSON.stringify(calls)};
    const out = [];
    const realOut = process.stdout.write.bind(process.stdout);
    for (const [name, args] of calls) {
      const got = { status: -1, stdout: '', stderr: '' };
      process.stdout.write = (t) => { got.stdout += t; return true; };
      process.stderr.write = (t) => { got.stderr += t; return true; };
      got.status = await main([name, ...args]);
      out.push(got);
    }
    realOut(JSON.stringify(out));`;
  const env = { ...process.env };
  delete env.REDOXFS_PASSWORD;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 30_000, env });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Outcome[];
}

const command = (name: string, args: string[]): Outcome => commands([[name, args]])[0]!;

test('every subcommand answers --help and -h with its usage on stdout and status 0', () => {
  const names = ['build', 'image', 'run', 'cook', 'repo', 'fetch', 'clean', 'rebuild', 'fs', 'linux'];
  const outcomes = commands(names.flatMap((name): [string, string[]][] => [[name, ['--help']], [name, ['-h']]]));
  names.forEach((name, i) => {
    for (const [flag, got] of [['--help', outcomes[2 * i]!], ['-h', outcomes[2 * i + 1]!]] as const) {
      assert.equal(got.status, 0, `redox ${name} ${flag}: ${got.stderr}`);
      assert.match(got.stdout, new RegExp(`^usage: (redox ${name}|redoxfs) `), `redox ${name} ${flag}`);
      assert.equal(got.stderr, '', `redox ${name} ${flag}`);
    }
  });
  const [badRun] = commands([['run', ['--bogus']]]);
  assert.equal(badRun!.status, 2);
  assert.match(badRun!.stderr, /^redox run: unknown option --bogus\nusage: redox run /);
});

test('every cookbook subcommand refuses unknown options', () => {
  const names = ['build', 'image', 'rebuild', 'cook', 'repo', 'fetch', 'clean'];
  const outcomes = commands(names.flatMap((name): [string, string[]][] => [[name, ['--help']], [name, ['--bogus']]]));
  names.forEach((name, i) => {
    const help = outcomes[2 * i]!;
    assert.equal(help.status, 0, `${name}: ${help.stderr}`);
    assert.match(help.stdout, new RegExp(`^usage: redox ${name} `));
    const bad = outcomes[2 * i + 1]!;
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, new RegExp(`^redox ${name}: unknown option --bogus\nusage: redox ${name}`));
  });
});

test('cook shows progress and a summary, repo lists the index, build cooks a config, clean removes a package', () => {
  book.recipe('core/one', customRecipe('one', '1'));
  book.recipe('core/two', customRecipe('two', '2', ['one'], ['one']));
  const dirs = ['--recipes', book.recipes, '--build-dir', book.build];
  const config = join(book.dir, 'mini.toml');
  writeFileSync(config, '[general]\nsize = 64\n\n[packages]\none = "*"\n');
  const [first, again, repo, build, clean, after] = commands([
    ['cook', [...dirs, 'two']], ['cook', [...dirs, '--all']], ['repo', dirs], ['build', [...dirs, config]], ['clean', [...dirs, 'two']], ['repo', dirs],
  ]);
  assert.equal(first!.status, 0, first!.stderr);
  assert.match(first!.stderr, /^\[ \/2\] one +building +\(never built\)\n\[1\/2\] one +built +\(\d+ ms\)\n\[ \/2\] two +building +\(never built\)\n\[2\/2\] two +built/);
  assert.match(first!.stderr, /2 recipes: 2 built, 0 cached in \d+ ms; repository index updated\n$/);
  assert.match(again!.stderr, /2 recipes: 0 built, 2 cached/);
  assert.equal(repo!.status, 0, repo!.stderr);
  assert.match(repo!.stdout, /^one +1\.0\.0 +\d+ B  [0-9a-f]{16}\ntwo +1\.0\.0 +\d+ B  [0-9a-f]{16}  needs one\n$/);
  assert.match(build!.stderr, /^\[1\/1\] one +cached +\(unchanged\)\n1 recipe: 0 built, 1 cached in \d+ ms\n$/);
  assert.equal(clean!.status, 0);
  assert.match(clean!.stderr, /repository index rewritten \(1 package\)/);
  assert.match(after!.stdout, /^one [^\n]*\n$/);
});

test('image writes build/NAME/harddrive.img, leaves an unchanged one alone; rebuild starts over', () => {
  book.recipe('core/boot', '[build]\ntemplate = "custom"\nscript = "mkdir -p $COOKBOOK_STAGE/boot && printf x > $COOKBOOK_STAGE/boot/initfs.img"\n[package]\nversion = "1.0.0"\n');
  const dirs = ['--recipes', book.recipes, '--build-dir', book.build];
  const config = join(book.dir, 'tiny.toml');
  writeFileSync(config, '[general]\nsize = 16\n\n[packages]\nboot = "*"\none = "*"\n');
  const [image, again, rebuild, missing] = commands([['image', [...dirs, config]], ['image', [...dirs, config]], ['rebuild', [...dirs, config]], ['image', [...dirs, join(book.dir, 'nope.toml')]]]);
  assert.equal(image!.status, 0, image!.stderr);
  assert.match(image!.stderr, /image: 2 packages: boot, one\nimage: writing .*tiny\/harddrive\.img \(\d+ entries, 16 MiB\)\nwrote .*tiny\/harddrive\.img: 2 packages, \d+ entries in \d+ ms\n$/);
  assert.match(again!.stderr, /tiny\/harddrive\.img: up to date \(2 packages; nothing changed\)\n$/);
  assert.equal(rebuild!.status, 0, rebuild!.stderr);
  assert.match(rebuild!.stderr, /^rebuild: removed the outputs of 2 recipes and the image folder\n[\s\S]*2 recipes: 2 built, 0 cached[\s\S]*wrote .*tiny\/harddrive\.img/);
  assert.equal(missing!.status, 1);
  assert.match(missing!.stderr, /^redox image: .*nope\.toml: \(file\): no such configuration file\n$/);
});

test('rebuild checks the configuration, its password and its packages before removing anything', () => {
  book.recipe('core/boot', '[build]\ntemplate = "custom"\nscript = "mkdir -p $COOKBOOK_STAGE/boot && printf x > $COOKBOOK_STAGE/boot/initfs.img"\n[package]\nversion = "1.0.0"\n');
  book.recipe('core/one', customRecipe('one', '1'));
  const dirs = ['--recipes', book.recipes, '--build-dir', book.build];
  const locked = join(book.dir, 'locked.toml');
  writeFileSync(locked, '[general]\nsize = 16\nencrypt = true\n\n[packages]\nboot = "*"\none = "*"\n');
  const unknown = join(book.dir, 'unknown.toml');
  writeFileSync(unknown, '[general]\nsize = 16\n\n[packages]\nboot = "*"\none = "*"\nnosuchpkg = "*"\n');
  mkdirSync(join(book.build, 'locked'), { recursive: true });
  mkdirSync(join(book.build, 'unknown'), { recursive: true });
  const [cooked, noPassword, noRecipe] = commands([['cook', [...dirs, 'boot', 'one']], ['rebuild', [...dirs, locked]], ['rebuild', [...dirs, unknown]]]);
  assert.equal(cooked!.status, 0, cooked!.stderr);
  assert.equal(noPassword!.status, 1);
  assert.match(noPassword!.stderr, /^redox rebuild: .*locked\.toml: \[general\] encrypt: the image is to be encrypted but no password was given/);
  assert.equal(noRecipe!.status, 1);
  assert.match(noRecipe!.stderr, /^redox rebuild: .*unknown\.toml: \[packages\] nosuchpkg: no recipe named "nosuchpkg" \(looked for .*\/recipes\/<category>\/nosuchpkg\/recipe\.toml\)/);
  for (const kept of ['cookbook/boot', 'cookbook/one', 'repo/one.pkgar', 'locked', 'unknown']) assert.ok(existsSync(join(book.build, kept)), `${kept} was removed`);
});

test('a password file for an unencrypted configuration is refused, before anything is cooked', () => {
  book.recipe('core/one', customRecipe('one', '1'));
  const plain = join(book.dir, 'plain.toml');
  writeFileSync(plain, '[general]\nsize = 16\n\n[packages]\none = "*"\n');
  const passwordFile = join(book.dir, 'password');
  writeFileSync(passwordFile, 'secret\n');
  const untouched = join(book.dir, 'build-plain');
  const [image] = commands([['image', ['--recipes', book.recipes, '--build-dir', untouched, '--password-file', passwordFile, plain]]]);
  assert.equal(image!.status, 1);
  assert.match(image!.stderr, /^redox image: .*plain\.toml: \[general\] encrypt: a password was given but the configuration does not set encrypt = true\n$/);
  assert.equal(existsSync(untouched), false, 'nothing was cooked');
});

test('a bad recipe stops cook with the file, the field and what was expected', () => {
  book.recipe('core/bad', '[build]\ntemplate = "none"\ndependencies = ["ghost"]\n[package]\nversion = "1"\n');
  const r = command('cook', ['--recipes', book.recipes, '--build-dir', book.build, 'bad']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^redox cook: recipe bad \(recipes\/core\/bad\/recipe.toml\): \[build\] dependencies: "ghost" has no recipe/);
  assert.ok(r.stderr.includes(`(looked for ${book.recipes}/<category>/ghost/recipe.toml)`), `the recipes folder searched is named: ${r.stderr}`);
  const unknown = command('cook', ['--recipes', book.recipes, '--build-dir', book.build, 'nosuch']);
  assert.equal(unknown.status, 1);
  assert.equal(unknown.stderr, `redox cook: no recipe named "nosuch" (looked for ${book.recipes}/<category>/nosuch/recipe.toml)\n`);
  book.recipe('core/bad', '[build]\ntemplate = "none"\n[package]\nversion = 2\n');
  assert.match(command('cook', ['--recipes', book.recipes, '--build-dir', book.build, 'bad']).stderr, /^redox cook: recipes\/core\/bad\/recipe.toml: \[package\] version: expected a version such as "1.2.3", found number 2\n$/);
});

test('clean refuses a name that is not a recipe name (.., a path, downloads), naming it, and removes nothing', () => {
  const own = tempCookbook();
  after(() => own.remove());
  own.recipe('core/one', customRecipe('one', '1'));
  const dirs = ['--recipes', own.recipes, '--build-dir', own.build];
  const [cooked] = commands([['cook', [...dirs, 'one']]]);
  assert.equal(cooked!.status, 0, cooked!.stderr);
  const kept = ['cookbook/one', 'cookbook', 'repo/one.pkgar', 'id_ed25519.toml'];
  for (const bad of [['..'], ['../..'], ['one', '..'], ['core/one'], ['/tmp'], ['downloads'], ['.'], ['']]) {
    const [clean] = commands([['clean', [...dirs, ...bad]]]);
    assert.equal(clean!.status, 1, `clean ${bad.join(' ')}: ${clean!.stderr}`);
    const named = bad.find((name) => name !== 'one')!;
    assert.ok(clean!.stderr.startsWith(`redox clean: ${JSON.stringify(named)}`), clean!.stderr);
    assert.match(clean!.stderr, /nothing was removed\n$/);
    for (const path of kept) assert.ok(existsSync(join(own.build, path)), `clean ${bad.join(' ')} removed ${path}`);
  }
  assert.ok(existsSync(own.recipes), 'the project is untouched');
});

test('image --force and rebuild refuse while a machine holds the image lock, leaving the image alone', () => {
  const own = tempCookbook();
  after(() => own.remove());
  own.recipe('core/boot', '[build]\ntemplate = "custom"\nscript = "mkdir -p $COOKBOOK_STAGE/boot && printf x > $COOKBOOK_STAGE/boot/initfs.img"\n[package]\nversion = "1.0.0"\n');
  own.recipe('core/one', customRecipe('one', '1'));
  const dirs = ['--recipes', own.recipes, '--build-dir', own.build];
  const config = join(own.dir, 'running.toml');
  writeFileSync(config, '[general]\nsize = 16\n\n[packages]\nboot = "*"\none = "*"\n');
  const [image] = commands([['image', [...dirs, config]]]);
  assert.equal(image!.status, 0, image!.stderr);
  const disk = join(own.build, 'running', 'harddrive.img');
  const before = statSync(disk);
  // This test process stands for the machine: it holds the lock `redox run` takes.
  const release = lockImage(disk);
  try {
    const [force, rebuild] = commands([['image', [...dirs, '--force', config]], ['rebuild', [...dirs, config]]]);
    for (const [name, got] of [['image --force', force!], ['rebuild', rebuild!]] as const) {
      assert.equal(got.status, 1, `${name}: ${got.stderr}`);
      assert.ok(got.stderr.includes(`cannot replace ${disk}: a machine is running on it (process ${process.pid} holds ${disk}.lock)`), `${name}: ${got.stderr}`);
    }
    const after = statSync(disk);
    assert.equal(after.ino, before.ino, 'the image is the same file');
    assert.equal(after.mtimeMs, before.mtimeMs, 'the image was not written');
    assert.equal(readFileSync(`${disk}.lock`, 'utf8'), `${process.pid}\n`, 'the lock is still the machine\'s');
    for (const kept of ['cookbook/boot', 'cookbook/one', 'repo/one.pkgar']) assert.ok(existsSync(join(own.build, kept)), `rebuild removed ${kept}`);
    assert.equal(existsSync(`${disk}.partial`), false);
  } finally {
    release();
  }
  const [free] = commands([['image', [...dirs, '--force', config]]]);
  assert.equal(free!.status, 0, free!.stderr);
  assert.equal(existsSync(`${disk}.lock`), false, 'image released its lock');
});
