/**
 * Differential test: the same commands run in the OS (our sh and coreutils) and on the host under
 * dash with GNU coreutils, in an empty working directory on each side; output (stdout and stderr,
 * which share the OS console) and exit statuses must agree. Skipped when the host lacks dash.
 * find's order is the directory's on the host, so its output is sorted. Known, deliberate
 * differences (usage errors exit 2 here, 1 in most GNU tools) are kept out of this list.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runInOs } from '../helpers.ts';

const COMMANDS = [
  'seq 5 | sort -r', 'seq 10 | sort -n -r | head -3', "printf 'b 2\\na 10\\nc 1\\n' | sort -k2 -n", "printf 'b 2\\na 10\\nc 1\\n' | sort -k2",
  "printf 'B\\na\\nC\\nb\\n' | sort", "printf 'B\\na\\nC\\nb\\n' | sort -f", "printf 'x\\nx\\ny\\nx\\n' | uniq -c", "printf 'a:b:c\\n' | cut -d: -f1,3",
  "printf 'abcdef\\n' | cut -c2-4,6", "printf 'one two\\n' | tr a-z A-Z", "printf 'hello\\n' | tr -d l", "printf 'aabbcc\\n' | tr -s abc",
  "printf 'hello world\\n' | wc", "printf 'a\\nb\\n' | wc -l", 'seq 1 3 10', 'seq -s : 3', 'seq 5 -1 1', 'seq 0.1 0.1 0.5', 'seq -w 9 11',
  "printf '%s|%5d|%-4s|%x\\n' a 42 b 255", "printf '%03d %o %X %c\\n' 7 8 255 zebra", "printf '%s\\n' a b c", "printf '%.3s|%5.1f|\\n' abcdef 3.14159",
  "printf '%e\\n' 1234.5", 'basename /usr/lib/libc.so .so', 'basename /', 'dirname /usr/lib/', 'dirname a', 'echo hello | hexdump -C',
  "printf 'abcdefghijklmnopqrstuvwxyz0123456789' | hexdump -C", "printf 'abc' | hexdump", "printf 'x\\ny\\nz\\n' | grep -n y",
  "printf 'x\\ny\\nz\\n' | grep -c -v y", "printf 'foo\\nbar\\n' | grep -E 'o+'", "printf 'foo\\nbar\\n' | grep 'o\\+'", "printf 'Foo\\n' | grep -i foo",
  "printf 'a b\\n' | grep -w a", "printf 'abc\\n' | sed 's/b/X/'", "printf 'abc\\nabd\\n' | sed -n '/d/p'", "seq 5 | sed '1~2d'", "seq 5 | sed -n '$p'",
  "seq 3 | sed '='", "printf 'a.b\\n' | sed 's/\\./-/g'", 'seq 3 | head -n 2', 'seq 3 | tail -n 2', 'seq 12 | tail -n +10', 'seq 100 | head -c 10',
  "date -d @1000000000 '+%Y-%m-%d %H:%M:%S %a %b %j'", 'seq 3 | tac', "printf '1\\n2\\n' | xargs echo", "printf 'a b c d\\n' | xargs -n 2 echo",
  'seq 4 | paste -sd+', "printf 'a\\tb\\n\\n\\nc\\n' | cat -A", "printf 'a\\n\\n\\nb\\n' | cat -sn",
  'mkdir -p d/e && touch d/f d/e/g && find d | sort && find d -type f | sort && find d -name g', 'echo hi > f && cp f g && cat g && mv g h && cat h && rm h && cat h',
  'mkdir m && rmdir m && rmdir m', 'touch e && wc -c e && stat -c "%s %F %a" e', 'echo x > f && chmod 640 f && stat -c %A f && chmod a+x f && stat -c %A f',
  'echo x > f && ln -s f l && readlink l && readlink f', 'seq 10 > n && head -3 n && tail -2 n && wc -l n',
  'seq 3 > a && seq 2 4 > b && diff a b', 'seq 3 > a && seq 2 4 > b && diff -u a b | tail -n +3', "printf 'k\\nj\\n' > x && sort x && uniq x",
  'cat nope', 'cp nope zz', 'mv nope zz', 'ls nope', 'rm nope', 'rm -f nope', 'grep -q x nope', 'test 1 -lt 2', '[ a = b ]', 'test -d .',
  'echo a b c | cut -d " " -f 2', "seq 3 | sed -n '2{p;q}'", "printf 'a\\nb\\n' | grep -v -c a", "seq 3 | xargs -n1 printf '<%s>\\n'",
  "printf 'a 10 x\\nb 9 y\\nc 9 a\\n' | sort -k2n -k3r", "printf 'a 10\\nb 9\\n' | sort -k2,2nr", "printf 'b\\na\\nb\\n' | sort -u",
  "printf 'abcdefghijklmnopqrs\\001\\377\\n' > o && od -c o && od -b o && od -x o && od -d o && od -An -tx1 o && od -Ax -c o && od -j2 -N3 -tx1 o && od -td2 o",
  'seq 100 | od -c | tail -3', "printf 'a\\n\\nb\\n' | nl", "printf 'a\\n\\nb\\n' | nl -ba", "printf 'abc\\nde\\n' | rev",
  "printf 'a\\nb\\nd\\n' > c1 && printf 'b\\nc\\nd\\n' > c2 && comm c1 c2 && comm -12 c1 c2 && comm -3 c1 c2",
  "printf 'abc\\n' > x1 && printf 'abd\\n' > x2 && cmp x1 x2", 'printf ab > x3 && cmp x3 x1', 'cmp -l x1 x2',
  'expr 1 + 2', 'expr 2 \\* 3 + 1', "expr abc : 'a\\(.\\)'", 'expr length hello', 'expr substr hello 2 3', 'expr 0', 'expr 1 / 0',
  'timeout 0.2 sleep 5', 'timeout 1 true', 'mkdir rd && ln -s rd rl && realpath rl | sed "s,.*/,,"', 'realpath -e nope',
  "printf '\\377\\n' | od -c", "printf '%c|%3s|\\n' é a | od -c",
  'seq 20 | grep -A1 5', 'seq 20 | grep -B2 -n 1[05]', 'seq 30 | grep -C1 -e 5 -e 7', "echo 'a1b22c333' | grep -oE '[0-9]+'",
  'seq 20 > g1 && seq 5 > g2 && grep -A1 -e 3 -e 19 g1 g2',
  'seq 10 | head -n -7', 'printf abcdef | head -c -2', "printf 'ab\\tc\\nxyz\\n' | wc -L", "printf '1K\\n2M\\n512\\n3G\\n1.5K\\n' | sort -h",
  "printf 'a,b\\nc,d\\n' | sort -t, -k2 -r", 'seq 20 | tail -c 8', "echo 'a  b' | wc -w", "printf 'x' | wc -l", "printf '%-6d|%+.2e\\n' 42 31415",
];

const script = COMMANDS.map((c) => `${c}; echo "@@ $?"`).join('; ');

function hasDash(): boolean {
  return spawnSync('dash', ['-c', 'true']).status === 0;
}

test('coreutils agree with GNU coreutils under dash on the host', { skip: !hasDash() && 'dash is not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'redox-diff-'));
  let host: string;
  try {
    const result = spawnSync('dash', ['-c', `{ ${script}; } 2>&1`], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, TZ: 'UTC', LC_ALL: 'C' } });
    host = result.stdout + result.stderr;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const ours = runInOs(`mkdir /tmp/diff && cd /tmp/diff && ${script}`).stdout;
  const split = (text: string): string[] => text.split(/@@ \d+\n/);
  const [hostParts, ourParts] = [split(host), split(ours)];
  const statuses = (text: string): string[] => [...text.matchAll(/@@ (\d+)\n/g)].map((m) => m[1]!);
  const mismatches = COMMANDS.flatMap((command, i) => {
    const [h, o] = [hostParts[i] + `status ${statuses(host)[i]}`, ourParts[i] + `status ${statuses(ours)[i]}`];
    return h === o ? [] : [`$ ${command}\n--- GNU\n${h}\n--- ours\n${o}`];
  });
  assert.deepEqual(mismatches, []);
});
