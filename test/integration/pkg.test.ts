/**
 * pkg inside the OS, end to end: a TypeScript recipe and a C recipe of our own are cooked into
 * a throwaway repository (signed with a throwaway key, which each boot writes into the image as
 * the trusted key), handed to the machine with `redox run --repo`, installed with `pkg install`
 * and run. Then what must be refused is: a package with one flipped byte (whether or not the
 * index was re-signed to match), a package signed by another key, a whole repository signed by
 * another key; each leaves the system unchanged. A package that fails half-way through its
 * files rolls back, and a snapshot rollback is committed to the disk.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cook } from '../../src/cookbook/cook.ts';
import { loadOrCreateKeys } from '../../src/cookbook/keys.ts';
import {
  S_IFLNK, S_IFREG, createIndex, createPackage, generateKeyPair, readIndex, sha256Of, toHex, type IndexEntry, type KeyPair, type PackageFile,
} from '../../src/cookbook/package.ts';
import { DEFAULT_DISK, ROOT, redoxAsync as redox, type RunResult } from '../helpers.ts';

const scratch = mkdtempSync(join(tmpdir(), 'redox-pkg-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const hasClang = spawnSync(process.env.CC ?? 'clang', ['--version'], { stdio: 'ignore' }).error === undefined;
const buildDir = join(scratch, 'build');
const goodRepo = join(buildDir, 'repo');
let keys: KeyPair;
/** Files in the package the interrupted-install test kills pkg in the middle of. */
const BIG_FILE_COUNT = 200;

/** Commands that point pkg at the repository device and make it trust the throwaway key (the image trusts build/'s). */
function trustTestKey(): string {
  return [
    'mkdir -p /etc/pkg/trusted',
    `printf '[repos.local]\\nurl = "/scheme/repo"\\nkey = "/etc/pkg/trusted/local.pub.toml"\\n' > /etc/pkg/repos.toml`,
    `printf 'public_key = "%s"\\n' ${toHex(keys.publicKey)} > /etc/pkg/trusted/local.pub.toml`,
  ].join('; ');
}

/** Boots the default disk (writes in memory) with `repo` as the repository device and runs `command` as root. */
function withRepo(repo: string, command: string, image?: string): Promise<RunResult> {
  const disk = image ? [image] : [DEFAULT_DISK, '--ephemeral'];
  return redox(['run', ...disk, '--repo', repo, '-c', `${trustTestKey()}; ${command}`]);
}

// Each test boots its own machines (redoxAsync does not block the runner), so they run side by side.
describe('pkg in the OS', { concurrency: true }, () => {
  before(async () => {
    const names = hasClang ? ['hello-ts', 'hello-c'] : ['hello-ts'];
    if (!hasClang) console.log('# clang not found: hello-c (the C recipe) is not cooked or installed; install clang lld wasi-libc libclang-rt-dev-wasm32');
    const report = await cook(names, { root: ROOT, buildDir, jobs: 2 });
    assert.ok(report.ok, report.results.map((r) => `${r.name}: ${r.status} ${r.reason}`).join('\n'));
    keys = loadOrCreateKeys(buildDir);
  });

  test('pkg installs a cooked TypeScript and C package from the repository device; list, info, verify and remove work', async () => {
    const names = hasClang ? 'hello-ts hello-c' : 'hello-ts';
    const r = await withRepo(goodRepo, [
      'pkg list > /tmp/before',
      `pkg install ${names}; echo "install $?"`,
      'hello-ts one two',
      hasClang ? 'hello-c three' : 'true',
      'pkg list; pkg info hello-ts',
      `pkg verify ${names}; echo "verify $?"`,
      `pkg install hello-ts; echo "again $?"`,
      'echo extra >> /bin/hello-ts; pkg verify hello-ts; echo "tampered $?"',
      `pkg remove ${names}; echo "remove $?"`,
      'ls /bin/hello-ts; pkg list | cmp - /tmp/before && echo "list restored"',
      'ls /scheme/file.snapshots | wc -l',
      'su user -c "pkg install hello-ts"; echo "user $?"',
      'echo x > /scheme/repo/repo.idx; echo x > /scheme/hw/repo0',
    ].join('; '));
    const out = r.stdout + r.stderr;
    assert.match(out, /^installed hello-ts 0\.1\.0 \(1 file\)$/m, out);
    assert.match(out, /^install 0$/m, out);
    assert.match(out, /^hello from TypeScript on redox-ts\narg 1: one\narg 2: two$/m, out);
    if (hasClang) assert.match(out, /^hello from C on redox-ts\narg 1: three$/m, out);
    assert.match(out, /^hello-ts 0\.1\.0$/m, out);
    assert.match(out, /^name: hello-ts\nversion: 0\.1\.0\ndescription: hello-ts: greets in TypeScript through @redox\/libc\ndependencies: none\nstatus: installed, 1 file\n {2}\/bin\/hello-ts$/m, out);
    assert.match(out, /^hello-ts 0\.1\.0: 1 file OK\nverify 0$/m, out);
    assert.match(out, /^hello-ts 0\.1\.0 is already installed\nagain 0$/m, out);
    assert.match(out, /^hello-ts: \/bin\/hello-ts: changed: its contents differ from the package$/m, out);
    assert.match(out, /^pkg: 1 installed file changed or missing$/m, out);
    assert.match(out, /^tampered 1$/m, out);
    assert.match(out, /^removed hello-ts 0\.1\.0$/m, out);
    assert.match(out, /^remove 0$/m, out);
    assert.match(out, /ls: cannot access '\/bin\/hello-ts': No such file or directory/, out);
    assert.match(out, /^list restored\n0$/m, out);
    assert.match(out, /^pkg: only root may install packages/m, out);
    assert.match(out, /^user 1$/m, out);
    assert.match(out, /\/scheme\/repo\/repo\.idx: Read-only file system/, out);
    assert.match(out, /\/scheme\/hw\/repo0: Read-only file system/, out);
  });

  /** A copy of the good repository whose index is rewritten (and signed by `signer`) after `change`. */
  function variantRepo(name: string, change: (dir: string, entries: IndexEntry[]) => IndexEntry[], signer: Uint8Array = keys.secretKey): string {
    const dir = join(scratch, name);
    cpSync(goodRepo, dir, { recursive: true });
    const entries = readIndex(readFileSync(join(dir, 'repo.idx')), keys.publicKey).packages;
    writeFileSync(join(dir, 'repo.idx'), createIndex({ packages: change(dir, entries) }, signer));
    return dir;
  }

  function flipByte(path: string, at: (length: number) => number): Uint8Array {
    const bytes = readFileSync(path);
    bytes[at(bytes.length)]! ^= 0x01;
    writeFileSync(path, bytes);
    return bytes;
  }

  /** Adds NAME.pkgar made of `files`, signed by `signer`, to the repository `dir`; returns its index entry. */
  function addPackage(dir: string, name: string, files: PackageFile[], signer: Uint8Array): IndexEntry {
    const archive = createPackage(files, signer);
    writeFileSync(join(dir, `${name}.pkgar`), archive);
    return { name, version: '1.0.0', description: `${name}: a test package`, sha256: toHex(sha256Of(archive)), size: archive.length, dependencies: [] };
  }

  const file = (path: string, text: string): PackageFile => ({ path, mode: S_IFREG | 0o755, data: new TextEncoder().encode(text) });

  test('a flipped byte, a package signed by another key and a repository signed by another key are refused; nothing changes', async () => {
    const stranger = generateKeyPair();
    const refusing = variantRepo('refusing', (dir, entries) => {
      // hello-ts: one byte flipped in the archive; the signed index still has the true hash.
      flipByte(join(dir, 'hello-ts.pkgar'), (n) => n - 1);
      // flipped: one byte flipped inside a file's data, and the index re-signed to match it.
      const flippedEntry = addPackage(dir, 'flipped', [file('bin/flipped', '#!/bin/sh\necho flipped\n')], keys.secretKey);
      const flipped = flipByte(join(dir, 'flipped.pkgar'), (n) => n - 3);
      // foreign: an intact archive, listed by the trusted index, but signed by another key.
      const foreign = addPackage(dir, 'foreign', [file('bin/foreign', 'foreign\n')], stranger.secretKey);
      return [...entries, { ...flippedEntry, sha256: toHex(sha256Of(flipped)) }, foreign];
    });
    const snapshotOf = 'pkg list; ls /bin | wc -l; ls /scheme/file.snapshots | wc -l';
    const r = await withRepo(refusing, [
      `{ ${snapshotOf}; } > /tmp/before`,
      'pkg install hello-ts; echo "flipped-in-archive $?"',
      'pkg install flipped; echo "flipped-in-data $?"',
      'pkg install foreign; echo "foreign-package $?"',
      `{ ${snapshotOf}; } | cmp - /tmp/before && echo unchanged`,
      'ls /bin/hello-ts /bin/flipped /bin/foreign 2>&1 | grep -c "No such file"',
    ].join('; '));
    const out = r.stdout + r.stderr;
    assert.match(out, /^pkg: hello-ts\.pkgar refused: its size or SHA-256 differs from the signed index of repository local \(altered or corrupt\)$/m, out);
    assert.match(out, /^pkg: flipped\.pkgar: bin\/flipped: its contents do not match the signed hash \(altered or corrupt\): refused$/m, out);
    assert.match(out, /^pkg: foreign\.pkgar is signed by key [0-9a-f]{16}\.\.\., not by the trusted key [0-9a-f]{16}\.\.\.: refused$/m, out);
    for (const what of ['flipped-in-archive', 'flipped-in-data', 'foreign-package']) assert.match(out, new RegExp(`^${what} 1$`, 'm'), out);
    assert.match(out, /^unchanged\n3$/m, out);

    const foreignRepo = variantRepo('foreign-repo', (_dir, entries) => entries, stranger.secretKey);
    const whole = await withRepo(foreignRepo, 'pkg install hello-ts; echo "status $?"; ls /bin/hello-ts');
    assert.match(whole.stdout, /^pkg: repository local refused: repository index is signed by key [0-9a-f]{16}\.\.\., not by the trusted key/m, whole.stdout + whole.stderr);
    assert.match(whole.stdout, /^status 1$/m);
    assert.match(whole.stdout, /'\/bin\/hello-ts': No such file or directory/);
  });

  test('an install that fails half-way through its files rolls back: the files written before the failure are gone', async () => {
    // Entries are written in path order: bin/half-first lands, then etc/passwd/x fails (ENOTDIR: /etc/passwd is a file).
    const repo = variantRepo('broken', (dir, entries) => [
      ...entries,
      addPackage(dir, 'broken', [file('bin/half-first', 'written first\n'), file('etc/passwd/x', 'cannot be written\n')], keys.secretKey),
    ]);
    const r = await withRepo(repo, [
      'pkg list > /tmp/before; cp /etc/passwd /tmp/passwd',
      'pkg install broken; echo "status $?"',
      'ls /bin/half-first',
      'pkg list | cmp - /tmp/before && cmp /etc/passwd /tmp/passwd && echo unchanged',
      'ls /var/lib/pkg/broken.toml; ls /scheme/file.snapshots | wc -l',
    ].join('; '));
    const out = r.stdout + r.stderr;
    assert.match(out, /^pkg: installing broken failed: \/etc\/passwd\/x: Not a directory; rolled back, the system is unchanged$/m, out);
    assert.match(out, /^status 1$/m, out);
    assert.match(out, /'\/bin\/half-first': No such file or directory/, out);
    assert.match(out, /^unchanged$/m, out);
    assert.match(out, /'\/var\/lib\/pkg\/broken\.toml': No such file or directory/, out);
    assert.match(out, /^0$/m, out);
  });

  test('a pkg killed mid-install leaves a journal: changes are refused, read-only commands warn, `pkg recover` undoes it; SIGTERM and SIGUSR1 wait for the end', async () => {
    // Big enough that writing it outlasts the shell's polling: many files, incompressible bytes.
    const bigFiles = Array.from({ length: BIG_FILE_COUNT }, (_, i): PackageFile => ({
      path: `usr/share/big/f${String(i).padStart(3, '0')}`, mode: S_IFREG | 0o644, data: new Uint8Array(randomBytes(16 * 1024)),
    }));
    const repo = variantRepo('interrupted', (dir, entries) => [...entries, addPackage(dir, 'big', bigFiles, keys.secretKey)]);
    const waitFor = (path: string): string => `while [ ! -e ${path} ]; do sleep 0.005; done`;
    const r = await withRepo(repo, [
      `pkg install big > /tmp/first 2>&1 & victim=$!; ${waitFor('/usr/share/big/f000')}; kill -9 $victim; wait $victim; echo "killed $?"`,
      `ls /usr/share/big | wc -l; ls /scheme/file.snapshots; grep -c '^operation = "install big"$' /var/lib/pkg/transaction.toml`,
      'pkg list > /dev/null; pkg install hello-ts; echo "refused $?"',
      'pkg recover; echo "recover $?"',
      'ls /usr/share/big; ls /scheme/file.snapshots | wc -l; ls /var/lib/pkg/transaction.toml',
      'mkdir /scheme/file.snapshots/pkg-4242-1; pkg recover; ls /scheme/file.snapshots | wc -l',
      // USR1 kills by default too: held back like TERM, it acts first (lowest number) once the install is done.
      `pkg install big > /tmp/second 2>&1 & installer=$!; ${waitFor('/var/lib/pkg/transaction.toml')}; kill -USR1 $installer; kill -TERM $installer`,
      'pkg install hello-ts; echo "concurrent $?"; wait $installer; echo "terminated $?"; cat /tmp/second',
      'ls /usr/share/big | wc -l; ls /var/lib/pkg/transaction.toml; ls /scheme/file.snapshots | wc -l',
    ].join('; '));
    const out = r.stdout + r.stderr;
    // The kill landed part-way: some files were written, not all; the journal and snapshot are left.
    const [, partial] = /^killed 137\n(\d+)\npkg-\d+-\d+\n1$/m.exec(out) ?? assert.fail(out);
    assert.ok(Number(partial) > 0 && Number(partial) < BIG_FILE_COUNT, `${partial} of ${BIG_FILE_COUNT} files written before the kill\n${out}`);
    const interrupted = String.raw`an interrupted \`pkg install big\` \(pid \d+, begun [0-9T:.Z-]+\) may have left the system half-changed; \`pkg recover\` rolls it back \(\`pkg recover --discard\` keeps the system as it is\)`;
    assert.match(out, new RegExp(`^pkg: warning: ${interrupted}$`, 'm'), out);
    assert.match(out, new RegExp(`^pkg: ${interrupted}\nrefused 1$`, 'm'), out);
    assert.match(out, /^rolled the root volume back to the snapshot taken when `pkg install big` \(pid \d+, begun \S+\) began: everything written to it since \S+, by any program, is undone\nrecover 0$/m, out);
    assert.match(out, /'\/usr\/share\/big': No such file or directory\n0\n.*'\/var\/lib\/pkg\/transaction\.toml': No such file or directory$/m, out);
    assert.match(out, /^pkg: note: deleted the snapshot \/scheme\/file\.snapshots\/pkg-4242-1, left by a pkg that was stopped after finishing its work \(the system is complete\)\n0$/m, out);
    assert.match(out, /^pkg: another pkg \(pid \d+\) is changing the system \(`pkg install big`\); try again when it has finished\nconcurrent 1$/m, out);
    assert.match(out, new RegExp(`^terminated 138\ninstalled big 1\\.0\\.0 \\(${BIG_FILE_COUNT} files\\)\n${BIG_FILE_COUNT}\n.*transaction\\.toml': No such file or directory\n0$`, 'm'), out);
  });

  test('`pkg recover --discard` moves a record that does not parse aside; an unreadable journal and stale drafts are cleaned up', async () => {
    // What a pkg killed mid-install leaves, made by hand: its journal and snapshot, a truncated record, a record draft and a journal draft.
    const fake = '/scheme/file.snapshots/pkg-4243-1';
    const r = await withRepo(goodRepo, [
      `mkdir ${fake}`,
      `printf 'operation = "install fake"\\npid = 4243\\nstarted = "2026-01-01T00:00:00.000Z"\\nsnapshot = "${fake}"\\n' > /var/lib/pkg/transaction.toml`,
      `printf 'name = "trunc' > /var/lib/pkg/truncated.toml; echo x > /var/lib/pkg/fake.toml.new; echo x > /var/lib/pkg/transaction.toml.4243`,
      'pkg list > /dev/null; echo "list-broken $?"',
      'pkg recover --discard; echo "discard $?"',
      'pkg list > /dev/null; echo "list $?"; ls /var/lib/pkg | grep -e truncated -e new -e transaction; ls /scheme/file.snapshots | wc -l',
      // A journal that does not parse names no snapshot: refused with what to do, then removed.
      `printf 'operation = "inst' > /var/lib/pkg/transaction.toml`,
      'pkg install hello-ts; echo "unreadable $?"; pkg recover; echo "recover $?"',
      'echo x > /var/lib/pkg/transaction.toml.4244; pkg install hello-ts; ls /var/lib/pkg | grep -c transaction',
    ].join('; '));
    const out = r.stdout + r.stderr;
    assert.match(out, /^pkg: \/var\/lib\/pkg\/truncated\.toml: not valid TOML: .*\nlist-broken 1$/m, out);
    assert.match(out, /^pkg: warning: \/var\/lib\/pkg\/truncated\.toml: not valid TOML: .*; moved it to \/var\/lib\/pkg\/truncated\.toml\.broken, so its package is no longer listed \(its files stay, unrecorded\)$/m, out);
    assert.match(out, /^kept the system as `pkg install fake` \(pid 4243, begun 2026-01-01T00:00:00\.000Z\) left it \(the files and records it wrote stay\); removed its journal and snapshot\ndiscard 0\nlist 0\ntruncated\.toml\.broken\n0$/m, out);
    assert.match(out, /^pkg: the journal \/var\/lib\/pkg\/transaction\.toml does not parse, so what the pkg that wrote it was doing is unknown; `pkg recover` removes it\nunreadable 1$/m, out);
    assert.match(out, /^removed the journal \/var\/lib\/pkg\/transaction\.toml, which did not parse and so named no snapshot to roll back to; the system is kept as it is\nrecover 0$/m, out);
    assert.match(out, /^installed hello-ts 0\.1\.0 \(1 file\)\n0$/m, out);
  });

  test('versions: no downgrade, another build only with --reinstall, search shows the installed version; /boot packages cannot be removed', async () => {
    // The image has coreutils, kernel and edit 0.1.0; the repository offers an older coreutils and other builds of kernel and edit.
    const repo = variantRepo('versions', (dir, entries) => [
      ...entries,
      { ...addPackage(dir, 'coreutils', [file('usr/share/coreutils/old', 'old\n')], keys.secretKey), version: '0.0.1' },
      { ...addPackage(dir, 'kernel', [file('boot/kernel.js', 'not a kernel\n')], keys.secretKey), version: '0.1.0' },
      { ...addPackage(dir, 'edit', [file('usr/share/edit/rebuilt', 'rebuilt\n')], keys.secretKey), version: '0.1.0' },
    ]);
    const r = await withRepo(repo, [
      'pkg remove kernel; echo "remove-kernel $?"',
      'pkg upgrade; echo "upgrade $?"',
      'pkg install coreutils; pkg search coreutils; pkg search hello-ts',
      'pkg upgrade --reinstall edit; echo "reinstall $?"; ls /bin/edit; cat /usr/share/edit/rebuilt',
      'pkg install --reinstall edit; echo "misplaced $?"',
      'pkg recover; ls /scheme/file.snapshots | wc -l',
    ].join('; '));
    const out = r.stdout + r.stderr;
    assert.match(out, /^pkg: cannot remove kernel: the machine boots from \/boot\/\S+ \(upgrade it instead\)\nremove-kernel 1$/m, out);
    const older = 'coreutils: the repository offers 0.0.1, older than the installed 0.1.0; kept (pkg never downgrades)';
    const rebuilt = (name: string): string => `${name} 0.1.0 in the repository differs from the installed build; \`pkg upgrade --reinstall ${name}\` replaces it`;
    assert.ok(out.includes(`${older}\n${rebuilt('edit')}\n${rebuilt('kernel')}\nevery package is up to date\nupgrade 0\n${older}\n`), out);
    assert.match(out, /^coreutils 0\.0\.1 \[installed 0\.1\.0\]: coreutils: a test package\nhello-ts 0\.1\.0: hello-ts: /m, out);
    assert.match(out, /^reinstalled edit 0\.1\.0 \(the repository's build\)\nreinstall 0\n.*'\/bin\/edit': No such file or directory\nrebuilt$/m, out);
    assert.match(out, /^pkg: --reinstall is an option of `pkg upgrade` only\n.*\nmisplaced 2$/m, out);
    assert.match(out, /^nothing to recover: no pkg was interrupted\n0$/m, out);
  });

  test('remove takes away the folders a package leaves empty, but never a top-level one', async () => {
    const repo = variantRepo('nested', (dir, entries) => [
      ...entries,
      addPackage(dir, 'nested', [file('usr/share/nested/doc/a', 'a\n'), file('usr/share/nested/b', 'b\n')], keys.secretKey),
    ]);
    const r = await withRepo(repo, [
      'pkg install nested && ls -1 /usr/share/nested',
      'pkg remove nested; echo "status $?"',
      'ls /usr/share/nested; ls -d /usr',
    ].join('; '));
    const out = r.stdout + r.stderr;
    assert.match(out, /^b\ndoc$/m, out);
    assert.match(out, /^status 0$/m, out);
    assert.match(out, /'\/usr\/share\/nested': No such file or directory/, out);
    assert.match(out, /^\/usr$/m, out);
  });

  test('installs, upgrades and snapshot rollbacks are on the disk after power-off; without a repository pkg says so', async () => {
    const image = join(scratch, 'disk.img');
    copyFileSync(DEFAULT_DISK, image);
    const first = await withRepo(goodRepo, [
      'pkg install hello-ts',
      'mkdir /scheme/file.snapshots/before-note; echo gone > /root/note; exec 3</root/note',
      'echo rollback > /scheme/file.snapshots/before-note; rm /scheme/file.snapshots/before-note',
      'cat <&3; echo "open handle $?"',
    ].join('; '), image);
    const firstOut = first.stdout + first.stderr;
    assert.match(firstOut, /^installed hello-ts 0\.1\.0 \(1 file\)$/m, firstOut);
    assert.match(firstOut, /^cat: -: No such file or directory\nopen handle 1$/m, firstOut);

    // Version 0.2.0 makes /bin/hello-ts a symlink to echo and adds a file.
    const upgradeRepo = variantRepo('upgrade', (dir, entries) => {
      const next = addPackage(dir, 'hello-ts', [
        { path: 'bin/hello-ts', mode: S_IFLNK | 0o777, data: new TextEncoder().encode('/bin/echo') },
        { path: 'usr/share/hello-ts/NEWS', mode: S_IFREG | 0o644, data: new TextEncoder().encode('0.2.0: now a symlink\n') },
      ], keys.secretKey);
      return [...entries.filter((e) => e.name !== 'hello-ts'), { ...next, version: '0.2.0' }];
    });
    const second = await withRepo(upgradeRepo, 'pkg upgrade; echo "upgrade $?"; pkg upgrade', image);
    const secondOut = second.stdout + second.stderr;
    assert.match(secondOut, /^upgraded hello-ts 0\.1\.0 -> 0\.2\.0\nupgrade 0\nevery package is up to date$/m, secondOut);

    const third = await redox(['run', image, '--no-repo', '-c', 'hello-ts upgraded; cat /usr/share/hello-ts/NEWS; pkg verify hello-ts; ls /root/note; ls /scheme/file.snapshots | wc -l; pkg search hello; echo "search $?"']);
    const out = third.stdout + third.stderr;
    assert.match(out, /^upgraded\n0\.2\.0: now a symlink\nhello-ts 0\.2\.0: 2 files OK$/m, out);
    assert.match(out, /'\/root\/note': No such file or directory\n0$/m, out);
    assert.match(out, /^pkg: cannot read repository local's \/scheme\/repo\/repo\.idx: No such device/m, out);
    assert.match(out, /^search 1$/m, out);
    const fsck = await redox(['fs', 'fsck', image]);
    assert.equal(fsck.status, 0, fsck.stdout + fsck.stderr);
  });

  test('redox run refuses a --repo folder that is not a repository', async () => {
    const empty = join(scratch, 'empty');
    mkdirSync(empty);
    const r = await redox(['run', DEFAULT_DISK, '--ephemeral', '--repo', empty, '-c', 'true']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^redox: repository .*empty holds no repo\.idx/m);
  });
});
