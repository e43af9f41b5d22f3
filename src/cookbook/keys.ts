/**
 * The repository's signing key pair: made on the first build, kept under build/ (never
 * committed): build/id_ed25519.toml holds the secret key (mode 0600, enforced on load),
 * build/id_ed25519.pub.toml the public key (derived from the secret key and rewritten when it
 * differs), which images carry so `pkg` can verify packages.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { fromHex, generateKeyPair, publicKeyOf, toHex, type KeyPair } from './package.ts';

export const SECRET_KEY_FILE = 'id_ed25519.toml';
export const PUBLIC_KEY_FILE = 'id_ed25519.pub.toml';

export interface RepoKeys extends KeyPair {
  /** True when this call made the pair. */
  created: boolean;
}

function readHexField(path: string, field: string): Uint8Array {
  const doc = parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const value = doc[field];
  if (typeof value !== 'string' || !/^[0-9a-f]{64}$/.test(value)) throw new Error(`${path}: ${field}: expected 64 lowercase hex digits`);
  return fromHex(value);
}

/**
 * Reads the key pair under `buildDir`, making it first if there is none. The public key is
 * always derived from the secret one: a missing or different id_ed25519.pub.toml is (re)written.
 * A secret key file readable or writable by group or others is tightened to 0600. Both are
 * reported through `warn` (default: standard error).
 */
export function loadOrCreateKeys(buildDir: string, warn: (text: string) => void = (text) => console.warn(text)): RepoKeys {
  const secretPath = join(buildDir, SECRET_KEY_FILE);
  const publicPath = join(buildDir, PUBLIC_KEY_FILE);
  if (existsSync(secretPath)) {
    const mode = statSync(secretPath).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      chmodSync(secretPath, 0o600);
      warn(`${secretPath}: the secret key was accessible to others (mode ${mode.toString(8).padStart(4, '0')}); changed it to 0600`);
    }
    const secretKey = readHexField(secretPath, 'secret_key');
    const publicKey = publicKeyOf(secretKey);
    let current: string | null = null;
    try {
      current = existsSync(publicPath) ? toHex(readHexField(publicPath, 'public_key')) : null;
    } catch {
      current = 'unreadable';
    }
    if (current !== toHex(publicKey)) {
      writePublic(publicPath, publicKey);
      if (current !== null) warn(`${publicPath}: did not match the secret key in ${secretPath}; rewrote it with public key ${toHex(publicKey)}`);
    }
    return { secretKey, publicKey, created: false };
  }
  mkdirSync(buildDir, { recursive: true });
  const pair = generateKeyPair();
  writeFileSync(secretPath, `# The repository's ed25519 signing key. Never commit or share this file.\nsecret_key = "${toHex(pair.secretKey)}"\npublic_key = "${toHex(pair.publicKey)}"\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(secretPath, 0o600);
  if ((statSync(secretPath).mode & 0o077) !== 0) throw new Error(`${secretPath}: cannot make the secret key private (mode 0600)`);
  writePublic(publicPath, pair.publicKey);
  return { ...pair, created: true };
}

function writePublic(path: string, publicKey: Uint8Array): void {
  writeFileSync(`${path}.tmp`, `public_key = "${toHex(publicKey)}"\n`);
  renameSync(`${path}.tmp`, path);
}

/** The public key alone (what an image or a verifier trusts). */
export function readPublicKey(buildDir: string): Uint8Array {
  return readHexField(join(buildDir, PUBLIC_KEY_FILE), 'public_key');
}
