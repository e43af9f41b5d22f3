/**
 * The esbuild template: TypeScript programs bundled into the `#!redox-js` program format
 * (docs/programs.md): each program module exports `main(args)`; its bundle is an IIFE script
 * whose entry imports it and calls libc's `start(main)`. scripts/build.ts bundles the
 * system's own programs (src/userland/bin) with the same function, so a recipe's program and
 * a built-in one are byte-for-byte the same kind of file.
 *
 * A recipe's program may import libc as `@redox/libc` (src/libc/index.ts). Every module a bundle
 * read is reported as an input, so recipes sharing a source folder (src/userland/bin) rebuild
 * only when a module they use changes.
 */
import { build, type Plugin } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256Hex } from '../cache.ts';
import { bundleConfigFiles } from './fingerprint.ts';
import { TemplateError, type Template, type TemplateContext, type TemplateResult } from './types.ts';

export const JS_MAGIC = '#!redox-js\n';

/** The redox-ts project root: the nearest folder above `from` whose package.json names redox-ts. */
export function findProjectRoot(from = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'redox-ts') return dir;
    if (dirname(dir) === dir) throw new Error(`cannot find the redox-ts project root above ${from}`);
  }
}

/** The program modules in `programsDir`: every `NAME.ts` not starting with `_`. */
export function programNames(programsDir: string): string[] {
  return readdirSync(programsDir).filter((f) => f.endsWith('.ts') && !f.startsWith('_')).map((f) => basename(f, '.ts'));
}

function programEntryPlugin(programsDir: string, root: string): Plugin {
  return {
    name: 'program-entry',
    setup(b) {
      b.onResolve({ filter: /^program:/ }, (args) => ({ path: args.path.slice('program:'.length), namespace: 'program' }));
      b.onLoad({ filter: /.*/, namespace: 'program' }, (args) => ({
        contents: `import { main } from ${JSON.stringify(join(programsDir, `${args.path}.ts`))};\nimport { start } from ${JSON.stringify(join(root, 'src/libc/start.ts'))};\nstart(main);\n`,
        resolveDir: root,
        loader: 'ts',
      }));
    },
  };
}

export interface BundleOptions {
  /** The project root (src/libc/start.ts is taken from it); found from this file by default. */
  root?: string;
  /** Import aliases, e.g. `{ '@redox/libc': '/.../src/libc/index.ts' }`. */
  alias?: Record<string, string>;
}

export interface BundledPrograms {
  /** Program name -> its `#!redox-js` bundle. */
  programs: Record<string, Uint8Array>;
  /** Absolute paths of every file the bundles were built from. */
  inputs: string[];
}

/** Bundles `names` (modules NAME.ts in `programsDir`) into `#!redox-js` programs. */
export async function bundlePrograms(programsDir: string, names: string[], options: BundleOptions = {}): Promise<BundledPrograms> {
  const root = options.root ?? findProjectRoot();
  const result = await build({
    entryPoints: Object.fromEntries(names.map((n) => [n, `program:${n}`])),
    outdir: join(root, 'dist/bin'), bundle: true, platform: 'neutral', format: 'iife', target: 'es2022', write: false,
    plugins: [programEntryPlugin(programsDir, root)], logLevel: 'warning', mainFields: ['module', 'main'], minifyWhitespace: true,
    banner: { js: JS_MAGIC }, metafile: true, ...(options.alias ? { alias: options.alias } : {}),
  });
  const inputs = Object.keys(result.metafile.inputs).filter((p) => !p.startsWith('program:')).map((p) => resolve(p)).sort();
  return { programs: Object.fromEntries(result.outputFiles.map((f) => [basename(f.path, '.js'), f.contents])), inputs };
}

export const esbuildTemplate: Template = {
  name: 'esbuild',
  version: 1,
  async build(ctx: TemplateContext): Promise<TemplateResult> {
    const dir = ctx.sourceDir!;
    if (!statSync(dir).isDirectory()) throw new TemplateError(`esbuild: the source ${dir} is not a folder of program modules (NAME.ts exporting main)`);
    const names = ctx.recipe.build.programs.length > 0 ? ctx.recipe.build.programs : programNames(dir);
    for (const name of names) {
      if (!existsSync(join(dir, `${name}.ts`))) throw new TemplateError(`esbuild: [build] programs names ${JSON.stringify(name)} but ${join(dir, `${name}.ts`)} does not exist`);
    }
    if (names.length === 0) throw new TemplateError(`esbuild: no program modules (NAME.ts) in ${dir}`);
    let bundled: BundledPrograms;
    try {
      bundled = await bundlePrograms(dir, names, { root: ctx.root, alias: { '@redox/libc': join(ctx.root, 'src/libc/index.ts') } });
    } catch (err) {
      throw new TemplateError(`esbuild: bundling failed: ${(err as Error).message}`);
    }
    mkdirSync(join(ctx.stageDir, 'bin'), { recursive: true });
    for (const [name, data] of Object.entries(bundled.programs).sort()) {
      writeFileSync(join(ctx.stageDir, 'bin', name), data, { mode: 0o755 });
      ctx.log(`bundled bin/${name} (${data.length} bytes)`);
    }
    // esbuild also reads tsconfig.json and package.json files it does not list as inputs.
    return { inputs: [...bundled.inputs, ...bundleConfigFiles(bundled.inputs)] };
  },
  sourceKey(recipe, sourceDir) {
    const names = recipe.build.programs.length > 0 ? recipe.build.programs : programNames(sourceDir).sort();
    return sha256Hex(JSON.stringify(['esbuild programs', names]));
  },
};
