/** Test helpers: boot the built OS with `redox run -c` and capture what a user would see. */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const REDOX = fileURLToPath(new URL('../bin/redox', import.meta.url));

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function redox(args: string[], options: { input?: string; timeoutMs?: number } = {}): RunResult {
  const result = spawnSync(process.execPath, [REDOX, ...args], {
    cwd: ROOT,
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `redox` without blocking the test runner, so tests in one file can boot machines side by side. */
export function redoxAsync(args: string[], options: { timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [REDOX, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], timeout: options.timeoutMs ?? 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

export const DEFAULT_DISK = fileURLToPath(new URL('../build/base/harddrive.img', import.meta.url));
export const INITFS_IMAGE = fileURLToPath(new URL('../dist/initfs.img', import.meta.url));

/**
 * Boots the default disk (its writes kept in memory, so tests never change it and may run side
 * by side), runs one shell command inside the OS, and powers off.
 */
export const runInOs = (command: string, options: { input?: string; timeoutMs?: number; image?: string } = {}): RunResult =>
  redox(['run', ...(options.image ? [options.image] : [DEFAULT_DISK, '--ephemeral']), '-c', command], options);
