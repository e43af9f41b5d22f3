/**
 * The kernel template: the machine's boot code, `boot/kernel.js` (the kernel Worker,
 * src/host/node/kernel_worker.ts) and `boot/procrt.js` (the process runtime every process
 * Worker starts with, src/host/node/process_worker.ts, carrying the WebAssembly runtime
 * src/libc/wasi/runtime.ts as the string __REDOX_WASMRT__). Both are bundled from the project
 * tree (ctx.root), so the recipe needs no [source]; every module esbuild read is reported as an
 * input, so the kernel rebuilds exactly when one of them changes.
 */
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { bundleConfigFiles } from './fingerprint.ts';
import { TemplateError, type Template, type TemplateContext, type TemplateResult } from './types.ts';

interface Bundled {
  files: Record<string, Uint8Array>;
  inputs: string[];
}

function inputsOf(metafile: { inputs: Record<string, unknown> }, root: string): string[] {
  return Object.keys(metafile.inputs).map((p) => resolve(root, p));
}

/**
 * libc's WASI and redox_posix import objects as a script whose completion value is its exports;
 * procrt.js evaluates it inside a program's confined context when it starts a wasm program.
 */
async function bundleWasmRuntime(root: string): Promise<{ text: string; inputs: string[] }> {
  const result = await build({
    entryPoints: [join(root, 'src/libc/wasi/runtime.ts')], bundle: true, platform: 'neutral', format: 'iife',
    globalName: '__redoxWasmRuntime', footer: { js: '__redoxWasmRuntime;' }, target: 'es2022', write: false,
    logLevel: 'silent', minifyWhitespace: true, metafile: true, absWorkingDir: root,
  });
  return { text: result.outputFiles[0]!.text, inputs: inputsOf(result.metafile, root) };
}

/** Bundles boot/kernel.js and boot/procrt.js from the project at `root`. */
export async function bundleBoot(root: string): Promise<Bundled> {
  const runtime = await bundleWasmRuntime(root);
  const result = await build({
    entryPoints: { kernel: join(root, 'src/host/node/kernel_worker.ts'), procrt: join(root, 'src/host/node/process_worker.ts') },
    outdir: join(root, 'dist/boot'), bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'silent',
    define: { __REDOX_WASMRT__: JSON.stringify(runtime.text) }, metafile: true, absWorkingDir: root,
  });
  const files = Object.fromEntries(result.outputFiles.map((f) => [basename(f.path), f.contents]));
  return { files, inputs: [...new Set([...runtime.inputs, ...inputsOf(result.metafile, root)])].sort() };
}

export const kernelTemplate: Template = {
  name: 'kernel',
  version: 1,
  async build(ctx: TemplateContext): Promise<TemplateResult> {
    let bundled: Bundled;
    try {
      bundled = await bundleBoot(ctx.root);
    } catch (err) {
      throw new TemplateError(`kernel: bundling failed: ${(err as Error).message}`);
    }
    mkdirSync(join(ctx.stageDir, 'boot'), { recursive: true });
    for (const [name, data] of Object.entries(bundled.files).sort()) {
      writeFileSync(join(ctx.stageDir, 'boot', name), data, { mode: 0o644 });
      ctx.log(`bundled boot/${name} (${data.length} bytes)`);
    }
    // esbuild also reads tsconfig.json and package.json files it does not list as inputs.
    return { inputs: [...bundled.inputs, ...bundleConfigFiles(bundled.inputs)] };
  },
};
