/**
 * The custom template: the recipe's [build] script, run by `sh -e` in a scratch folder with
 * the cookbook's variables (docs/recipes.md): COOKBOOK_SOURCE, COOKBOOK_STAGE, COOKBOOK_BUILD,
 * COOKBOOK_SYSROOT, COOKBOOK_RECIPE, COOKBOOK_ROOT, TARGET, and CC/CFLAGS/LDFLAGS for
 * wasm32-wasi. The script fills COOKBOOK_STAGE.
 */
import { existsSync } from 'node:fs';
import { runTool } from './_process.ts';
import { compiler, wasiTargetFlags } from './wasi_c.ts';
import type { Template, TemplateContext, TemplateResult } from './types.ts';

export function cookbookVariables(ctx: TemplateContext): Record<string, string> {
  return {
    COOKBOOK_SOURCE: ctx.sourceDir ?? '',
    COOKBOOK_STAGE: ctx.stageDir,
    COOKBOOK_BUILD: ctx.buildDir,
    COOKBOOK_SYSROOT: ctx.sysroot,
    COOKBOOK_RECIPE: ctx.recipe.dir,
    COOKBOOK_NAME: ctx.recipe.name,
    COOKBOOK_VERSION: ctx.recipe.package.version,
    COOKBOOK_ROOT: ctx.root,
    TARGET: ctx.target,
    CC: compiler(),
    CFLAGS: [...wasiTargetFlags(ctx.target), '-O2'].join(' '),
    LDFLAGS: wasiTargetFlags(ctx.target).join(' '),
  };
}

export const customTemplate: Template = {
  name: 'custom',
  version: 1,
  async build(ctx: TemplateContext): Promise<TemplateResult> {
    const cwd = ctx.buildDir;
    if (!existsSync(cwd)) throw new Error(`custom: the build folder ${cwd} is missing`);
    await runTool('custom', 'sh', ['-e', '-c', ctx.recipe.build.script], { cwd, env: cookbookVariables(ctx), log: ctx.log });
    return { inputs: [] };
  },
};
