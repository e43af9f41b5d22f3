/**
 * `redox image` (src/cookbook/image.ts) on a small cookbook: the disk holds exactly the
 * configured packages' files, a record per package in /var/lib/pkg, the trusted key and the
 * repository list, the accounts and the configured files with their modes and owners (read back
 * with the RedoxFS library); an unchanged image is not rewritten, even when a package it does not
 * hold is cooked or a live archive is asked for too; each output's record is kept as soon as it is
 * written (a failing live archive does not make the next run rewrite the disk), and a stamp in
 * the older single-key form keeps a disk built from the same inputs; an unknown package, a pinned version the recipe does not make and a dependency
 * the configuration leaves out are refused before anything is cooked (and again, from the index,
 * when assembling); two packages installing one path and a file written over a package's are refused;
 * an image whose lock a machine holds is not replaced.
 */
import assert from 'node:assert/strict';
import { closeSync, existsSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { sha256Hex } from '../../src/cookbook/cache.ts';
import { ConfigError } from '../../src/cookbook/config.ts';
import { cook } from '../../src/cookbook/cook.ts';
import { assembleImage, cookConfig, loadConfig } from '../../src/cookbook/image.ts';
import { parseInstallRecord } from '../../src/cookbook/installed.ts';
import { readPublicKey } from '../../src/cookbook/keys.ts';
import { toHex } from '../../src/cookbook/package.ts';
import { RedoxFS } from '../../src/redoxfs/fs.ts';
import { buildInitfs } from '../../src/syscall/initfs.ts';
import { FileDevice } from '../../src/redoxfs/node-file-device.ts';
import { lockImage } from '../../src/redoxfs/node-image-lock.ts';
import { writeFileTree } from '../../src/host/node/disk_image.ts';
import { resolve } from '../../src/redoxfs/paths.ts';
import { verifyPassword } from '../../src/userland/lib/accounts.ts';
import { customRecipe, tempCookbook } from './helpers.ts';

const book = tempCookbook();
after(() => book.remove());

const BOOT = `[build]\ntemplate = "custom"\nscript = "mkdir -p $COOKBOOK_STAGE/boot && printf boot > $COOKBOOK_STAGE/boot/initfs.img"\n[package]\nversion = "1.0.0"\n`;
const SMALL = `
[general]
size = 32

[packages]
initfs = "*"
tool = "1.0.0"
lib = "*"

[users.root]
uid = 0
password = "pw"

[users.alice]
uid = 1000

[[files]]
path = "/etc/motd"
contents = "hello\\n"
mode = "0640"
owner = "alice"
group = "alice"

[[files]]
path = "/etc/alias"
symlink = "motd"

[[files]]
path = "/srv/data"
directory = true
mode = "0750"
owner = 1000
`;

function writeConfig(name: string, text: string): string {
  const file = join(book.dir, `${name}.toml`);
  writeFileSync(file, text);
  return file;
}

async function cooked(name: string, text: string): Promise<ReturnType<typeof loadConfig>> {
  const config = loadConfig(writeConfig(name, text));
  const report = await cookConfig(config, { recipesDir: book.recipes, buildDir: book.build });
  assert.ok(report.ok, JSON.stringify(report.results));
  return config;
}

function mounted<T>(disk: string, look: (fs: RedoxFS) => T): T {
  const device = new FileDevice(disk, { readOnly: true });
  try {
    const fs = RedoxFS.mount(device, { readOnly: true });
    const result = look(fs);
    fs.unmount();
    return result;
  } finally {
    device.close();
  }
}

before(() => {
  book.recipe('core/initfs', BOOT);
  book.recipe('core/lib', customRecipe('lib', 'library'));
  book.recipe('core/tool', customRecipe('tool', 'tool', [], ['lib']));
  book.recipe('core/clash', customRecipe('tool', 'another tool'));
});

test('an image holds the packages, their records, the key, the users and the files with modes and owners', async () => {
  const config = await cooked('small', SMALL);
  const report = assembleImage(config, { buildDir: book.build });
  assert.equal(report.disk, join(book.build, 'small', 'harddrive.img'));
  assert.deepEqual(report.packages.map((p) => p.name).sort(), ['initfs', 'lib', 'tool']);
  assert.equal(statSync(report.disk).size, 32 * 1024 * 1024);
  const text = (fs: RedoxFS, path: string): string => {
    const ino = resolve(fs, path);
    return new TextDecoder().decode(fs.read(ino, 0, fs.getattr(ino).size));
  };
  mounted(report.disk, (fs) => {
    assert.equal(text(fs, '/out/tool'), 'tool\n');
    assert.equal(text(fs, '/out/lib'), 'library\n');
    assert.equal(text(fs, '/boot/initfs.img'), 'boot');
    assert.deepEqual(fs.readdir(resolve(fs, '/var/lib/pkg')).map((e) => e.name).filter((n) => !n.startsWith('.')).sort(), ['initfs.toml', 'lib.toml', 'tool.toml']);
    const record = parseInstallRecord(text(fs, '/var/lib/pkg/tool.toml'), 'tool.toml');
    assert.deepEqual([record.name, record.version, record.dependencies, record.files.map((f) => f.path)], ['tool', '1.0.0', ['lib'], ['out/tool']]);
    assert.equal(text(fs, '/etc/pkg/trusted/local.pub.toml').match(/public_key = "([0-9a-f]{64})"/)?.[1], toHex(readPublicKey(book.build)));
    assert.match(text(fs, '/etc/pkg/repos.toml'), /\[repos\.local\]\nurl = "\/scheme\/repo"\nkey = "\/etc\/pkg\/trusted\/local\.pub\.toml"/);
    assert.equal(text(fs, '/etc/passwd'), 'root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n');
    assert.equal(text(fs, '/etc/group'), 'root:x:0:\nalice:x:1000:\n');
    const shadow = fs.getattr(resolve(fs, '/etc/shadow'));
    assert.equal(shadow.mode & 0o7777, 0o600);
    const [rootLine, aliceLine] = text(fs, '/etc/shadow').split('\n');
    assert.ok(verifyPassword('pw', rootLine!.slice('root:'.length)), rootLine);
    assert.equal(aliceLine, 'alice:');
    const attr = (path: string): [string, number, number] => {
      const a = fs.getattr(resolve(fs, path, { followLast: false }));
      return [(a.mode & 0o7777).toString(8), a.uid, a.gid];
    };
    assert.deepEqual(attr('/etc/motd'), ['640', 1000, 1000]);
    assert.deepEqual(attr('/srv/data'), ['750', 1000, 0]);
    assert.deepEqual(attr('/home/alice'), ['700', 1000, 1000]);
    assert.equal(fs.readlink(resolve(fs, '/etc/alias', { followLast: false })), 'motd');
  });
  const again = assembleImage(config, { buildDir: book.build });
  assert.equal(again.upToDate, true);
  writeFileSync(report.disk, readFileSync(report.disk).subarray(0, 4096), { flag: 'r+' });
  assert.equal(assembleImage(config, { buildDir: book.build }).upToDate, true, 'what a booted system wrote to its disk is kept');
  assert.equal(assembleImage(config, { buildDir: book.build, force: true }).upToDate, false, '--force writes the image afresh');
  rmSync(report.disk);
  assert.equal(assembleImage(config, { buildDir: book.build }).upToDate, false, 'a missing image is written');
});

test('cooking a package the image does not hold leaves the image up to date; changing one it holds does not', async () => {
  // A boot archive in the real initfs format, so that a live archive can be made from the tree.
  const bootRecipe = book.recipe('core/liveboot', '[build]\ntemplate = "custom"\nscript = "mkdir -p $COOKBOOK_STAGE/boot && cp $COOKBOOK_RECIPE/initfs.img $COOKBOOK_STAGE/boot/initfs.img"\n[package]\nversion = "1.0.0"\n');
  writeFileSync(join(dirname(bootRecipe), 'initfs.img'), buildInitfs([{ path: 'etc/init.d', kind: 'dir', mode: 0o755 }], 0));
  const kept = '[general]\nsize = 16\n[packages]\nliveboot = "*"\nlib = "*"\n';
  const config = await cooked('kept', kept);
  assert.equal(assembleImage(config, { buildDir: book.build }).upToDate, false);
  const indexBefore = readFileSync(join(book.build, 'repo/repo.idx'));
  book.recipe('core/unrelated', customRecipe('unrelated', 'not in the image'));
  assert.ok((await cook(['unrelated'], { recipesDir: book.recipes, buildDir: book.build })).ok);
  assert.notDeepEqual(readFileSync(join(book.build, 'repo/repo.idx')), indexBefore, 'the shared index changed');
  assert.equal(assembleImage(config, { buildDir: book.build }).upToDate, true, 'the image\'s own packages did not');
  // Asking for a live archive as well (as `npm run build` does) writes only the archive, and
  // the disk alone stays up to date after it: the two callers never undo each other.
  const live = join(book.dir, 'kept-live.img');
  const withLive = assembleImage(config, { buildDir: book.build, live });
  assert.deepEqual([withLive.upToDate, withLive.written], [false, [live]]);
  assert.ok(existsSync(live));
  assert.equal(assembleImage(config, { buildDir: book.build }).upToDate, true);
  assert.equal(assembleImage(config, { buildDir: book.build, live }).upToDate, true);
  book.recipe('core/lib', customRecipe('lib', 'library, changed'));
  try {
    await cooked('kept', kept);
    assert.equal(assembleImage(config, { buildDir: book.build }).upToDate, false, 'a package it holds changed');
  } finally {
    book.recipe('core/lib', customRecipe('lib', 'library'));
    await cooked('kept', kept);
  }
});

/** Marks the disk as a booted system would (a write at its end), and tells whether the mark is still there. */
function mark(disk: string): () => boolean {
  const bytes = new TextEncoder().encode('written by the user');
  const at = statSync(disk).size - bytes.length;
  const fd = openSync(disk, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, at);
  } finally {
    closeSync(fd);
  }
  return () => Buffer.from(readFileSync(disk).subarray(at)).equals(Buffer.from(bytes));
}

test('a failure writing the live archive keeps the disk\'s record: the next run does not write the disk again', async () => {
  const bootRecipe = book.recipe('core/liveboot', '[build]\ntemplate = "custom"\nscript = "mkdir -p $COOKBOOK_STAGE/boot && cp $COOKBOOK_RECIPE/initfs.img $COOKBOOK_STAGE/boot/initfs.img"\n[package]\nversion = "1.0.0"\n');
  writeFileSync(join(dirname(bootRecipe), 'initfs.img'), buildInitfs([{ path: 'etc/init.d', kind: 'dir', mode: 0o755 }], 0));
  const config = await cooked('halfway', '[general]\nsize = 16\n[packages]\nliveboot = "*"\nlib = "*"\n');
  const disk = join(book.build, 'halfway', 'harddrive.img');
  // The live archive's folder is a file: the disk is written, then the archive fails.
  const blocker = join(book.dir, 'not-a-folder');
  writeFileSync(blocker, 'x');
  assert.throws(() => assembleImage(config, { buildDir: book.build, live: join(blocker, 'live.img') }), /ENOTDIR|EEXIST/);
  assert.ok(existsSync(disk));
  const kept = mark(disk);
  const again = assembleImage(config, { buildDir: book.build });
  assert.deepEqual([again.upToDate, again.written], [true, []], 'the disk written before the failure is up to date');
  assert.ok(kept(), 'what was written to the disk since is kept');
  const live = join(book.dir, 'halfway-live.img');
  const withLive = assembleImage(config, { buildDir: book.build, live });
  assert.deepEqual(withLive.written, [live], 'only the archive that failed is written');
  assert.ok(kept());
  assert.deepEqual(readdirSync(book.dir).filter((name) => name.endsWith('.partial')), [], 'no temporary archive is left');
});

test('a stamp in the older single-key form keeps a disk built from the same inputs, and is read in the current form from then on', async () => {
  const text = '[general]\nsize = 16\n[packages]\nliveboot = "*"\nlib = "*"\n';
  const config = await cooked('legacy', text);
  const report = assembleImage(config, { buildDir: book.build });
  const stampFile = join(dirname(report.disk), 'image.json');
  // The key the builds before per-output stamps wrote: [format, configuration, SHA-256 of the whole index, key, outputs].
  const legacyKey = (outputs: string[]): string => sha256Hex(JSON.stringify([1, config, sha256Hex(readFileSync(join(book.build, 'repo/repo.idx'))), toHex(readPublicKey(book.build)), outputs]));
  const legacy = (key: string): void => writeFileSync(stampFile, `${JSON.stringify({ key }, null, 1)}\n`);

  legacy(legacyKey([report.disk]));
  let kept = mark(report.disk);
  assert.equal(assembleImage(config, { buildDir: book.build }).upToDate, true, 'the older stamp proves the disk was built from these inputs');
  assert.ok(kept(), 'upgrading does not wipe the disk');
  assert.ok('outputs' in JSON.parse(readFileSync(stampFile, 'utf8')), 'the stamp is now in the current form');
  book.recipe('core/unrelated2', customRecipe('unrelated2', 'not in the image'));
  assert.ok((await cook(['unrelated2'], { recipesDir: book.recipes, buildDir: book.build })).ok);
  assert.equal(assembleImage(config, { buildDir: book.build }).upToDate, true, 'a changed index (which the older key hashed) no longer matters');
  assert.ok(kept());

  // Written with a live archive (as `npm run build` did): both are proved.
  const live = join(book.dir, 'legacy-live.img');
  assert.deepEqual(assembleImage(config, { buildDir: book.build, live }).written, [live]);
  legacy(legacyKey([report.disk, live]));
  assert.equal(assembleImage(config, { buildDir: book.build, live }).upToDate, true);
  assert.ok(kept());

  // A key that does not match (another configuration or index) proves nothing: the disk is written afresh, as before.
  legacy(sha256Hex('something else'));
  const rewritten = assembleImage(config, { buildDir: book.build });
  assert.deepEqual([rewritten.upToDate, rewritten.written], [false, [report.disk]]);
  assert.equal(kept(), false);
  kept = mark(report.disk);
  assert.equal(assembleImage(config, { buildDir: book.build }).upToDate, true);
  assert.ok(kept());
});

test('an unknown package, a version the recipe does not make and a left-out dependency are ConfigErrors before anything is cooked', async () => {
  const fresh = join(book.dir, 'build-untouched');
  const refused = async (name: string, text: string, field: string, why: RegExp): Promise<void> => {
    const config = loadConfig(writeConfig(name, text));
    await assert.rejects(cookConfig(config, { recipesDir: book.recipes, buildDir: fresh }), (err: unknown) => {
      assert.ok(err instanceof ConfigError, String(err));
      assert.equal(err.file, config.file);
      assert.equal(err.field, field);
      assert.match(err.message, why);
      return true;
    });
    assert.equal(existsSync(fresh), false, `${name}: nothing was cooked`);
  };
  await refused('unknown', '[packages]\ninitfs = "*"\nnosuchpkg = "*"\n', '[packages] nosuchpkg',
    new RegExp(`unknown\\.toml: \\[packages\\] nosuchpkg: no recipe named "nosuchpkg" \\(looked for ${book.recipes}/<category>/nosuchpkg/recipe\\.toml\\)`));
  await refused('pinned', '[packages]\ninitfs = "*"\nlib = "2.0"\n', '[packages] lib', /wants version 2\.0, but its recipe \(.*core\/lib\/recipe\.toml\) makes 1\.0\.0/);
  await refused('leftout', '[packages]\ninitfs = "*"\ntool = "*"\n', '[packages]', /leftout\.toml: \[packages\]: tool depends on lib, which the configuration does not list; add lib = "\*"/);
});

test('a left-out dependency, two packages on one path and a file over a package are refused', async () => {
  // Cooked past the recipe check (by name), so the assembler's own check against the index shows.
  assert.ok((await cook(['initfs', 'tool'], { recipesDir: book.recipes, buildDir: book.build })).ok);
  const missing = loadConfig(writeConfig('missing', '[packages]\ninitfs = "*"\ntool = "*"\n'));
  assert.throws(() => assembleImage(missing, { buildDir: book.build }), /missing\.toml: \[packages\]: tool depends on lib, which the configuration does not list; add lib = "\*"/);
  const clash = await cooked('clash', '[packages]\ninitfs = "*"\ntool = "*"\nlib = "*"\nclash = "*"\n');
  assert.throws(() => assembleImage(clash, { buildDir: book.build }), /clash\.toml: \[packages\]: package (tool|clash) cannot write \/out\/tool: it is already installed by package (clash|tool)/);
  const over = await cooked('over', '[packages]\ninitfs = "*"\nlib = "*"\n[[files]]\npath = "/out/lib"\ncontents = "x"\n');
  assert.throws(() => assembleImage(over, { buildDir: book.build }), /over\.toml: \[\[files\]\] 1 \(\/out\/lib\): cannot write \/out\/lib: it is already installed by package lib/);
  const version = loadConfig(writeConfig('version', '[packages]\ninitfs = "*"\nlib = "2.0"\n'));
  assert.throws(() => assembleImage(version, { buildDir: book.build }), /\[packages\] lib: wants version 2\.0, but the repository has 1\.0\.0/);
  const noBoot = await cooked('noboot', '[packages]\nlib = "*"\n');
  assert.throws(() => assembleImage(noBoot, { buildDir: book.build }), /no package installs \/boot\/initfs\.img/);
});

test('an image a machine holds the lock of is not replaced: refused before anything is written, the same file left', async () => {
  const config = await cooked('held', SMALL.replace('size = 32', 'size = 16'));
  const disk = assembleImage(config, { buildDir: book.build }).disk;
  const before = statSync(disk);
  const stamp = readFileSync(join(dirname(disk), 'image.json'), 'utf8');
  // In-process, as `redox run` holds it (node-image-lock.ts): a second lock in one process is refused too.
  const release = lockImage(disk);
  try {
    assert.throws(() => assembleImage(config, { buildDir: book.build, force: true }), (error: unknown) => error instanceof Error && error.message.includes(`cannot replace ${disk}: a machine is running on it (process ${process.pid} (this process) holds ${disk}.lock); power it off first`));
    assert.throws(() => writeFileTree(disk, [], { sizeBytes: 1 << 20 }), /cannot replace .*a machine is running on it/);
    const after = statSync(disk);
    assert.equal(after.ino, before.ino, 'the same file');
    assert.equal(after.mtimeMs, before.mtimeMs, 'not written');
    assert.equal(readFileSync(join(dirname(disk), 'image.json'), 'utf8'), stamp, 'the stamp is unchanged');
    assert.equal(existsSync(`${disk}.partial`), false, 'no partial image was begun');
  } finally {
    release();
  }
  assert.equal(assembleImage(config, { buildDir: book.build, force: true }).upToDate, false);
  assert.notEqual(statSync(disk).ino, before.ino, 'released, the image is replaced');
  assert.equal(existsSync(`${disk}.lock`), false, 'and its lock released');
});
