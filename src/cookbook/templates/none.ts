/**
 * The none template: nothing is compiled. The source tree, if the recipe has one, is the
 * package's file tree as it stands (data, fonts, configuration); without a source the package
 * is empty: a meta-package that only pulls in its runtime dependencies.
 */
import { cpSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Template, TemplateContext, TemplateResult } from './types.ts';

export const noneTemplate: Template = {
  name: 'none',
  version: 1,
  async build(ctx: TemplateContext): Promise<TemplateResult> {
    if (ctx.sourceDir === null) return { inputs: [] };
    if (statSync(ctx.sourceDir).isDirectory()) cpSync(ctx.sourceDir, ctx.stageDir, { recursive: true, verbatimSymlinks: true });
    else cpSync(ctx.sourceDir, join(ctx.stageDir, basename(ctx.sourceDir)));
    ctx.log(`staged ${ctx.sourceDir} as is`);
    return { inputs: [] };
  },
};
