/**
 * Builds everything `npm install` must build, through the cookbook: the host CLI (dist/cli.js),
 * then the default configuration's pipeline in this process: `redox build` (cook every package
 * config/base.toml names: the kernel, the initfs, the daemons, the userland) and `redox image`
 * (build/base/harddrive.img, from which the host boots), which also writes the same tree as a
 * live initfs archive, dist/initfs.img (booted with a RAM root by tests, and read by the Linux
 * backend for its programs). Run again with nothing changed, nothing is rebuilt or rewritten.
 */
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { assembleImage, configFile, cookConfig, loadConfig } from '../src/cookbook/image.ts';
import { progress, summary } from '../src/cli/commands/_common.ts';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');

async function bundleHost(): Promise<void> {
  await build({
    entryPoints: { cli: join(root, 'src/cli/redox.ts') },
    outdir: dist, bundle: true, platform: 'node', format: 'esm', target: 'node20', sourcemap: false, logLevel: 'warning',
    packages: 'external',
  });
}

async function main(): Promise<number> {
  const started = performance.now();
  mkdirSync(dist, { recursive: true });
  const config = loadConfig(configFile('base', root));
  const [, report] = await Promise.all([bundleHost(), cookConfig(config, { root, onEvent: progress(true) })]);
  if (!report.ok) {
    summary(report);
    return 1;
  }
  const image = assembleImage(config, { root, live: join(dist, 'initfs.img') });
  const built = report.results.filter((r) => r.status === 'built').length;
  const ms = (performance.now() - started).toFixed(0);
  const images = image.upToDate ? 'build/base/harddrive.img and dist/initfs.img up to date' : `wrote ${image.written.map((path) => relative(root, path)).join(' and ')}`;
  process.stdout.write(`${built} of ${report.results.length} recipes built; ${images} (${image.packages.length} packages) in ${ms} ms\n`);
  return 0;
}

try {
  process.exitCode = await main();
} catch (err) {
  process.stderr.write(`build: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
