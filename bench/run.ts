/**
 * `npm run bench`: each figure measured inside the booted OS, beside its floor measured on the
 * host in the same run. Medians throughout; read the ratios (the machine is shared and noisy).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { atomicsRoundTripMicros, hostFileMiBps, median, nodeStartMillis, sharedCopyMiBps, workerStartMillis } from './floors.ts';
import { runBuildBench } from './build.ts';
import { runRedoxfsBench } from './redoxfs.ts';

const REDOX = fileURLToPath(new URL('../bin/redox', import.meta.url));

const DISK = fileURLToPath(new URL('../build/base/harddrive.img', import.meta.url));

/** Boots `image` (a scratch copy of the default disk, so file figures include real fsyncs) or the default disk ephemerally. */
function runInOs(command: string, image?: string): { stdout: string; ms: number } {
  const start = performance.now();
  const target = image ? [image] : [DISK, '--ephemeral'];
  const result = spawnSync(process.execPath, [REDOX, 'run', ...target, '-c', command], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`redox run -c ${command} failed: ${result.stderr}`);
  return { stdout: result.stdout, ms: performance.now() - start };
}

function row(name: string, value: number, unit: string, floorName: string, floor: number, higherIsBetter: boolean): void {
  const ratio = higherIsBetter ? value / floor : floor / value;
  console.log(`${name.padEnd(28)} ${value.toFixed(2).padStart(10)} ${unit.padEnd(6)} | ${floorName.padEnd(34)} ${floor.toFixed(2).padStart(10)} ${unit.padEnd(6)} | ${(ratio * 100).toFixed(1).padStart(6)}% of floor`);
}

const scratch = mkdtempSync(join(tmpdir(), 'redox-bench-disk-'));
const scratchDisk = join(scratch, 'harddrive.img');
copyFileSync(DISK, scratchDisk);
const os = JSON.parse(runInOs('sysbench', scratchDisk).stdout.trim().split('\n').pop()!) as {
  syscallMicros: number; pipeMiBps: number; spawnMillis: number; fileWriteMiBps: number; fileReadMiBps: number; pipelineMillis: number;
};
const bootMs = median(Array.from({ length: 7 }, () => runInOs('true').ms));

console.log('figure                            value         | floor (host, same run)                  value         | ratio');
row('syscall round trip (getpid)', os.syscallMicros, 'us', 'raw Atomics.wait/notify round trip', await atomicsRoundTripMicros(9, 5000), false);
row('pipe throughput, 64 MiB', os.pipeMiBps, 'MiB/s', 'raw SharedArrayBuffer copy', sharedCopyMiBps(256), true);
row('spawn + wait /bin/true', os.spawnMillis, 'ms', 'new Worker until it answers', await workerStartMillis(11), false);
row('boot to exit (redox run -c true)', bootMs, 'ms', 'bare `node -e ""`', nodeStartMillis(7), false);
const hostFile = hostFileMiBps(64);
row('file write + fsync, 64 MiB', os.fileWriteMiBps, 'MiB/s', 'host file write + fsync', hostFile.write, true);
row('file read, 64 MiB', os.fileReadMiBps, 'MiB/s', 'host file read', hostFile.read, true);
rmSync(scratch, { recursive: true, force: true });
console.log('\nRedoxFS library on a host image file (no OS in between):');
runRedoxfsBench(256);

/** Time from starting `redox run` until the shell has run its first command. */
async function bootToPromptMs(): Promise<number> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [REDOX, 'run', DISK, '--ephemeral'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let seen = '';
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('ready')) {
        resolve(performance.now() - start);
        child.stdin.end('exit\n');
      }
    });
    child.stdin.write('echo ready\n');
    child.on('error', reject);
  });
}

const prompts: number[] = [];
for (let i = 0; i < 7; i++) prompts.push(await bootToPromptMs());
console.log(`\nboot to the first command's output: median ${median(prompts).toFixed(0)} ms (target 500 ms; bare node start ${nodeStartMillis(5).toFixed(0)} ms)`);

const hostPipeline = median(Array.from({ length: 5 }, () => {
  const start = performance.now();
  spawnSync('sh', ['-c', 'seq 1 1000000 | wc -l']);
  return performance.now() - start;
}));
row('seq 1 1000000 | wc -l', os.pipelineMillis, 'ms', "host sh + GNU coreutils", hostPipeline, false);

// WebAssembly (the libc issue): the same wasm binary inside the OS and under node:wasi.
{
  const { runWasiOnHost } = await import('./wasi_host.ts');
  const { mkdtempSync: tempDir, rmSync: remove } = await import('node:fs');
  const wasm = fileURLToPath(new URL('../test/fixtures/wasm/wasi_bench.wasm', import.meta.url));
  const value = (text: string, name: string): number => Number(new RegExp(`${name} ([0-9.]+)`).exec(text)?.[1] ?? NaN);
  const values = (text: string, name: string): number[] => [...text.matchAll(new RegExp(`${name} ([0-9.]+)`, 'g'))].map((m) => Number(m[1]));
  const disk = join(tempDir(join(tmpdir(), 'redox-bench-wasm-')), 'harddrive.img');
  copyFileSync(DISK, disk);
  // Written, committed, then read five times in the same boot: the file is in redoxfsd's page
  // cache, as the host's file is in Linux's for node:wasi. The sync keeps redoxfsd's background
  // commit of the new file from competing for the two cores with the reads being timed. The next
  // boot's first read shows the cold path.
  const read = '/usr/tests/wasi_bench.wasm read /tmp/wb';
  const reads = Array.from({ length: 5 }, () => read).join(' && ');
  const inOsRead = median(values(runInOs(`/usr/tests/wasi_bench.wasm make /tmp/wb 64 && sync && ${reads}`, disk).stdout, 'read_mib_per_s'));
  const inOsColdRead = value(runInOs(read, disk).stdout, 'read_mib_per_s');
  const inOsWrite = value(runInOs('/usr/tests/wasi_bench.wasm writes 100000 > /scheme/null').stdout, 'write_us_each');
  const hostDir = tempDir(join(tmpdir(), 'redox-bench-wasi-'));
  runWasiOnHost(wasm, hostDir, '/dev/null', ['make', '/wb', '64'], join(hostDir, 'err'));
  const hostRead = median(Array.from({ length: 5 }, () => value(runWasiOnHost(wasm, hostDir, '/dev/null', ['read', '/wb'], join(hostDir, 'err')), 'read_mib_per_s')));
  const hostWrite = value(runWasiOnHost(wasm, hostDir, '/dev/null', ['writes', '100000'], join(hostDir, 'err')), 'write_us_each');
  remove(hostDir, { recursive: true, force: true });
  remove(dirname(disk), { recursive: true, force: true });
  console.log('');
  row('wasm read 64 MiB (64 KiB reads)', inOsRead, 'MiB/s', 'node:wasi on the host (target 40%)', hostRead, true);
  row('  the same, first read after boot', inOsColdRead, 'MiB/s', 'node:wasi on the host', hostRead, true);
  row('wasm 1-byte write to null', inOsWrite, 'us', 'node:wasi on the host', hostWrite, false);
}

// The build system (the cookbook issue): a clean `redox build`, then one with nothing changed.
console.log('\nbuild system (config/base.toml):');
await runBuildBench(row);
