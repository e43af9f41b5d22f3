/** The build templates by name ([build] template in a recipe). */
import type { TemplateName } from '../recipe.ts';
import { customTemplate } from './custom.ts';
import { esbuildTemplate } from './esbuild.ts';
import { initfsTemplate } from './initfs.ts';
import { kernelTemplate } from './kernel.ts';
import { noneTemplate } from './none.ts';
import type { Template } from './types.ts';
import { wasiCTemplate } from './wasi_c.ts';
import { wasiMakeTemplate } from './wasi_make.ts';

export const TEMPLATE_TABLE: Record<TemplateName, Template> = {
  esbuild: esbuildTemplate,
  'wasi-c': wasiCTemplate,
  'wasi-make': wasiMakeTemplate,
  custom: customTemplate,
  none: noneTemplate,
  kernel: kernelTemplate,
  initfs: initfsTemplate,
};

export * from './types.ts';
