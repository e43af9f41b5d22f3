/**
 * What a template's output depends on beyond the recipe, its source and its dependencies, for
 * the cache key (cache.ts): the template's own code (its module and every project module it
 * imports, transitively, e.g. src/syscall/initfs.ts for initfs), esbuild's version, and for the
 * C-compiling templates (wasi-c, wasi-make, custom) the compiler they run (CC as resolved on
 * PATH, its `--version`) and the target flags (whether /usr/share/wasi-sysroot exists). So a
 * change to a template or its tools rebuilds its recipes without a manual version bump.
 *
 * The code hash and the compiler's version are computed once per process (per compiler path);
 * the environment (CC, the sysroot) is looked at on every key.
 */
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { delimiter, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { version as esbuildVersion } from 'esbuild';
import { findProjectRoot } from './esbuild.ts';
import { TARGET } from './types.ts';
import { compiler, wasiTargetFlags } from './wasi_c.ts';

/**
 * templates/ in the project's sources, found from the project root: this module's own folder is
 * dist/ when the `redox` command runs bundled, and the hashes must not depend on that.
 */
let templatesDir: { root: string; dir: string } | null = null;
function templatesFolder(): { root: string; dir: string } {
  if (!templatesDir) {
    const root = findProjectRoot();
    templatesDir = { root, dir: join(root, 'src', 'cookbook', 'templates') };
  }
  return templatesDir;
}

/** Each template's module (templates/NAME.ts). */
const TEMPLATE_MODULES: Record<string, string> = {
  esbuild: 'esbuild.ts', 'wasi-c': 'wasi_c.ts', 'wasi-make': 'wasi_make.ts', custom: 'custom.ts', none: 'none.ts', kernel: 'kernel.ts', initfs: 'initfs.ts',
};

/** Templates that run the C compiler (and get CC/CFLAGS/LDFLAGS). */
const C_TEMPLATES = new Set(['wasi-c', 'wasi-make', 'custom']);

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `file` and every project module it imports by a relative path, transitively (sorted). */
export function moduleClosure(file: string): string[] {
  const seen = new Set<string>();
  const visit = (path: string): void => {
    if (seen.has(path) || !existsSync(path)) return;
    seen.add(path);
    const text = readFileSync(path, 'utf8');
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/g)) visit(resolve(dirname(path), m[1]!));
  };
  visit(file);
  return [...seen].sort();
}

let testFiles: Record<string, string[]> | null = null;
const codeHashes = new Map<string, string>();

/** The hash of a template's implementation (its module closure) and esbuild's version; once per process. */
export function templateCodeHash(template: string): string {
  let hash = codeHashes.get(template);
  if (hash === undefined) {
    const module = TEMPLATE_MODULES[template];
    const { root, dir } = templatesFolder();
    const files = testFiles?.[template] ?? (module ? moduleClosure(join(dir, module)) : readdirSync(dir).filter((f) => f.endsWith('.ts')).sort().map((f) => join(dir, f)));
    if (files.length === 0) throw new Error(`template ${template}: no implementation found under ${dir} to fingerprint`);
    const h = createHash('sha256').update(`esbuild ${esbuildVersion}\0`);
    // Paths relative to the project, so a clone elsewhere computes the same keys.
    for (const file of files) h.update(`${relative(root, file)}\0${sha256(readFileSync(file))}\0`);
    hash = h.digest('hex');
    codeHashes.set(template, hash);
  }
  return hash;
}

/**
 * For tests: hash these files as the named templates' implementation instead of their real
 * modules (null: back to the real ones). Forgets the hashes computed so far.
 */
export function setTemplateCodeFiles(files: Record<string, string[]> | null): void {
  testFiles = files;
  codeHashes.clear();
}

/** Where `command` is found (as a shell would: a path as given, otherwise the first executable on PATH), or null. */
export function resolveCommand(command: string): string | null {
  const executable = (p: string): boolean => {
    try {
      accessSync(p, constants.X_OK);
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (command.includes('/')) return executable(command) ? resolve(command) : null;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && isAbsolute(dir) && executable(join(dir, command))) return join(dir, command);
  }
  return null;
}

const versions = new Map<string, string>();

/** The first line of `path --version` (once per process per path and modification time). */
function toolVersion(path: string): string {
  const id = `${path}\0${statSync(path).mtimeMs}`;
  let v = versions.get(id);
  if (v === undefined) {
    const run = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
    v = `${run.status} ${(run.stdout ?? '').split('\n')[0]!.trim()}`;
    versions.set(id, v);
  }
  return v;
}

/** The environment a template's output depends on, as resolved now. */
export function templateEnvironment(template: string): unknown {
  if (!C_TEMPLATES.has(template)) return null;
  const cc = compiler();
  const path = resolveCommand(cc);
  const env: Record<string, unknown> = { CC: cc, ccPath: path, ccVersion: path ? toolVersion(path) : null, targetFlags: wasiTargetFlags(TARGET) };
  if (template === 'wasi-make') {
    for (const tool of ['make', 'llvm-ar', 'llvm-ranlib']) env[tool] = resolveCommand(tool);
  }
  return env;
}

/** What stands for the template's code and environment in the cache key. */
export function templateFingerprint(template: string): string {
  return sha256(JSON.stringify([templateCodeHash(template), templateEnvironment(template)]));
}

/**
 * The configuration files esbuild consults while bundling `inputs` but does not list as inputs:
 * every tsconfig.json and package.json in an input's folder or above it (up to the filesystem
 * root). A template reports them as inputs so a change to them rebuilds.
 */
export function bundleConfigFiles(inputs: readonly string[]): string[] {
  const found = new Set<string>();
  const dirs = new Set<string>();
  for (const input of inputs) {
    for (let dir = dirname(input); !dirs.has(dir); dir = dirname(dir)) {
      dirs.add(dir);
      for (const name of ['tsconfig.json', 'package.json']) if (existsSync(join(dir, name))) found.add(join(dir, name));
      if (dirname(dir) === dir) break;
    }
  }
  return [...found].sort();
}
