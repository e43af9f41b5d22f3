/**
 * What every build template receives and returns. A template reads the recipe's source, may
 * read its build dependencies' outputs from the sysroot, and writes the package's files into
 * the stage (the stage's tree is the package: stage/bin/NAME becomes /bin/NAME).
 */
import type { Recipe } from '../recipe.ts';

export interface TemplateContext {
  recipe: Recipe;
  /** The source folder (fetched and patched), or null for a recipe without [source]. */
  sourceDir: string | null;
  /** Empty at the start of the build; the template fills it. */
  stageDir: string;
  /** Empty scratch folder for intermediate files. */
  buildDir: string;
  /** The staged outputs of every build dependency, merged (include/, lib/, bin/ ...). */
  sysroot: string;
  /** The target triple of compiled code. */
  target: string;
  /** The redox-ts project root (src/libc, libc/c, scripts/). */
  root: string;
  /** Appends a line to the recipe's build log. */
  log(text: string): void;
}

export interface TemplateResult {
  /** Files read (outside the source folder, or anywhere with `sourceKey`) whose change must rebuild the recipe. */
  inputs: string[];
}

export interface Template {
  name: string;
  /** Bumped whenever the template's output for the same inputs would change. */
  version: number;
  build(ctx: TemplateContext): Promise<TemplateResult>;
  /**
   * For a template that reports every file it reads (its result's `inputs`, sources included):
   * what stands for a local path source in the cache key instead of the whole tree's hash, so
   * recipes sharing one source folder rebuild only when a file they use changes.
   */
  sourceKey?(recipe: Recipe, sourceDir: string): string;
}

/** A template failure the user can act on (missing compiler, compile error ...). */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

export const TARGET = 'wasm32-wasi';
