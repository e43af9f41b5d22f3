// Encryption: AES-256-XTS backends agree bit for bit; an encrypted image holds no plaintext
// of a known file (contents or name); a wrong or missing password fails cleanly; passwd
// re-wraps the key in every header slot and keeps the data.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryDevice, RedoxFS, isFsError, portableCrypto } from '../../src/redoxfs/index.ts';
import { nodeCrypto } from '../../src/redoxfs/node-crypto.ts';
import { TEST_KDF, dec, enc, pattern } from './helpers.ts';

const SECRET = 'ATTACK-AT-DAWN-redox-ts-known-plaintext-';
const SECRET_NAME = 'classified-launch-codes.txt';

function contains(device: MemoryDevice, needle: Uint8Array): boolean {
  const text = Buffer.from(needle);
  for (const block of device.blocks.values()) if (Buffer.from(block).includes(text)) return true;
  return false;
}

function imageWithSecret(password?: string): MemoryDevice {
  const device = new MemoryDevice(1024);
  const fs = RedoxFS.mkfs(device, { password, kdf: TEST_KDF });
  const f = fs.create(1, SECRET_NAME);
  fs.write(f.ino, 0, enc(SECRET.repeat(300)));
  fs.unmount();
  return device;
}

describe('encryption', () => {
  it('the node and portable XTS backends produce identical ciphertext', () => {
    const key = portableCrypto.randomBytes(64);
    const data = pattern(1, 4096);
    for (const tweak of [4, 77, 2 ** 33 + 5]) {
      const a = portableCrypto.xts(key).encrypt(tweak, data);
      const b = nodeCrypto.xts(key).encrypt(tweak, data);
      assert.deepEqual(a, b);
      assert.notDeepEqual(a, data);
      assert.deepEqual(portableCrypto.xts(key).decrypt(tweak, b), data);
      assert.deepEqual(nodeCrypto.xts(key).decrypt(tweak, a), data);
    }
  });

  it('an encrypted image holds no plaintext of a known file', () => {
    const plain = imageWithSecret();
    assert.ok(contains(plain, enc(SECRET)), 'control: the unencrypted image shows the text');
    assert.ok(contains(plain, enc(SECRET_NAME)), 'control: the unencrypted image shows the name');
    const sealed = imageWithSecret('correct horse');
    assert.ok(!contains(sealed, enc(SECRET)));
    assert.ok(!contains(sealed, enc(SECRET.slice(0, 16))));
    assert.ok(!contains(sealed, enc(SECRET_NAME)));
    const fs = RedoxFS.mount(sealed, { password: 'correct horse' });
    assert.equal(dec(fs.read(fs.lookup(1, SECRET_NAME), 0, SECRET.length)), SECRET);
    assert.equal(fs.statvfs().encrypted, true);
    assert.deepEqual(fs.fsck().errors, []);
  });

  it('a wrong or missing password fails cleanly', () => {
    const sealed = imageWithSecret('correct horse');
    assert.throws(() => RedoxFS.mount(sealed, { password: 'wrong' }), (e: unknown) => isFsError(e, 'EACCES') && /wrong password/.test(e.message));
    assert.throws(() => RedoxFS.mount(sealed), (e: unknown) => isFsError(e, 'EACCES') && /password is needed/.test(e.message));
  });

  it('images move between backends', () => {
    const device = new MemoryDevice(512);
    const fs = RedoxFS.mkfs(device, { password: 'pw', kdf: TEST_KDF, crypto: nodeCrypto });
    fs.write(fs.create(1, 'f').ino, 0, pattern(5, 20000));
    fs.unmount();
    const other = RedoxFS.mount(device, { password: 'pw', crypto: portableCrypto });
    assert.deepEqual(other.read(other.lookup(1, 'f'), 0, 20000), pattern(5, 20000));
  });

  it('passwd re-wraps the key everywhere and keeps the data', () => {
    const device = imageWithSecret('old password');
    const before = new Map([...device.blocks].filter(([b]) => b >= 4));
    const fs = RedoxFS.mount(device, { password: 'old password' });
    fs.passwd('old password', 'new password', { kdf: TEST_KDF });
    fs.unmount();
    assert.throws(() => RedoxFS.mount(device, { password: 'old password' }), /wrong password/);
    const again = RedoxFS.mount(device, { password: 'new password' });
    assert.equal(dec(again.read(again.lookup(1, SECRET_NAME), 0, SECRET.length)), SECRET);
    const wrapped = [0, 1, 2, 3].map((slot) => Buffer.from(device.blocks.get(slot)!.subarray(168, 272)).toString('hex'));
    assert.equal(new Set(wrapped).size, 1, 'every header slot holds the new wrapping');
    const rewritten = [...before].filter(([b, bytes]) => !Buffer.from(device.blocks.get(b)!).equals(Buffer.from(bytes))).length;
    assert.equal(rewritten, 0, 'passwd rewrites no block outside the header slots');
    assert.throws(() => again.passwd('not it', 'x', { kdf: TEST_KDF }), /wrong password/);
  });
});
