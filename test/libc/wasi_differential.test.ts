/**
 * The differential test of issue 4: the same wasm binaries (test/fixtures/wasm, built from
 * libc/c/tests by scripts/build-wasm.sh) run under Node's built-in node:wasi on the host and
 * inside our OS; stdout, stderr, the exit status and the files each run leaves (listed by
 * wasi_dump, itself run in each world) must agree. The few places where they legitimately differ
 * are the KNOWN_DIFFERENCES below, each named in docs/libc.md with its reason; the test checks
 * that every listed difference still occurs, so the list cannot go stale.
 */
import assert from 'node:assert/strict';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { WASI } from 'node:wasi';
import { WasmJs } from '../../src/libc/wasi/webassembly.ts';
import { ROOT, runInOs } from '../helpers.ts';

const FIXTURES = join(ROOT, 'test/fixtures/wasm');
const ENV = { WASI_TEST_A: '1', WASI_TEST_B: 'two' };

interface Case {
  name: string;
  args: string[];
  /** A directory (under /tmp) created empty before the run and dumped after it. */
  workDir?: string;
}

const CASES: Case[] = [
  { name: 'wasi_fs', args: ['/tmp/wasi_fs'], workDir: '/tmp/wasi_fs' },
  { name: 'wasi_misc', args: ['x', 'y z'] },
];

interface Outcome {
  status: number;
  stdout: string;
  stderr: string;
  files: string;
}

/** Where node:wasi and our OS differ on purpose; `id` is the anchor in docs/libc.md. */
const KNOWN_DIFFERENCES: { id: string; program: string; host: string; os: string }[] = [
  { id: 'D1', program: 'wasi_fs', host: 'F_GETFL append now: 0', os: 'F_GETFL append now: 1' },
  { id: 'D3', program: 'wasi_fs', host: 'open O_NOFOLLOW on a link: opened', os: 'open O_NOFOLLOW on a link: Symbolic link loop' },
  { id: 'D4', program: 'wasi_fs', host: 'readdir inodes match lstat: 0', os: 'readdir inodes match lstat: 1' },
  { id: 'D5', program: 'wasi_misc', host: 'proc_raise SIGWINCH (ignored): 52', os: 'proc_raise SIGWINCH (ignored): 0' },
  { id: 'D6', program: 'wasi_misc', host: 'sock_shutdown bad fd: 58', os: 'sock_shutdown bad fd: 8' },
];

function runOnHost(c: Case): Outcome {
  const root = mkdtempSync(join(tmpdir(), 'wasi-diff-'));
  try {
    mkdirSync(join(root, 'tmp'));
    if (c.workDir) mkdirSync(join(root, c.workDir), { recursive: true });
    const run = (name: string, args: string[]): Omit<Outcome, 'files'> => {
      const out = join(root, '.stdout');
      const err = join(root, '.stderr');
      const fds = [openSync('/dev/null', 'r'), openSync(out, 'w'), openSync(err, 'w')];
      try {
        const wasi = new WASI({
          version: 'preview1', args: [`/usr/tests/${name}.wasm`, ...args], env: ENV, preopens: { '/': root },
          stdin: fds[0], stdout: fds[1], stderr: fds[2], returnOnExit: true,
        });
        const module = new WasmJs.Module(readFileSync(join(FIXTURES, `${name}.wasm`)));
        const instance = new WasmJs.Instance(module, wasi.getImportObject() as Record<string, Record<string, unknown>>);
        const status = wasi.start(instance as object);
        return { status, stdout: readFileSync(out, 'utf8'), stderr: readFileSync(err, 'utf8') };
      } finally {
        fds.forEach((fd) => closeSync(fd));
        rmSync(out, { force: true });
        rmSync(err, { force: true });
      }
    };
    const result = run(c.name, c.args);
    const files = c.workDir ? run('wasi_dump', [c.workDir]).stdout : '';
    return { ...result, files };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** One boot runs every case, each with its output redirected to files, then prints them between markers. */
function runInOurOs(cases: Case[]): Map<string, Outcome> {
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const env = Object.entries(ENV).map(([k, v]) => `${k}=${v}`).join(' ');
  const parts: string[] = [];
  for (const c of cases) {
    const prog = `/usr/tests/${c.name}.wasm`;
    if (c.workDir) parts.push(`mkdir ${c.workDir}`);
    parts.push(`env ${env} ${prog} ${c.args.map(quote).join(' ')} </scheme/null >/tmp/${c.name}.out 2>/tmp/${c.name}.err`);
    parts.push(`echo "@@status ${c.name} $?"`, `echo "@@stdout ${c.name}"`, `cat /tmp/${c.name}.out`);
    parts.push(`echo "@@stderr ${c.name}"`, `cat /tmp/${c.name}.err`, `echo "@@files ${c.name}"`);
    if (c.workDir) parts.push(`/usr/tests/wasi_dump.wasm ${c.workDir}`);
  }
  parts.push('echo "@@end"');
  const result = runInOs(parts.join('; '), { timeoutMs: 60_000 });
  const out = new Map<string, Outcome>();
  const sections = result.stdout.split(/^@@/m).slice(1);
  for (const section of sections) {
    const newline = section.indexOf('\n');
    const [kind, name, value] = section.slice(0, newline).split(' ');
    const body = section.slice(newline + 1);
    if (kind === 'end' || !name) continue;
    const o = out.get(name) ?? { status: -1, stdout: '', stderr: '', files: '' };
    if (kind === 'status') o.status = Number(value);
    else if (kind === 'stdout' || kind === 'stderr' || kind === 'files') o[kind] = body;
    out.set(name, o);
  }
  assert.equal(out.size, cases.length, `the OS run did not report every case:\n${result.stdout}\n${result.stderr}`);
  return out;
}

function applyKnownDifferences(program: string, host: Outcome): Outcome {
  let stdout = host.stdout;
  for (const d of KNOWN_DIFFERENCES.filter((k) => k.program === program)) {
    assert.ok(stdout.includes(`${d.host}\n`), `known difference ${d.id} no longer occurs under node:wasi: ${d.host}`);
    stdout = stdout.replace(`${d.host}\n`, `${d.os}\n`);
  }
  return { ...host, stdout };
}

test('every known difference is documented in docs/libc.md', () => {
  const doc = readFileSync(join(ROOT, 'docs/libc.md'), 'utf8');
  for (const d of KNOWN_DIFFERENCES) assert.match(doc, new RegExp(`\\b${d.id}\\b`), `docs/libc.md does not explain ${d.id}`);
});

test('the same wasm binaries behave the same under node:wasi and inside our OS', () => {
  const ours = runInOurOs(CASES);
  for (const c of CASES) {
    const host = applyKnownDifferences(c.name, runOnHost(c));
    const os = ours.get(c.name)!;
    assert.equal(os.status, host.status, `${c.name}: exit status`);
    assert.equal(os.stdout, host.stdout, `${c.name}: stdout`);
    assert.equal(os.stderr, host.stderr, `${c.name}: stderr`);
    assert.equal(os.files, host.files, `${c.name}: files left behind`);
  }
});
