/**
 * The dependency graph of recipes: which recipes a request needs, the order to build them in,
 * and a scheduler that builds independent recipes side by side.
 *
 * Edges: [build] dependencies (must be built, and are staged into the sysroot, before the
 * recipe builds: they order the build) and [package] dependencies (must exist and are cooked
 * too, since installing the package installs them, but do not order the build). A build cycle
 * or a dependency with no recipe is a `GraphError` naming the recipe and the field.
 */
import { relative } from 'node:path';
import type { Recipe } from './recipe.ts';

export class GraphError extends Error {
  constructor(
    readonly recipe: string,
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

function where(recipe: Recipe, displayRoot: string | undefined): string {
  return `recipe ${recipe.name} (${displayRoot ? relative(displayRoot, recipe.file) : recipe.file})`;
}

/** Where a recipe named `name` would be, for messages: under the recipes folder actually searched. */
export function recipePlaceFor(name: string, recipesDir = 'recipes'): string {
  const rel = relative(process.cwd(), recipesDir);
  const shown = rel === '' || rel.startsWith('..') ? recipesDir : rel;
  return `${shown}/<category>/${name}/recipe.toml`;
}

/**
 * The recipes `roots` need (themselves, their build and runtime dependencies, transitively), in
 * an order where every recipe comes after its build dependencies. Ties keep name order, so
 * the order is deterministic. `recipesDir` is only named in messages.
 */
export function buildOrder(recipes: ReadonlyMap<string, Recipe>, roots: readonly string[], displayRoot?: string, recipesDir?: string): Recipe[] {
  for (const root of roots) {
    if (!recipes.has(root)) throw new GraphError(root, '(name)', `no recipe named ${JSON.stringify(root)} (looked for ${recipePlaceFor(root, recipesDir)})`);
  }
  const needed = new Set<string>();
  const visitNeed = (name: string): void => {
    if (needed.has(name)) return;
    needed.add(name);
    const recipe = recipes.get(name)!;
    for (const [field, deps] of [['[build] dependencies', recipe.build.dependencies], ['[package] dependencies', recipe.package.dependencies]] as const) {
      for (const dep of deps) {
        if (!recipes.has(dep)) {
          throw new GraphError(name, field, `${where(recipe, displayRoot)}: ${field}: ${JSON.stringify(dep)} has no recipe (looked for ${recipePlaceFor(dep, recipesDir)})`);
        }
        visitNeed(dep);
      }
    }
  };
  [...roots].sort().forEach(visitNeed);

  const order: Recipe[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): void => {
    const s = state.get(name);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...path.slice(path.indexOf(name)), name];
      const recipe = recipes.get(cycle.at(-2)!)!;
      throw new GraphError(recipe.name, '[build] dependencies', `${where(recipe, displayRoot)}: [build] dependencies: a dependency cycle: ${cycle.join(' -> ')}`);
    }
    state.set(name, 'visiting');
    for (const dep of [...recipes.get(name)!.build.dependencies].sort()) visit(dep, [...path, name]);
    state.set(name, 'done');
    order.push(recipes.get(name)!);
  };
  [...needed].sort().forEach((name) => visit(name, []));
  return order;
}

/** Every build dependency of `name`, transitively (the recipes whose outputs form its sysroot). */
export function buildClosure(recipes: ReadonlyMap<string, Recipe>, name: string): string[] {
  const seen = new Set<string>();
  const walk = (n: string): void => {
    for (const dep of recipes.get(n)?.build.dependencies ?? []) {
      if (!seen.has(dep)) {
        seen.add(dep);
        walk(dep);
      }
    }
  };
  walk(name);
  return [...seen].sort();
}

export type TaskResult<T> =
  | { status: 'ok'; value: T }
  | { status: 'failed'; error: unknown }
  | { status: 'skipped'; because: string };

/**
 * Runs `task` for every node of `order` (already topological), starting a node as soon as all
 * of its dependencies have succeeded, with at most `concurrency` tasks in flight. A failed
 * node's dependents are skipped (naming the failed dependency); independent nodes still run.
 */
export async function runGraph<T>(
  order: readonly string[],
  depsOf: (name: string) => readonly string[],
  concurrency: number,
  task: (name: string) => Promise<T>,
): Promise<Map<string, TaskResult<T>>> {
  const results = new Map<string, TaskResult<T>>();
  const pending = [...order];
  const inOrder = new Set(order);
  let running = 0;
  return new Promise((done) => {
    const pump = (): void => {
      for (let i = 0; i < pending.length && running < Math.max(1, concurrency); ) {
        const name = pending[i]!;
        const deps = depsOf(name).filter((d) => inOrder.has(d));
        const bad = deps.find((d) => results.has(d) && results.get(d)!.status !== 'ok');
        if (bad !== undefined) {
          pending.splice(i, 1);
          const r = results.get(bad)!;
          results.set(name, { status: 'skipped', because: r.status === 'skipped' ? r.because : bad });
          continue;
        }
        if (!deps.every((d) => results.get(d)?.status === 'ok')) {
          i++;
          continue;
        }
        pending.splice(i, 1);
        running++;
        task(name).then(
          (value) => results.set(name, { status: 'ok', value }),
          (error: unknown) => results.set(name, { status: 'failed', error }),
        ).finally(() => {
          running--;
          pump();
        });
      }
      if (running === 0) {
        // Anything still pending waits on something that can never finish (not in order).
        for (const name of pending) results.set(name, { status: 'skipped', because: 'an unbuilt dependency' });
        pending.length = 0;
        done(results);
      }
    };
    pump();
  });
}
