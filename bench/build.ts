/**
 * The build system: `redox build` (the default configuration's packages) into a fresh build
 * folder (clean cache: every recipe cooked, a new key pair made), then again with nothing
 * changed (every recipe cached). The first is set beside the bare esbuild bundling of the same
 * programs and boot code plus a Node start; the second beside a bare Node start, since a cached
 * build should cost little more than starting the command.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundlePrograms, programNames } from '../src/cookbook/templates/esbuild.ts';
import { bundleBoot } from '../src/cookbook/templates/kernel.ts';
import { nodeStartMillis } from './floors.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REDOX = join(ROOT, 'bin/redox');

function timedBuild(buildDir: string): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, [REDOX, 'build', '-q', '--build-dir', buildDir], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`redox build failed: ${result.stderr}`);
  return performance.now() - start;
}

/** The bundling work alone: every program of src/userland/bin and the kernel, no cache, no packaging. */
async function bareBundleMillis(): Promise<number> {
  const programsDir = join(ROOT, 'src/userland/bin');
  const start = performance.now();
  await Promise.all([bundlePrograms(programsDir, programNames(programsDir), { root: ROOT }), bundleBoot(ROOT)]);
  return performance.now() - start;
}

export type Row = (name: string, value: number, unit: string, floorName: string, floor: number, higherIsBetter: boolean) => void;

export async function runBuildBench(row: Row): Promise<void> {
  const buildDir = mkdtempSync(join(tmpdir(), 'redox-bench-build-'));
  try {
    const first = timedBuild(buildDir);
    const second = timedBuild(buildDir);
    const nodeStart = nodeStartMillis(5);
    row('redox build, clean cache', first, 'ms', 'esbuild bundles + node start', (await bareBundleMillis()) + nodeStart, false);
    row('redox build, nothing changed', second, 'ms', 'bare `node -e ""`', nodeStart, false);
  } finally {
    rmSync(buildDir, { recursive: true, force: true });
  }
}
