/**
 * Differential test of the shell: every script in test/fixtures/sh/ runs in the OS (our sh and
 * coreutils) and on the host under dash with GNU coreutils, each in an empty working directory;
 * stdout and the exit status must agree. stderr is not compared (messages differ by design; see
 * docs/compatibility.md). All scripts run in one boot. Skipped when the host has no dash
 * (Debian/Ubuntu: `apt-get install -y dash`).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, runInOs } from '../helpers.ts';

const FIXTURES = join(ROOT, 'test/fixtures/sh');
const DELIM = '@@FIXTURE_END@@';

function hasDash(): boolean {
  return spawnSync('dash', ['-c', 'true']).status === 0;
}

function onHost(file: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'redox-sh-'));
  try {
    const r = spawnSync('dash', [join(FIXTURES, file)], {
      cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, LC_ALL: 'C', TZ: 'UTC' }, timeout: 30_000,
    });
    return `${r.stdout}@@STATUS ${r.status}\n`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('shell scripts agree with dash and GNU coreutils on the host', { skip: !hasDash() && 'dash is not installed (apt-get install -y dash)' }, () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.sh')).sort();
  const script = ['mkdir -p /tmp/shfx'];
  files.forEach((file, i) => {
    const text = readFileSync(join(FIXTURES, file), 'utf8');
    script.push(`cat > /tmp/shfx/${i}.sh <<'${DELIM}'\n${text}${text.endsWith('\n') ? '' : '\n'}${DELIM}`);
    script.push(`mkdir /tmp/shw${i} && cd /tmp/shw${i} && sh /tmp/shfx/${i}.sh >/tmp/shfx/out 2>/dev/null; s=$?; cat /tmp/shfx/out; echo "@@STATUS $s"; echo "@@NEXT@@"; cd /`);
  });
  const result = runInOs(script.join('\n'), { timeoutMs: 120_000 });
  const ours = result.stdout.split('@@NEXT@@\n');
  const mismatches = files.flatMap((file, i) => {
    const host = onHost(file);
    const mine = ours[i] ?? '(missing)\n';
    if (host === mine) return [];
    const h = host.split('\n');
    const m = mine.split('\n');
    const diff: string[] = [];
    for (let k = 0; k < Math.max(h.length, m.length); k++) {
      if (h[k] !== m[k]) diff.push(`  line ${k + 1}: dash ${JSON.stringify(h[k])} | ours ${JSON.stringify(m[k])}`);
    }
    return [`${file}:\n${diff.slice(0, 8).join('\n')}`];
  });
  assert.deepEqual(mismatches, [], mismatches.join('\n'));
});
