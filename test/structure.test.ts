/**
 * The layering rules of DESIGN.md, checked: the kernel never imports node:* (only src/host does),
 * userland and daemons use libc and syscall but never kernel internals, libc and syscall never
 * import upward, and the whole tree typechecks under strict TypeScript.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { ROOT } from './helpers.ts';

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

function violations(layer: string, forbidden: (spec: string, file: string) => boolean): string[] {
  const found: string[] = [];
  for (const file of sources(join(ROOT, 'src', layer))) {
    for (const spec of imports(file)) if (forbidden(spec, file)) found.push(`${relative(ROOT, file)} imports ${spec}`);
  }
  return found;
}

const reaches = (spec: string, file: string, folder: string): boolean =>
  spec.startsWith('.') && relative(join(ROOT, 'src'), join(file, '..', spec)).startsWith(folder);

test('the kernel never imports node:* or anything above it', () => {
  assert.deepEqual(violations('kernel', (s, f) => s.startsWith('node:') || ['host', 'libc', 'userland', 'cli'].some((l) => reaches(s, f, l))), []);
});

test('syscall and libc import nothing above them and no host APIs', () => {
  const upward = (s: string, f: string): boolean => s.startsWith('node:') || ['host', 'kernel', 'userland', 'cli'].some((l) => reaches(s, f, l));
  assert.deepEqual(violations('syscall', upward), []);
  assert.deepEqual(violations('libc', upward), []);
});

test('userland uses libc and syscall, never kernel internals or host APIs', () => {
  assert.deepEqual(violations('userland', (s, f) => s.startsWith('node:') || ['kernel', 'host', 'cli'].some((l) => reaches(s, f, l))), []);
});

test('the tree typechecks under strict TypeScript', () => {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.json'), '--noEmit'], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stdout + result.stderr);
});
