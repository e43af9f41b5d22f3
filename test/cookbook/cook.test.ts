/**
 * The build engine end to end on throwaway cookbooks: a second cook with nothing changed
 * rebuilds nothing; changing one recipe rebuilds only it and what depends on it; a failure
 * skips its dependents and keeps its log; tarball sources are checked and patched; a new
 * signing key repackages without rebuilding; only a real build rewrites build.log (a cached cook
 * and a fetch leave it alone; fetching logs to fetch.log) and only it sends a start event.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cook, type CookEvent, type CookReport } from '../../src/cookbook/cook.ts';
import { readPublicKey } from '../../src/cookbook/keys.ts';
import { readIndex, readPackage } from '../../src/cookbook/package.ts';
import { ROOT } from '../helpers.ts';
import { customRecipe, tempCookbook } from './helpers.ts';

const books: ReturnType<typeof tempCookbook>[] = [];
after(() => books.forEach((b) => b.remove()));

function statuses(report: CookReport): Record<string, string> {
  return Object.fromEntries(report.results.map((r) => [r.name, r.status]));
}

test('nothing changed: nothing rebuilt; one recipe changed: only it and its dependents', async () => {
  const book = tempCookbook();
  books.push(book);
  const options = { root: ROOT, recipesDir: book.recipes, buildDir: book.build };
  book.recipe('libs/a', customRecipe('a', 'A1'));
  const bFile = book.recipe('libs/b', customRecipe('b', 'B1', ['a']));
  book.recipe('core/c', customRecipe('c', 'C1', ['b']));
  book.recipe('core/d', customRecipe('d', 'D1', [], ['c']));

  const first = await cook([], options);
  assert.ok(first.ok);
  assert.deepEqual(statuses(first), { a: 'built', b: 'built', c: 'built', d: 'built' });
  assert.equal(readFileSync(join(book.build, 'cookbook/c/stage/out/c'), 'utf8'), 'C1\nA1\nB1\nA1\n', 'c saw its build dependencies, transitively, in its sysroot');

  const second = await cook([], options);
  assert.deepEqual(statuses(second), { a: 'cached', b: 'cached', c: 'cached', d: 'cached' });
  assert.equal(second.indexWritten, false);

  writeFileSync(bFile, customRecipe('b', 'B2', ['a']));
  const third = await cook([], options);
  assert.deepEqual(statuses(third), { a: 'cached', b: 'built', c: 'built', d: 'cached' });
  assert.equal(readFileSync(join(book.build, 'cookbook/c/stage/out/c'), 'utf8'), 'C1\nA1\nB2\nA1\n');

  // A change to b that leaves its output identical rebuilds b, but not c: c's inputs are b's output.
  writeFileSync(bFile, `# a comment\n${customRecipe('b', 'B2', ['a'])}`);
  assert.deepEqual(statuses(await cook([], options)), { a: 'cached', b: 'built', c: 'cached', d: 'cached' });

  // The index lists every package, signed by the key made under build/.
  const index = readIndex(readFileSync(join(book.build, 'repo/repo.idx')), readPublicKey(book.build));
  assert.deepEqual(index.packages.map((p) => [p.name, p.dependencies]), [['a', []], ['b', []], ['c', []], ['d', ['c']]]);

  // A stage altered behind the cookbook's back is rebuilt.
  writeFileSync(join(book.build, 'cookbook/a/stage/out/a'), 'tampered');
  assert.equal(statuses(await cook(['a'], options)).a, 'built');

  // A new key pair: nothing rebuilds, every package is signed again.
  rmSync(join(book.build, 'id_ed25519.toml'));
  rmSync(join(book.build, 'id_ed25519.pub.toml'));
  const resigned = await cook([], options);
  assert.deepEqual(resigned.results.map((r) => r.reason), ['repackaged', 'repackaged', 'repackaged', 'repackaged']);
  readPackage(readFileSync(join(book.build, 'repo/d.pkgar')), readPublicKey(book.build));
});

test('a failing recipe skips its dependents, leaves the others built and keeps its log', async () => {
  const book = tempCookbook();
  books.push(book);
  book.recipe('libs/broken', '[build]\ntemplate = "custom"\nscript = "echo about to fail; exit 3"\n[package]\nversion = "1"\n');
  book.recipe('core/user', customRecipe('user', 'U', ['broken']));
  book.recipe('core/fine', customRecipe('fine', 'F'));
  const report = await cook([], { root: ROOT, recipesDir: book.recipes, buildDir: book.build });
  assert.equal(report.ok, false);
  assert.deepEqual(statuses(report), { broken: 'failed', fine: 'built', user: 'skipped' });
  const broken = report.results.find((r) => r.name === 'broken')!;
  assert.match(broken.reason, /custom: sh failed \(exit status 3\):\nabout to fail/);
  assert.match(readFileSync(broken.log, 'utf8'), /about to fail[\s\S]*FAILED: custom: sh failed/);
  assert.equal(report.results.find((r) => r.name === 'user')!.reason, 'dependency broken failed');
});

test('a tarball source is checked against its sha256, unpacked and patched', async () => {
  const book = tempCookbook();
  books.push(book);
  const work = join(book.dir, 'tarwork');
  spawnSync('sh', ['-c', `mkdir -p ${work}/data-1.0/share && printf 'old line\\n' > ${work}/data-1.0/share/data.txt && tar -cf ${work}/data-1.0.tar -C ${work} data-1.0`]);
  const sha = spawnSync('sha256sum', [`${work}/data-1.0.tar`], { encoding: 'utf8' }).stdout.slice(0, 64);
  const patch = '--- a/share/data.txt\n+++ b/share/data.txt\n@@ -1 +1 @@\n-old line\n+new line\n';
  const file = book.recipe('libs/data', `[source]\ntar = "${work}/data-1.0.tar"\nsha256 = "${sha}"\npatches = ["fix.patch"]\n[build]\ntemplate = "none"\n[package]\nversion = "1.0"\n`, { 'fix.patch': patch });
  const options = { root: ROOT, recipesDir: book.recipes, buildDir: book.build };
  const report = await cook(['data'], options);
  assert.ok(report.ok, report.results[0]!.reason);
  assert.equal(readFileSync(join(book.build, 'cookbook/data/stage/share/data.txt'), 'utf8'), 'new line\n');
  assert.equal(statuses(await cook(['data'], options)).data, 'cached');

  writeFileSync(file, readFileSync(file, 'utf8').replace(sha, '0'.repeat(64)));
  const wrong = await cook(['data'], options);
  assert.equal(wrong.results[0]!.status, 'failed');
  assert.match(wrong.results[0]!.reason, /data: \[source\] sha256: the tarball .* has SHA-256 [0-9a-f]{64}, the recipe expects 0{64}/);
  assert.equal(wrong.results[0]!.log, join(book.build, 'cookbook/data/fetch.log'), 'a fetch failure points at the fetch log');
  assert.match(readFileSync(wrong.results[0]!.log, 'utf8'), /^# fetching data 1\.0 \(none\)[\s\S]*FAILED: data: \[source\] sha256/);
});

test('only a real build rewrites build.log and sends a start event; a cached cook and a fetch leave the log alone', async () => {
  const book = tempCookbook();
  books.push(book);
  const file = book.recipe('core/logged', customRecipe('logged', 'L1'));
  const events: CookEvent[] = [];
  const options = { root: ROOT, recipesDir: book.recipes, buildDir: book.build, onEvent: (e: CookEvent): number => events.push(e) };
  const buildLog = join(book.build, 'cookbook/logged/build.log');
  await cook(['logged'], options);
  const built = readFileSync(buildLog, 'utf8');
  assert.match(built, /^# building logged 1\.0\.0 \(custom\) at .*\nbuilding: never built\n[\s\S]*packaged logged\.pkgar/);
  assert.deepEqual(events.filter((e) => e.type === 'start'), [{ type: 'start', name: 'logged', reason: 'never built', total: 1 }]);

  events.length = 0;
  const cached = await cook(['logged'], options);
  assert.equal(cached.results[0]!.status, 'cached');
  assert.equal(cached.results[0]!.log, buildLog, 'a cached recipe points at the log of the build that made it');
  assert.deepEqual(events.filter((e) => e.type === 'start'), [], 'a cached recipe does not start');
  await cook(['logged'], { ...options, fetchOnly: true });
  assert.equal(readFileSync(buildLog, 'utf8'), built, 'neither a cached cook nor a fetch touched build.log');
  assert.match(readFileSync(join(book.build, 'cookbook/logged/fetch.log'), 'utf8'), /^# fetching logged 1\.0\.0 \(custom\) at /);

  writeFileSync(file, customRecipe('logged', 'L2'));
  await cook(['logged'], options);
  assert.match(readFileSync(buildLog, 'utf8'), /^# building logged [\s\S]*building: recipe, source or dependencies changed\n/);
});
