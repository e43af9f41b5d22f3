// The redoxfs host tool end to end on real image files: usage errors, mkfs/info/ls/cat,
// put/get of whole trees keeping modes and times, mkdir/rm/mv, fsck/scrub, snapshots,
// encryption with password files and the environment, passwd, and clean refusals of
// foreign, corrupt and missing images (a message, never a stack trace).
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { redoxfsMain, type CliIO } from '../../src/redoxfs/cli.ts';
import { pattern } from './helpers.ts';

let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'redoxfs-cli-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

const KDF = ['--kdf-memory', '64', '--kdf-time', '1'];

async function run(argv: string[], env: Record<string, string> = {}): Promise<{ status: number; out: string; err: string; bytes: Buffer }> {
  const chunks: Buffer[] = [];
  let err = '';
  const io: CliIO = {
    stdout: { write: (d: string | Uint8Array) => chunks.push(Buffer.from(d)) },
    stderr: { write: (d: string) => (err += d) },
    env,
  };
  const status = await redoxfsMain(argv, io);
  const bytes = Buffer.concat(chunks);
  return { status, out: bytes.toString('utf8'), err, bytes };
}

async function ok(argv: string[], env: Record<string, string> = {}) {
  const r = await run(argv, env);
  assert.equal(r.status, 0, `redoxfs ${argv.join(' ')} failed: ${r.err}`);
  return r;
}

function hostTree(root: string): void {
  mkdirSync(join(root, 'sub/deeper'), { recursive: true });
  writeFileSync(join(root, 'hello.txt'), 'hello from the host\n');
  writeFileSync(join(root, 'sub/data.bin'), pattern(3, 300_000));
  writeFileSync(join(root, 'sub/deeper/empty'), '');
  chmodSync(join(root, 'sub/data.bin'), 0o751);
  symlinkSync('../hello.txt', join(root, 'sub/link'));
  utimesSync(join(root, 'hello.txt'), 1_000_000_000.5, 1_234_567_890.25);
}

describe('redoxfs tool', () => {
  it('prints usage and returns 2 on bad usage', async () => {
    assert.equal((await run([])).status, 2);
    assert.match((await run(['frobnicate', 'x.img'])).err, /unknown command/);
    assert.equal((await run(['ls', 'x.img', '--bogus'])).status, 2);
    assert.equal((await run(['cat', 'x.img'])).status, 2);
    assert.equal((await run(['mkfs', join(dir, 'x.img'), '--size', 'lots'])).status, 2);
    assert.match((await run(['--help'])).out, /usage: redoxfs/);
  });

  it('makes an image, copies a tree in and out keeping modes and times, and edits it', async () => {
    const image = join(dir, 'plain.img');
    const src = join(dir, 'src');
    hostTree(src);
    await ok(['mkfs', image, '--size', '16M']);
    assert.equal(statSync(image).size, 16 * 1024 * 1024);
    assert.match((await ok(['info', image])).out, /size:\s+16\.0 MiB[^]*header slot 3: generation \d+[^]*inodes:\s+2/);
    await ok(['put', image, src, '/', '--owner', '1000:100']);
    assert.equal((await run(['put', image, src, '/', '--owner', 'me'])).status, 2);
    assert.deepEqual((await ok(['ls', image, '/src'])).out.split('\n').filter(Boolean), ['hello.txt', 'sub']);
    const long = (await ok(['ls', image, '/src/sub', '-l'])).out;
    assert.match(long, /-rwxr-x--x +1 +1000 +100 +300000 .* data\.bin/);
    assert.match(long, /link -> \.\.\/hello\.txt/);
    assert.equal((await ok(['cat', image, '/src/hello.txt'])).out, 'hello from the host\n');
    assert.deepEqual((await ok(['cat', image, '/src/sub/data.bin'])).bytes, Buffer.from(pattern(3, 300_000)));

    const out = join(dir, 'out');
    await ok(['get', image, '/src', out]);
    assert.equal(readFileSync(join(out, 'hello.txt'), 'utf8'), 'hello from the host\n');
    assert.deepEqual(readFileSync(join(out, 'sub/data.bin')), Buffer.from(pattern(3, 300_000)));
    assert.equal(statSync(join(out, 'sub/data.bin')).mode & 0o777, 0o751);
    assert.equal(statSync(join(out, 'hello.txt')).mtimeMs, 1_234_567_890_250);
    assert.equal(readlinkSync(join(out, 'sub/link')), '../hello.txt');
    assert.ok(lstatSync(join(out, 'sub/deeper/empty')).isFile());

    await ok(['mkdir', image, '/a/b/c', '-p']);
    await ok(['mv', image, '/src/hello.txt', '/a/b']);
    assert.match((await ok(['ls', image, '/a/b'])).out, /hello\.txt/);
    await ok(['mv', image, '/a/b/hello.txt', '/a/renamed.txt']);
    const single = join(dir, 'single');
    mkdirSync(single);
    await ok(['get', image, '/a/renamed.txt', single]);
    assert.equal(readFileSync(join(single, 'renamed.txt'), 'utf8'), 'hello from the host\n');
    assert.equal((await run(['mkdir', image, '/a'])).status, 1);
    assert.match((await run(['mkdir', image, '/a'])).err, /\/a: file exists/);
    const rmDir = await run(['rm', image, '/src']);
    assert.equal(rmDir.status, 1);
    assert.match(rmDir.err, /\/src: is a directory \(use -r\)/);
    await ok(['rm', image, '/src', '-r']);
    const missing = await run(['cat', image, '/src/sub/data.bin']);
    assert.equal(missing.status, 1);
    assert.match(missing.err, /\/src.*no such file/);
    assert.match((await ok(['fsck', image])).out, /clean/);
    assert.match((await ok(['scrub', image])).out, /0 damaged/);
  });

  it('takes, lists, reads, rolls back and deletes snapshots', async () => {
    const image = join(dir, 'snap.img');
    const file = join(dir, 'note.txt');
    writeFileSync(file, 'version one');
    await ok(['mkfs', image, '--size', '8M']);
    await ok(['put', image, file, '/note.txt']);
    await ok(['snapshot', 'create', image, 'v1']);
    writeFileSync(file, 'version two');
    await ok(['put', image, file, '/note.txt']);
    assert.match((await ok(['snapshot', 'list', image])).out, /v1/);
    assert.equal((await ok(['cat', image, '/note.txt', '--snapshot', 'v1'])).out, 'version one');
    assert.equal((await ok(['cat', image, '/note.txt'])).out, 'version two');
    await ok(['snapshot', 'rollback', image, 'v1']);
    assert.equal((await ok(['cat', image, '/note.txt'])).out, 'version one');
    await ok(['snapshot', 'delete', image, 'v1']);
    assert.equal((await ok(['snapshot', 'list', image])).out, '');
    assert.match((await run(['snapshot', 'delete', image, 'v1'])).err, /no snapshot named "v1"/);
    assert.match((await ok(['fsck', image])).out, /clean/);
  });

  it('encrypts with passwords from a file or the environment and changes them', async () => {
    const image = join(dir, 'secret.img');
    const pwFile = join(dir, 'pw');
    const newPwFile = join(dir, 'pw2');
    writeFileSync(pwFile, 'hunter2\n');
    writeFileSync(newPwFile, 'correct horse');
    const file = join(dir, 'plans.txt');
    writeFileSync(file, 'THE-PLAN-IN-PLAINTEXT '.repeat(100));
    await ok(['mkfs', image, '--size', '8M', '--encrypt', '--password-file', pwFile, ...KDF]);
    await ok(['put', image, file, '/plans.txt'], { REDOXFS_PASSWORD: 'hunter2' });
    assert.ok(!readFileSync(image).includes('THE-PLAN-IN-PLAINTEXT'));
    const noPassword = await run(['cat', image, '/plans.txt']);
    assert.equal(noPassword.status, 1);
    assert.match(noPassword.err, /password is needed/);
    const wrong = await run(['cat', image, '/plans.txt'], { REDOXFS_PASSWORD: 'nope' });
    assert.equal(wrong.status, 1);
    assert.match(wrong.err, /wrong password/);
    await ok(['passwd', image, '--password-file', pwFile, '--new-password-file', newPwFile, ...KDF]);
    assert.match((await run(['ls', image], { REDOXFS_PASSWORD: 'hunter2' })).err, /wrong password/);
    assert.match((await ok(['cat', image, '/plans.txt'], { REDOXFS_PASSWORD: 'correct horse' })).out, /^THE-PLAN-IN-PLAINTEXT/);
    assert.match((await ok(['info', image], { REDOXFS_PASSWORD: 'correct horse' })).out, /encrypted:\s+yes[^]*snapshots:\s+none/);
    const locked = await ok(['info', image]);
    assert.match(locked.out, /encrypted:\s+yes \(AES-256-XTS; Argon2id m=64 KiB t=1 p=1\)/);
    assert.match(locked.out, /give a password/);
  });

  it('refuses foreign, corrupt and missing images with a message', async () => {
    const foreign = join(dir, 'foreign.img');
    writeFileSync(foreign, pattern(1, 1 << 20));
    for (const argv of [['ls', foreign], ['fsck', foreign], ['info', foreign]]) {
      const r = await run(argv);
      assert.equal(r.status, 1);
      assert.match(r.err, /not a RedoxFS image/);
      assert.doesNotMatch(r.err, /\n\s+at /);
    }
    const empty = join(dir, 'empty.img');
    writeFileSync(empty, '');
    assert.match((await run(['ls', empty])).err, /too small/);
    assert.match((await run(['ls', join(dir, 'nowhere.img')])).err, /no such image file/);
    const cut = join(dir, 'cut.img');
    await ok(['mkfs', cut, '--size', '4M']);
    writeFileSync(cut, readFileSync(cut).subarray(0, 2 * 1024 * 1024));
    assert.match((await run(['ls', cut])).err, /image is truncated/);

    const image = join(dir, 'rot.img');
    const file = join(dir, 'big.bin');
    writeFileSync(file, pattern(9, 200_000));
    await ok(['mkfs', image, '--size', '4M']);
    await ok(['put', image, file, '/big.bin']);
    const bytes = readFileSync(image);
    const needle = Buffer.from(pattern(9, 200_000).subarray(50_000, 50_064));
    const at = bytes.indexOf(needle);
    assert.ok(at > 0);
    bytes[at] ^= 0xff;
    writeFileSync(image, bytes);
    const fsck = await run(['fsck', image]);
    assert.equal(fsck.status, 1);
    assert.match(fsck.out, /checksum mismatch/);
    const scrub = await run(['scrub', image]);
    assert.equal(scrub.status, 1);
    assert.match(scrub.out, /damaged: \/big\.bin \(block \d+\)/);
    const cat = await run(['cat', image, '/big.bin']);
    assert.equal(cat.status, 1);
    assert.match(cat.err, /EIO: \/big\.bin: inode \d+: block \d+: checksum mismatch/);
  });
});
