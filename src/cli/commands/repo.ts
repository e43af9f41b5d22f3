/** redox repo: rebuilds and lists the local repository's signed index (build/repo/repo.idx). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { layoutFor } from '../../cookbook/cook.ts';
import { loadOrCreateKeys } from '../../cookbook/keys.ts';
import { readIndex, toHex } from '../../cookbook/package.ts';
import { INDEX_FILE, writeIndex } from '../../cookbook/repo.ts';
import { COMMON_OPTIONS, parseArgs, reportError, usageError } from './_common.ts';

export const USAGE = `usage: redox repo [options]

Verifies every package in build/repo (signature by the repository key, every file's hash)
and rewrites the signed index build/repo/repo.idx from those that pass, then lists them.
A package that fails is left out of the index and reported (exit status 1).

options:
  --list            only read and verify the current index, and list it
${COMMON_OPTIONS}
`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseArgs(args, ['--list']);
  if (typeof parsed === 'string') return usageError('repo', parsed, USAGE);
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (parsed.rest.length > 0) return usageError('repo', `unexpected argument ${parsed.rest[0]}`, USAGE);
  try {
    const layout = layoutFor(parsed.options);
    const keys = loadOrCreateKeys(layout.buildDir);
    let refused: string[] = [];
    if (!parsed.flags.has('--list')) refused = writeIndex(layout.repo, keys).refused;
    const index = readIndex(readFileSync(join(layout.repo, INDEX_FILE)), keys.publicKey);
    for (const p of index.packages) {
      const deps = p.dependencies.length > 0 ? `  needs ${p.dependencies.join(', ')}` : '';
      process.stdout.write(`${p.name.padEnd(16)} ${p.version.padEnd(10)} ${String(p.size).padStart(9)} B  ${p.sha256.slice(0, 16)}${deps}\n`);
    }
    for (const why of refused) process.stderr.write(`redox repo: left out: ${why}\n`);
    process.stderr.write(`${index.packages.length} packages, signed by ${toHex(keys.publicKey).slice(0, 16)}... (${join(layout.repo, INDEX_FILE)})\n`);
    return refused.length === 0 ? 0 : 1;
  } catch (err) {
    return reportError('repo', err);
  }
}
