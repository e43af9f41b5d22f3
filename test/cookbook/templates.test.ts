/**
 * The esbuild and wasi-c templates on real recipes: a TypeScript program and a C program of our
 * own are cooked into signed packages and then run inside the booted OS (copied into a scratch
 * copy of the default disk), as are C built by make (wasi-make) and C linked with our POSIX
 * extensions (libredox). The C half needs clang with wasi-libc; without it, the template's
 * clear error is checked instead.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cook } from '../../src/cookbook/cook.ts';
import { readPublicKey } from '../../src/cookbook/keys.ts';
import { readPackage } from '../../src/cookbook/package.ts';
import { DEFAULT_DISK, redox, ROOT } from '../helpers.ts';
import { tempCookbook } from './helpers.ts';

const book = tempCookbook();
after(() => book.remove());
const hasClang = spawnSync(process.env.CC ?? 'clang', ['--version']).error === undefined;

book.recipe('dev/greet', `[source]
path = "src"

[build]
template = "esbuild"

[package]
version = "2.0.0"
description = "greets"
`, {
  'src/greet.ts': "import { print } from '@redox/libc';\nimport { shout } from './_shout.ts';\nexport function main(args: string[]): number {\n  print(shout(`greetings ${args.slice(1).join(' ')}`));\n  return 3;\n}\n",
  'src/_shout.ts': 'export const shout = (s: string): string => s.toUpperCase();\n',
});

test('esbuild: a TypeScript recipe becomes a signed #!redox-js package; libc changes are tracked', async () => {
  const report = await cook(['greet'], { root: ROOT, recipesDir: book.recipes, buildDir: book.build });
  assert.ok(report.ok, report.results[0]!.reason);
  const files = readPackage(readFileSync(join(book.build, 'repo/greet.pkgar')), readPublicKey(book.build));
  assert.deepEqual(files.map((f) => [f.path, f.mode.toString(8)]), [['bin/greet', '100755']]);
  assert.ok(new TextDecoder().decode(files[0]!.data).startsWith('#!redox-js\n'));
  const record = JSON.parse(readFileSync(join(book.build, 'cookbook/greet/cache.json'), 'utf8')) as { inputs: Record<string, string> };
  assert.ok(join(ROOT, 'src/libc/start.ts') in record.inputs, 'libc files are recorded as inputs');
});

test('esbuild: recipes sharing one source folder rebuild only when a module they use changes', async () => {
  const shared = {
    'src/p1.ts': "import { print } from '@redox/libc';\nimport { tag } from './_common.ts';\nexport function main(): number { print(tag('p1')); return 0; }\n",
    'src/p2.ts': "import { print } from '@redox/libc';\nexport function main(): number { print('p2'); return 0; }\n",
    'src/_common.ts': "export const tag = (s: string): string => `[${s}]`;\n",
  };
  book.recipe('dev/one', '[source]\npath = "../../../shared/src"\n[build]\ntemplate = "esbuild"\nprograms = ["p1"]\n[package]\nversion = "1"\n');
  book.recipe('dev/two', '[source]\npath = "../../../shared/src"\n[build]\ntemplate = "esbuild"\nprograms = ["p2"]\n[package]\nversion = "1"\n');
  const sharedDir = join(book.dir, 'shared');
  for (const [file, text] of Object.entries(shared)) {
    mkdirSync(join(sharedDir, 'src'), { recursive: true });
    writeFileSync(join(sharedDir, file), text);
  }
  const options = { root: ROOT, recipesDir: book.recipes, buildDir: book.build };
  const states = async (): Promise<string> => (await cook(['one', 'two'], options)).results.map((r) => `${r.name}:${r.status}`).join(' ');
  assert.equal(await states(), 'one:built two:built');
  writeFileSync(join(sharedDir, 'src/p2.ts'), shared['src/p2.ts'].replace("'p2'", "'p2!'"));
  assert.equal(await states(), 'one:cached two:built');
  writeFileSync(join(sharedDir, 'src/_common.ts'), shared['src/_common.ts'].replace('[', '<'));
  assert.equal(await states(), 'one:built two:cached');
  writeFileSync(join(sharedDir, 'src/unused.ts'), 'export const x = 1;\n');
  assert.equal(await states(), 'one:cached two:cached');
});

test('wasi-c: the hello-c recipe compiles to wasm (or fails clearly without clang)', { timeout: 30_000 }, async () => {
  const options = { root: ROOT, buildDir: book.build };
  if (!hasClang) {
    const report = await cook(['hello-c'], options);
    assert.match(report.results[0]!.reason, /wasi-c: the C compiler "clang" was not found; install Debian's clang/);
    return;
  }
  const report = await cook(['hello-c'], options);
  assert.ok(report.ok, report.results[0]!.reason);
  const files = readPackage(readFileSync(join(book.build, 'repo/hello-c.pkgar')), readPublicKey(book.build));
  assert.deepEqual([...files[0]!.data.subarray(0, 4)], [0, 0x61, 0x73, 0x6d]);
});

test('wasi-make and wasi-c with libredox build C recipes of their own', { skip: !hasClang && 'no clang', timeout: 30_000 }, async () => {
  book.recipe('dev/made', '[source]\npath = "src"\n[build]\ntemplate = "wasi-make"\n[package]\nversion = "1"\n', {
    'src/Makefile': 'all: made\nmade: main.c\n\t$(CC) $(CFLAGS) $(LDFLAGS) -o made main.c\ninstall: made\n\tmkdir -p $(DESTDIR)$(PREFIX)/bin\n\tcp made $(DESTDIR)$(PREFIX)/bin/made\n',
    'src/main.c': '#include <stdio.h>\nint main(void) { puts("made by make"); return 0; }\n',
  });
  book.recipe('dev/piped', '[source]\npath = "src"\n[build]\ntemplate = "wasi-c"\nlibredox = true\n[package]\nversion = "1"\n', {
    'src/piped.c': '#include <stdio.h>\n#include <unistd.h>\nint main(void) {\n  int fd[2];\n  char buf[8] = {0};\n  if (pipe(fd) != 0 || write(fd[1], "pipe", 4) != 4 || read(fd[0], buf, 4) != 4) return 1;\n  printf("through a %s\\n", buf);\n  return 0;\n}\n',
  });
  const report = await cook(['made', 'piped'], { root: ROOT, recipesDir: book.recipes, buildDir: book.build });
  assert.ok(report.ok, report.results.map((r) => r.reason).join('\n'));
  for (const name of ['made', 'piped']) {
    const files = readPackage(readFileSync(join(book.build, `repo/${name}.pkgar`)), readPublicKey(book.build));
    assert.deepEqual(files.map((f) => f.path), [`bin/${name}`]);
    assert.deepEqual([...files[0]!.data.subarray(0, 4)], [0, 0x61, 0x73, 0x6d]);
  }
});

test('wasi-c without a compiler fails with a message saying what to install', async () => {
  const saved = process.env.CC;
  process.env.CC = 'no-such-compiler-for-redox';
  try {
    const report = await cook(['hello-c'], { root: ROOT, buildDir: join(book.dir, 'nocc') });
    assert.equal(report.results[0]!.status, 'failed');
    assert.match(report.results[0]!.reason, /wasi-c: the C compiler "no-such-compiler-for-redox" was not found; install Debian's clang, lld and wasi-libc/);
  } finally {
    if (saved === undefined) delete process.env.CC;
    else process.env.CC = saved;
  }
});

test('the cooked programs run inside the booted OS', { skip: !existsSync(DEFAULT_DISK) && 'no default disk (npm run build)', timeout: 60_000 }, () => {
  const image = join(book.dir, 'disk.img');
  // A sparse copy (the disk is mostly holes); plain copyFileSync would write all 256 MiB.
  if (spawnSync('cp', ['--sparse=always', DEFAULT_DISK, image]).status !== 0) copyFileSync(DEFAULT_DISK, image);
  const put = (stage: string, to: string): void => {
    const r = redox(['fs', 'put', image, join(book.build, 'cookbook', stage), to]);
    assert.equal(r.status, 0, r.stderr);
  };
  put('greet/stage/bin/greet', '/bin/greet');
  if (hasClang) ['hello-c', 'made', 'piped'].forEach((name) => put(`${name}/stage/bin/${name}`, `/bin/${name}`));
  const command = `greet from the cookbook; echo status $?${hasClang ? '; hello-c one two; made; piped' : ''}`;
  const run = redox(['run', image, '--ephemeral', '-c', command]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /GREETINGS FROM THE COOKBOOK\nstatus 3\n/);
  if (hasClang) assert.match(run.stdout, /hello from C on redox-ts\narg 1: one\narg 2: two\nmade by make\nthrough a pipe\n/);
});
