/**
 * Image configurations (src/cookbook/config.ts): a full configuration parses with its defaults;
 * includes merge; every bad one is refused with the file, the field and what was expected.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { accountFiles, checkConfig, ConfigError, parseConfig } from '../../src/cookbook/config.ts';
import { loadConfig } from '../../src/cookbook/image.ts';

const dir = mkdtempSync(join(tmpdir(), 'redox-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function refused(text: string, field: string, expected: RegExp): void {
  assert.throws(() => checkConfig(parseConfig(text, 'config/x.toml')), (err: unknown) => {
    assert.ok(err instanceof ConfigError, String(err));
    assert.equal(err.file, 'config/x.toml');
    assert.equal(err.field, field);
    assert.match(err.expected, expected);
    assert.equal(err.message, `config/x.toml: ${field}: ${err.expected}`);
    return true;
  });
}

test('a full configuration parses, with defaults for what it leaves out', () => {
  const config = parseConfig(`
[general]
size = 64
encrypt = false

[packages]
sh = "*"
coreutils = "0.1.0"

[[files]]
path = "/etc/motd"
contents = "hi\\n"
mode = "0640"
owner = "alice"
group = 1000

[[files]]
path = "/usr/bin/"
directory = true

[[files]]
path = "/etc/localtime"
symlink = "/usr/share/zoneinfo/UTC"

[users.root]
uid = 0
password_hash = "$argon2id$v=19$m=4096,t=3,p=1$c2FsdA$aGFzaA"

[users.alice]
uid = 1000
password = "secret"
groups = ["wheel"]

[groups.wheel]
gid = 10
`, 'config/full.toml');
  checkConfig(config);
  assert.deepEqual(config.general, { size: 64, encrypt: false });
  assert.deepEqual(config.packages, { sh: '*', coreutils: '0.1.0' });
  assert.deepEqual(config.files.map((f) => [f.path, f.kind, f.mode.toString(8), f.owner, f.group]), [
    ['etc/motd', 'file', '640', 'alice', 1000], ['usr/bin', 'dir', '755', 0, 0], ['etc/localtime', 'symlink', '777', 0, 0],
  ]);
  assert.deepEqual(config.users.alice, {
    source: 'config/full.toml', name: 'alice', uid: 1000, gid: 1000, home: '/home/alice', shell: '/bin/sh', gecos: '', password: { kind: 'plain', password: 'secret' }, groups: ['wheel'],
  });
  assert.equal(config.users.root!.home, '/root');
  const files = accountFiles(config, (p) => `hashed(${p})`);
  assert.equal(files.passwd, 'root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n');
  assert.equal(files.group, 'root:x:0:\nwheel:x:10:alice\nalice:x:1000:\n');
  assert.equal(files.shadow, 'root:$argon2id$v=19$m=4096,t=3,p=1$c2FsdA$aGFzaA\nalice:hashed(secret)\n');
});

test('every bad configuration names the file, the field and what was expected', () => {
  refused('bogus = 1\n[packages]\nsh = "*"\n', 'bogus', /unknown key or section; expected one of "include", "general"/);
  refused('[general]\nsize = "big"\n[packages]\nsh = "*"\n', '[general] size', /expected a whole number of MiB, at least 16, found the string "big"/);
  refused('[general]\nencrypt = "yes"\n[packages]\nsh = "*"\n', '[general] encrypt', /expected true or false .* found the string "yes"/);
  refused('[general]\nsizes = 3\n[packages]\nsh = "*"\n', '[general] sizes', /unknown key; expected one of "size", "encrypt"/);
  refused('[packages]\nsh = 1\n', '[packages] sh', /expected "\*" \(any version\) or a version such as "0.1.0", found number 1/);
  refused('[packages]\nSH = "*"\n', '[packages] SH', /not a package name/);
  refused('[packages]\n', '[packages]', /names no packages/);
  refused('[packages]\nsh = "*"\n[[files]]\npath = "etc/motd"\ncontents = ""\n', '[[files]] 1 path', /expected an absolute path such as "\/etc\/motd", found the string "etc\/motd"/);
  refused('[packages]\nsh = "*"\n[[files]]\npath = "/a/../b"\ncontents = ""\n', '[[files]] 1 path', /no "\." or "\.\." parts/);
  refused('[packages]\nsh = "*"\n[[files]]\npath = "/etc/motd"\n', '[[files]] 1 (/etc/motd)', /expected exactly one of "contents", "symlink" or "directory", found none/);
  refused('[packages]\nsh = "*"\n[[files]]\npath = "/etc/motd"\ncontents = ""\nmode = "rw"\n', '[[files]] 1 (/etc/motd) mode', /expected permission bits as an octal string such as "0644" .*found the string "rw"/);
  refused('[packages]\nsh = "*"\n[[files]]\npath = "/etc/motd"\ncontents = ""\nowner = "nobody"\n', '[[files]] 1 (/etc/motd) owner', /"nobody" is not a user in \[users\]/);
  refused('[packages]\nsh = "*"\n[[files]]\npath = "/l"\nsymlink = "/x"\nmode = "0644"\n', '[[files]] 1 (/l) mode', /a symlink has no mode/);
  refused('[packages]\nsh = "*"\n[users.bob]\ngid = 5\n', '[users.bob] uid', /missing; expected a whole number/);
  refused('[packages]\nsh = "*"\n[users.bob]\nuid = -1\n', '[users.bob] uid', /expected a whole number from 0 to 65535, found number -1/);
  refused('[packages]\nsh = "*"\n[users.bob]\nuid = 5\nshell = 3\n', '[users.bob] shell', /expected an absolute path/);
  refused('[packages]\nsh = "*"\n[users.bob]\nuid = 5\npassword = "a"\npassword_hash = "b"\n', '[users.bob]', /not both/);
  refused('[packages]\nsh = "*"\n[users.bob]\nuid = 5\npassword_hash = "plain"\n', '[users.bob] password_hash', /an Argon2id hash in PHC form/);
  refused('[packages]\nsh = "*"\n[users.bob]\nuid = 5\ngroups = ["staff"]\n', '[users.bob] groups', /"staff" is neither a \[groups\] entry nor a user's own group/);
  refused('[packages]\nsh = "*"\n[users.bob]\nuid = 5\n[users.eve]\nuid = 5\n', '[users.eve] uid', /5 is already the uid of bob/);
  refused('[packages]\nsh = "*"\n[users.Bob]\nuid = 5\n', '[users.Bob]', /not an account name/);
  refused('[packages\n', '(TOML syntax, line 1 column 10)', /expected valid TOML/);
});

test('include merges configurations (the includer wins); a missing include or a cycle is named', () => {
  writeFileSync(join(dir, 'base.toml'), '[general]\nsize = 64\n[packages]\nsh = "*"\n[users.root]\nuid = 0\n');
  writeFileSync(join(dir, 'big.toml'), 'include = ["base.toml"]\n[general]\nsize = 128\n[packages]\nedit = "*"\n[users.ann]\nuid = 7\n');
  const big = loadConfig(join(dir, 'big.toml'));
  assert.equal(big.general.size, 128);
  assert.deepEqual(Object.keys(big.packages).sort(), ['edit', 'sh']);
  assert.deepEqual(Object.keys(big.users).sort(), ['ann', 'root']);
  writeFileSync(join(dir, 'lost.toml'), 'include = ["gone.toml"]\n[packages]\nsh = "*"\n');
  assert.throws(() => loadConfig(join(dir, 'lost.toml')), /lost\.toml: include: "gone\.toml" does not exist/);
  writeFileSync(join(dir, 'loop.toml'), 'include = ["loop.toml"]\n[packages]\nsh = "*"\n');
  assert.throws(() => loadConfig(join(dir, 'loop.toml')), /loop\.toml: include: an include cycle/);
  assert.throws(() => loadConfig(join(dir, 'none.toml')), /none\.toml: \(file\): no such configuration file/);
});

test('the shipped configurations parse', () => {
  for (const name of ['base', 'desktop']) checkConfig(loadConfig(new URL(`../../config/${name}.toml`, import.meta.url).pathname));
});
