/**
 * The dependency graph: build order, a cycle and a missing dependency named with the recipe and
 * the field, and the scheduler: bounded concurrency, independent recipes side by side, the
 * dependents of a failure skipped.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { buildOrder, GraphError, runGraph } from '../../src/cookbook/graph.ts';
import { loadRecipes } from '../../src/cookbook/recipe.ts';
import { customRecipe, tempCookbook } from './helpers.ts';

const books: ReturnType<typeof tempCookbook>[] = [];
after(() => books.forEach((b) => b.remove()));

function graphOf(recipes: Record<string, [string[], string[]?]>): ReturnType<typeof loadRecipes> {
  const book = tempCookbook();
  books.push(book);
  for (const [name, [deps, runtime]] of Object.entries(recipes)) book.recipe(`core/${name}`, customRecipe(name, name, deps, runtime ?? []));
  return loadRecipes(book.recipes);
}

test('build order puts every recipe after its build dependencies and pulls in runtime ones', () => {
  const recipes = graphOf({ app: [['lib', 'util']], lib: [['util']], util: [[]], tool: [[], ['app']], lone: [[]] });
  const order = buildOrder(recipes, ['tool']).map((r) => r.name);
  assert.deepEqual(order, ['util', 'lib', 'app', 'tool']);
  assert.deepEqual(buildOrder(recipes, []).map((r) => r.name), []);
  assert.equal(buildOrder(recipes, [...recipes.keys()]).length, 5);
});

test('a cycle names the recipe, the field and the whole cycle', () => {
  const recipes = graphOf({ a: [['b']], b: [['c']], c: [['a']], d: [['a']] });
  assert.throws(() => buildOrder(recipes, ['d']), (err: unknown) => {
    assert.ok(err instanceof GraphError);
    assert.equal(err.field, '[build] dependencies');
    assert.match(err.message, /^recipe c \(.*recipes\/core\/c\/recipe.toml\): \[build\] dependencies: a dependency cycle: a -> b -> c -> a$/);
    return true;
  });
});

test('a missing build or runtime dependency names the recipe and the field', () => {
  const recipes = graphOf({ app: [['libmissing']], tool: [[], ['gone']] });
  assert.throws(() => buildOrder(recipes, ['app']), (err: unknown) => {
    assert.ok(err instanceof GraphError);
    assert.equal(err.recipe, 'app');
    assert.match(err.message, /^recipe app \(.*\): \[build\] dependencies: "libmissing" has no recipe/);
    return true;
  });
  assert.throws(() => buildOrder(recipes, ['tool']), /^GraphError: recipe tool \(.*\): \[package\] dependencies: "gone" has no recipe|recipe tool .*\[package\] dependencies: "gone" has no recipe/);
  assert.throws(() => buildOrder(recipes, ['nothing']), /no recipe named "nothing"/);
});

test('runGraph keeps to its concurrency, runs independent nodes together and skips dependents of a failure', async () => {
  const deps: Record<string, string[]> = { a: [], b: [], c: [], d: ['a'], e: ['bad'], bad: [], f: ['e'] };
  const order = ['a', 'b', 'bad', 'c', 'd', 'e', 'f'];
  let running = 0;
  let peak = 0;
  const started: string[] = [];
  const results = await runGraph(order, (n) => deps[n]!, 2, async (name) => {
    started.push(name);
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setTimeout(r, 20));
    running--;
    if (name === 'bad') throw new Error('boom');
    return name.toUpperCase();
  });
  assert.equal(peak, 2);
  assert.deepEqual(results.get('d'), { status: 'ok', value: 'D' });
  assert.equal(results.get('bad')!.status, 'failed');
  assert.deepEqual(results.get('e'), { status: 'skipped', because: 'bad' });
  assert.deepEqual(results.get('f'), { status: 'skipped', because: 'bad' });
  assert.ok(!started.includes('e') && !started.includes('f'));
  assert.ok(started.indexOf('d') > started.indexOf('a'));
});

test('runGraph with enough workers runs independent nodes at the same time', async () => {
  const t0 = performance.now();
  const names = ['p', 'q', 'r', 's'];
  await runGraph(names, () => [], 4, () => new Promise((r) => setTimeout(r, 100)));
  assert.ok(performance.now() - t0 < 300, 'four 100 ms tasks ran in parallel');
});
