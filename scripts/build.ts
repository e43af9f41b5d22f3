/**
 * Builds everything `npm install` must build: the host CLI (dist/cli.js), the kernel and process
 * runtime bundles, every userland program as a `#!redox-js` bundle, the boot archive
 * (dist/initfs.img) holding /boot, /bin and /etc from config/initfs, and the default disk
 * (build/base/harddrive.img): a RedoxFS volume with the same tree plus /boot/initfs.img,
 * from which the host boots and on which the root filesystem lives.
 */
import { build } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { writeDiskImage } from '../src/host/node/disk_image.ts';
import { basename, join, relative } from 'node:path';
import { buildInitfs, type InitfsFile } from '../src/syscall/initfs.ts';
import { bundlePrograms as bundleProgramModules, programNames } from '../src/cookbook/templates/esbuild.ts';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');
const programsDir = join(root, 'src/userland/bin');
async function bundleHost(): Promise<void> {
  await build({
    entryPoints: { cli: join(root, 'src/cli/redox.ts') },
    outdir: dist, bundle: true, platform: 'node', format: 'esm', target: 'node20', sourcemap: false, logLevel: 'warning',
    packages: 'external',
  });
}

/**
 * The WebAssembly runtime (src/libc/wasi/runtime.ts: libc's WASI and redox_posix import objects),
 * a script whose completion value is its exports; procrt.js embeds it as __REDOX_WASMRT__ and
 * evaluates it inside the program's confined context when it starts a wasm program.
 */
async function bundleWasmRuntime(): Promise<string> {
  const result = await build({
    entryPoints: [join(root, 'src/libc/wasi/runtime.ts')], bundle: true, platform: 'neutral', format: 'iife',
    globalName: '__redoxWasmRuntime', footer: { js: '__redoxWasmRuntime;' }, target: 'es2022', write: false,
    logLevel: 'warning', minifyWhitespace: true,
  });
  return result.outputFiles[0]!.text;
}

async function bundleBoot(): Promise<Record<string, Uint8Array>> {
  const wasmRuntime = await bundleWasmRuntime();
  const result = await build({
    entryPoints: { kernel: join(root, 'src/host/node/kernel_worker.ts'), procrt: join(root, 'src/host/node/process_worker.ts') },
    outdir: join(dist, 'boot'), bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'warning',
    define: { __REDOX_WASMRT__: JSON.stringify(wasmRuntime) },
  });
  return Object.fromEntries(result.outputFiles.map((f) => [basename(f.path), f.contents]));
}

/** Each program module exports `main`; its bundle entry calls libc's start with it (src/cookbook/templates/esbuild.ts). */
async function bundlePrograms(): Promise<Record<string, Uint8Array>> {
  return (await bundleProgramModules(programsDir, programNames(programsDir), { root })).programs;
}

function configFiles(dir: string, base = dir): InitfsFile[] {
  const files: InitfsFile[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const info = statSync(path);
    const inside = relative(base, path);
    if (info.isDirectory()) files.push({ path: inside, kind: 'dir', mode: 0o755 }, ...configFiles(path, base));
    else files.push({ path: inside, mode: info.mode & 0o777, data: readFileSync(path) });
  }
  return files;
}

const DISK_BYTES = 256 * 1024 * 1024;

/** Modes git cannot record: set-user-ID programs and root-only files. */
const MODE_OVERRIDES: Record<string, number> = { 'bin/su': 0o4755, 'etc/shadow': 0o600 };

async function main(): Promise<void> {
  const started = performance.now();
  mkdirSync(dist, { recursive: true });
  const [, boot, programs] = await Promise.all([bundleHost(), bundleBoot(), bundlePrograms()]);
  const files: InitfsFile[] = [
    { path: 'boot', kind: 'dir', mode: 0o755 },
    { path: 'boot/kernel.js', mode: 0o644, data: boot['kernel.js']! },
    { path: 'boot/procrt.js', mode: 0o644, data: boot['procrt.js']! },
    { path: 'bin', kind: 'dir', mode: 0o755 },
    ...Object.entries(programs).sort().map(([name, data]) => ({ path: `bin/${name}`, mode: 0o755, data })),
    ...configFiles(join(root, 'config/initfs')),
  ];
  for (const file of files) file.mode = MODE_OVERRIDES[file.path] ?? file.mode;
  const image = buildInitfs(files, Date.now());
  writeFileSync(join(dist, 'initfs.img'), image);
  mkdirSync(join(root, 'build/base'), { recursive: true });
  writeDiskImage(join(root, 'build/base/harddrive.img'), files, image, { sizeBytes: DISK_BYTES });
  const ms = (performance.now() - started).toFixed(0);
  process.stdout.write(`built dist/initfs.img (${Object.keys(programs).length} programs, ${(image.length / 1024).toFixed(0)} KiB) and build/base/harddrive.img in ${ms} ms\n`);
}

await main();
