/**
 * The wasi-make template: the source's own Makefile, run in a copy of the source with the
 * compiler set for wasm32-wasi: `make [make_args]` then `make install DESTDIR=STAGE PREFIX=`,
 * with CC, AR, RANLIB, CFLAGS, LDFLAGS and TARGET in both the environment and make's
 * command line.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { runTool } from './_process.ts';
import { requireCompiler, wasiTargetFlags } from './wasi_c.ts';
import type { Template, TemplateContext, TemplateResult } from './types.ts';

export const wasiMakeTemplate: Template = {
  name: 'wasi-make',
  version: 1,
  async build(ctx: TemplateContext): Promise<TemplateResult> {
    const cc = requireCompiler('wasi-make');
    const work = join(ctx.buildDir, 'src');
    cpSync(ctx.sourceDir!, work, { recursive: true });
    const vars: Record<string, string> = {
      CC: cc,
      AR: 'llvm-ar',
      RANLIB: 'llvm-ranlib',
      TARGET: ctx.target,
      CFLAGS: [...wasiTargetFlags(ctx.target), '-O2', `-I${join(ctx.sysroot, 'include')}`, ...ctx.recipe.build.cflags].join(' '),
      LDFLAGS: [...wasiTargetFlags(ctx.target), `-L${join(ctx.sysroot, 'lib')}`, ...ctx.recipe.build.ldflags].join(' '),
    };
    const asArgs = Object.entries(vars).map(([k, v]) => `${k}=${v}`);
    await runTool('wasi-make', 'make', [...asArgs, ...ctx.recipe.build.makeArgs], { cwd: work, env: vars, log: ctx.log });
    await runTool('wasi-make', 'make', [...asArgs, 'install', `DESTDIR=${ctx.stageDir}`, 'PREFIX='], { cwd: work, env: vars, log: ctx.log });
    return { inputs: [] };
  },
};
