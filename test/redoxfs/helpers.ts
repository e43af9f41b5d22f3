// Shared helpers for the RedoxFS tests: small devices, text helpers, cheap Argon2id settings.
import assert from 'node:assert/strict';
import { MemoryDevice, RedoxFS, type FsErrorCode, isFsError, type KdfParams } from '../../src/redoxfs/index.ts';

/** Real Argon2id, tiny costs: tests stay fast, the code path is the production one. */
export const TEST_KDF: KdfParams = { m: 64, t: 1, p: 1 };

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

export function freshFs(blocks = 4096): { device: MemoryDevice; fs: RedoxFS } {
  const device = new MemoryDevice(blocks);
  return { device, fs: RedoxFS.mkfs(device) };
}

export function throwsCode(fn: () => unknown, code: FsErrorCode): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isFsError(e), `expected FsError ${code}, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return true;
  });
}

export function assertClean(fs: RedoxFS): void {
  const report = fs.fsck();
  assert.deepEqual(report.errors, [], report.errors.join('\n'));
}

/** Deterministic bytes for a (seed, length). */
export function pattern(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}
