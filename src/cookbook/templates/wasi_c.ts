/**
 * The wasi-c template: C compiled to a wasm32-wasi command with Debian's clang, lld and
 * wasi-libc (the flags of scripts/build-wasm.sh), installed as stage/bin/OUTPUT. With
 * `libredox = true` the program is linked with our POSIX extensions (libc/c: posix_spawn,
 * pipes, signals ...), which run only on redox-ts. Headers and libraries staged by build
 * dependencies (sysroot/include, sysroot/lib) are on the include and library paths.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runTool, toolExists } from './_process.ts';
import { TemplateError, type Template, type TemplateContext, type TemplateResult } from './types.ts';

export const WASI_SYSROOT = '/usr/share/wasi-sysroot';
const INSTALL_HINT = "install Debian's clang, lld and wasi-libc (apt-get install clang lld wasi-libc libclang-rt-dev-wasm32) or set CC";

export function compiler(): string {
  return process.env.CC ?? 'clang';
}

/** The target flags every wasm32-wasi compile uses. */
export function wasiTargetFlags(target: string): string[] {
  return [`--target=${target}`, ...(existsSync(WASI_SYSROOT) ? [`--sysroot=${WASI_SYSROOT}`] : [])];
}

/** Fails with a clear message when the C compiler is missing. */
export function requireCompiler(what: string): string {
  const cc = compiler();
  if (!toolExists(cc)) throw new TemplateError(`${what}: the C compiler ${JSON.stringify(cc)} was not found; ${INSTALL_HINT}`);
  return cc;
}

function cFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.c')).sort();
}

export const wasiCTemplate: Template = {
  name: 'wasi-c',
  version: 1,
  async build(ctx: TemplateContext): Promise<TemplateResult> {
    const cc = requireCompiler('wasi-c');
    const src = ctx.sourceDir!;
    const dir = statSync(src).isDirectory() ? src : join(src, '..');
    const sources = statSync(src).isDirectory() ? (ctx.recipe.build.sources.length > 0 ? ctx.recipe.build.sources : cFiles(src)) : [src];
    if (sources.length === 0) throw new TemplateError(`wasi-c: no .c files in ${src} (list them in [build] sources)`);
    for (const file of sources) {
      if (!existsSync(join(dir, file))) throw new TemplateError(`wasi-c: [build] sources names ${JSON.stringify(file)} but ${join(dir, file)} does not exist`);
    }
    const inputs: string[] = [];
    const extra: string[] = [];
    if (ctx.recipe.build.libredox) {
      const libc = join(ctx.root, 'libc/c');
      for (const file of cFiles(join(libc, 'src'))) extra.push(join(libc, 'src', file));
      extra.push(`-I${join(libc, 'include')}`);
      inputs.push(...extra.filter((a) => !a.startsWith('-')), ...headers(join(libc, 'include')));
    }
    mkdirSync(join(ctx.stageDir, 'bin'), { recursive: true });
    const out = join(ctx.stageDir, 'bin', ctx.recipe.build.output);
    const args = [
      ...wasiTargetFlags(ctx.target), '-O2', '-D_GNU_SOURCE', `-I${join(ctx.sysroot, 'include')}`, `-L${join(ctx.sysroot, 'lib')}`,
      ...ctx.recipe.build.cflags, '-Wl,--strip-all', ...ctx.recipe.build.ldflags, '-o', out, ...sources, ...extra,
    ];
    await runTool('wasi-c', cc, args, { cwd: dir, log: ctx.log });
    return { inputs };
  },
};

function headers(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...headers(path));
    else if (name.endsWith('.h')) found.push(path);
  }
  return found;
}
