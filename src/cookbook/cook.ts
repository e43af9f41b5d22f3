/**
 * The build engine: cooks recipes into packages. For each recipe the graph needs, in
 * dependency order and independent recipes side by side (graph.ts): fetch the source
 * (fetch.ts), compute the cache key (cache.ts), and if the record does not hold, build with the
 * recipe's template into a fresh stage, then pack the stage as a signed package into the
 * repository (repo.ts). Finally the repository index is rewritten.
 *
 * Layout under the build folder (default build/):
 *   cookbook/NAME/{source,stage,work,sysroot}/   fetched source, built files, scratch, deps' stages
 *   cookbook/NAME/cache.json                     the cache record
 *   cookbook/NAME/build.log                      the last real build's log (kept after failures;
 *                                                a cached cook leaves it alone)
 *   cookbook/NAME/fetch.log                      the last fetch's log (every cook fetches first)
 *   cookbook/downloads/                          tarballs by hash
 *   repo/NAME.pkgar, repo/NAME.toml, repo/repo.idx
 *   id_ed25519.toml, id_ed25519.pub.toml         the signing key pair (made on first use)
 */
import { appendFileSync, cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { cacheKey, fileHash, readRecord, staleReason, treeHash, writeRecord } from './cache.ts';
import { fetchSource } from './fetch.ts';
import { buildClosure, buildOrder, runGraph } from './graph.ts';
import { loadOrCreateKeys } from './keys.ts';
import { PACKAGE_NAME, type IndexEntry } from './package.ts';
import { loadRecipes, type Recipe } from './recipe.ts';
import { packagedEntry, packageStage, writeIndex } from './repo.ts';
import { findProjectRoot } from './templates/esbuild.ts';
import { TARGET, TEMPLATE_TABLE } from './templates/index.ts';

export interface CookOptions {
  /** The redox-ts project root (default: found from this file). */
  root?: string;
  /** Default ROOT/recipes. */
  recipesDir?: string;
  /** Default ROOT/build. */
  buildDir?: string;
  /** Recipes built at once (default: min(4, available CPUs)). */
  jobs?: number;
  /** Rebuild even when the cache record holds. */
  force?: boolean;
  /** Only fetch sources. */
  fetchOnly?: boolean;
  onEvent?: (event: CookEvent) => void;
}

export type CookStatus = 'built' | 'cached' | 'fetched' | 'failed' | 'skipped';

export interface CookedRecipe {
  name: string;
  status: CookStatus;
  /** Why it was built, or why it failed or was skipped. */
  reason: string;
  ms: number;
  /** The recipe's log file. */
  log: string;
  package?: IndexEntry;
}

export type CookEvent =
  | { type: 'plan'; order: string[] }
  /** A recipe starts a real build (a cached one sends no start). */
  | { type: 'start'; name: string; reason: string; total: number }
  | { type: 'done'; result: CookedRecipe; finished: number; total: number };

export interface CookReport {
  results: CookedRecipe[];
  ok: boolean;
  ms: number;
  /** The repository index was rewritten. */
  indexWritten: boolean;
}

/** Names under build/cookbook that are not a recipe's folder. */
export const RESERVED_COOKBOOK_NAMES: readonly string[] = ['downloads'];

export class Layout {
  constructor(readonly buildDir: string) {}
  /**
   * build/cookbook/NAME. NAME must be a package name (PACKAGE_NAME) other than a reserved one,
   * and the folder must lie inside build/cookbook: anything else (`..`, a path) throws, naming it.
   */
  recipe(name: string): string {
    const cookbook = resolve(this.buildDir, 'cookbook');
    if (typeof name !== 'string' || !PACKAGE_NAME.test(name) || RESERVED_COOKBOOK_NAMES.includes(name)) {
      throw new Error(`${JSON.stringify(name)} is not a recipe name (lowercase letters, digits, . _ + -, starting with a letter or digit${RESERVED_COOKBOOK_NAMES.length > 0 ? `; not ${RESERVED_COOKBOOK_NAMES.join(', ')}` : ''})`);
    }
    const folder = join(this.buildDir, 'cookbook', name);
    const inside = relative(cookbook, resolve(folder));
    if (inside === '' || inside.startsWith('..') || inside.includes(sep)) throw new Error(`${JSON.stringify(name)}: its build folder ${folder} would not be inside ${cookbook}`);
    return folder;
  }
  stage(name: string): string {
    return join(this.recipe(name), 'stage');
  }
  work(name: string): string {
    return join(this.recipe(name), 'work');
  }
  sysroot(name: string): string {
    return join(this.recipe(name), 'sysroot');
  }
  record(name: string): string {
    return join(this.recipe(name), 'cache.json');
  }
  log(name: string): string {
    return join(this.recipe(name), 'build.log');
  }
  fetchLog(name: string): string {
    return join(this.recipe(name), 'fetch.log');
  }
  fetch(name: string): { downloads: string; source: string; stamp: string } {
    return { downloads: join(this.buildDir, 'cookbook', 'downloads'), source: join(this.recipe(name), 'source'), stamp: join(this.recipe(name), 'source.stamp') };
  }
  get repo(): string {
    return join(this.buildDir, 'repo');
  }
}

export interface Cookbook {
  root: string;
  recipesDir: string;
  layout: Layout;
  recipes: Map<string, Recipe>;
}

/** The build folder's layout without loading any recipe. */
export function layoutFor(options: CookOptions = {}): Layout {
  return new Layout(options.buildDir ?? join(options.root ?? findProjectRoot(), 'build'));
}

/** Loads every recipe (a bad one throws its RecipeError) and the layout. */
export function openCookbook(options: CookOptions = {}): Cookbook {
  const root = options.root ?? findProjectRoot();
  const recipesDir = options.recipesDir ?? join(root, 'recipes');
  return { root, recipesDir, layout: new Layout(options.buildDir ?? join(root, 'build')), recipes: loadRecipes(recipesDir, join(recipesDir, '..')) };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Merges the stages of `name`'s build dependencies (transitively) into its sysroot. */
function makeSysroot(book: Cookbook, name: string): string {
  const sysroot = book.layout.sysroot(name);
  rmSync(sysroot, { recursive: true, force: true });
  mkdirSync(sysroot, { recursive: true });
  for (const dep of buildClosure(book.recipes, name)) cpSync(book.layout.stage(dep), sysroot, { recursive: true, verbatimSymlinks: true, force: true });
  return sysroot;
}

/**
 * Builds a recipe from scratch into an emptied stage with its template, then records the cache
 * entry (the key, the hashes of the inputs the template read, the stage's hash). Returns the
 * output hash.
 */
async function buildFresh(book: Cookbook, recipe: Recipe, sourceDir: string | null, key: string, log: (text: string) => void): Promise<string> {
  const { layout } = book;
  const t0 = performance.now();
  const stage = layout.stage(recipe.name);
  for (const path of [stage, layout.work(recipe.name), layout.record(recipe.name)]) rmSync(path, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  mkdirSync(layout.work(recipe.name), { recursive: true });
  const built = await TEMPLATE_TABLE[recipe.build.template].build({
    recipe, sourceDir, stageDir: stage, buildDir: layout.work(recipe.name), sysroot: makeSysroot(book, recipe.name), target: TARGET, root: book.root, log,
  });
  const output = treeHash(stage);
  const inputs = Object.fromEntries(built.inputs.filter((p) => existsSync(p)).map((p) => [p, fileHash(p)]));
  writeRecord(layout.record(recipe.name), { key, inputs, output, builtAt: new Date().toISOString(), ms: Math.round(performance.now() - t0) });
  return output;
}

/**
 * Cooks `names` (every recipe if empty) and what they depend on. Recipe and graph errors
 * (bad recipe, cycle, missing dependency) throw before anything is built; build failures are
 * reported per recipe, and their dependents are skipped.
 */
export async function cook(names: readonly string[], options: CookOptions = {}): Promise<CookReport> {
  const started = performance.now();
  const book = openCookbook(options);
  const { layout, recipes } = book;
  const order = buildOrder(recipes, names.length > 0 ? names : [...recipes.keys()], join(book.recipesDir, '..'), book.recipesDir).map((r) => r.name);
  options.onEvent?.({ type: 'plan', order });
  const keys = options.fetchOnly ? null : loadOrCreateKeys(layout.buildDir);
  const outputs = new Map<string, string>();
  let finished = 0;
  let changed = false;
  // The log each recipe is writing now (fetch.log, then build.log if it builds): a failure is
  // noted in the log of the step that failed, and the report points there.
  const currentLog = new Map<string, string>();
  const startLog = (name: string, file: string, header: string): ((text: string) => void) => {
    writeFileSync(file, `# ${header} at ${new Date().toISOString()}\n`);
    currentLog.set(name, file);
    return (text) => appendFileSync(file, `${text}\n`);
  };

  const cookOne = async (name: string): Promise<CookedRecipe> => {
    const recipe = recipes.get(name)!;
    const t0 = performance.now();
    mkdirSync(layout.recipe(name), { recursive: true });
    const what = `${name} ${recipe.package.version} (${recipe.build.template})`;
    const result = (status: CookStatus, reason: string, pkg?: IndexEntry): CookedRecipe => ({ name, status, reason, ms: Math.round(performance.now() - t0), log: currentLog.get(name)!, ...(pkg ? { package: pkg } : {}) });
    const source = await fetchSource(recipe, layout.fetch(name), startLog(name, layout.fetchLog(name), `fetching ${what}`));
    if (options.fetchOnly) return result('fetched', source.dir ?? 'no source');
    const template = TEMPLATE_TABLE[recipe.build.template];
    const tracked = template.sourceKey && recipe.source?.kind === 'path' && source.dir === recipe.source.path;
    const sourceHash = tracked ? template.sourceKey!(recipe, source.dir!) : source.hash;
    const key = cacheKey({
      template: template.name, templateVersion: template.version, recipeText: recipe.text, sourceHash, patchHashes: source.patchHashes,
      dependencyOutputs: Object.fromEntries(recipe.build.dependencies.map((d) => [d, outputs.get(d)!])),
    });
    const stage = layout.stage(name);
    const record = readRecord(layout.record(name));
    const stale = options.force ? 'forced' : staleReason(record, key, stage);
    if (stale === null) {
      // The last build's log still describes the stage, so it is left as it is.
      currentLog.set(name, layout.log(name));
      outputs.set(name, record!.output);
      const existing = packagedEntry(layout.repo, name, keys!.publicKey);
      if (existing) return result('cached', 'unchanged', existing);
      changed = true;
      appendFileSync(layout.log(name), `# ${new Date().toISOString()}: stage unchanged; packaging again (archive missing, altered or signed by another key)\n`);
      return result('cached', 'repackaged', packageStage(recipe, stage, layout.repo, keys!));
    }
    const log = startLog(name, layout.log(name), `building ${what}`);
    options.onEvent?.({ type: 'start', name, reason: stale, total: order.length });
    log(`building: ${stale}`);
    outputs.set(name, await buildFresh(book, recipe, source.dir, key, log));
    changed = true;
    const pkg = packageStage(recipe, stage, layout.repo, keys!);
    log(`packaged ${name}.pkgar (${pkg.size} bytes, sha256 ${pkg.sha256})`);
    return result('built', stale, pkg);
  };

  const settled = await runGraph(order, (n) => recipes.get(n)!.build.dependencies, options.jobs ?? Math.min(4, availableParallelism()), async (name) => {
    try {
      const done = await cookOne(name);
      options.onEvent?.({ type: 'done', result: done, finished: ++finished, total: order.length });
      return done;
    } catch (err) {
      const logFile = currentLog.get(name) ?? layout.log(name);
      appendFileSync(logFile, `FAILED: ${errorText(err)}\n`);
      const failed: CookedRecipe = { name, status: 'failed', reason: errorText(err), ms: 0, log: logFile };
      options.onEvent?.({ type: 'done', result: failed, finished: ++finished, total: order.length });
      throw err;
    }
  });
  const results = order.map((name): CookedRecipe => {
    const r = settled.get(name)!;
    if (r.status === 'ok') return r.value;
    if (r.status === 'failed') return { name, status: 'failed', reason: errorText(r.error), ms: 0, log: currentLog.get(name) ?? layout.log(name) };
    const skipped: CookedRecipe = { name, status: 'skipped', reason: `dependency ${r.because} failed`, ms: 0, log: layout.log(name) };
    options.onEvent?.({ type: 'done', result: skipped, finished: ++finished, total: order.length });
    return skipped;
  });
  let indexWritten = false;
  if (keys && (changed || !existsSync(join(layout.repo, 'repo.idx')))) {
    writeIndex(layout.repo, keys);
    indexWritten = true;
  }
  return { results, ok: results.every((r) => r.status !== 'failed' && r.status !== 'skipped'), ms: Math.round(performance.now() - started), indexWritten };
}
