/**
 * The repository's signing key pair: made on the first build, kept under build/ (never
 * committed): build/id_ed25519.toml holds the secret key (mode 0600), build/id_ed25519.pub.toml
 * the public key, which images carry so `pkg` can verify packages.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

/** Reads the key pair under `buildDir`, making it first if there is none. */
export function loadOrCreateKeys(buildDir: string): RepoKeys {
  const secretPath = join(buildDir, SECRET_KEY_FILE);
  const publicPath = join(buildDir, PUBLIC_KEY_FILE);
  if (existsSync(secretPath)) {
    const secretKey = readHexField(secretPath, 'secret_key');
    const publicKey = publicKeyOf(secretKey);
    if (!existsSync(publicPath)) writeFileSync(publicPath, `public_key = "${toHex(publicKey)}"\n`);
    return { secretKey, publicKey, created: false };
  }
  mkdirSync(buildDir, { recursive: true });
  const pair = generateKeyPair();
  writeFileSync(secretPath, `# The repository's ed25519 signing key. Never commit or share this file.\nsecret_key = "${toHex(pair.secretKey)}"\npublic_key = "${toHex(pair.publicKey)}"\n`, { mode: 0o600 });
  chmodSync(secretPath, 0o600);
  writeFileSync(publicPath, `public_key = "${toHex(pair.publicKey)}"\n`);
  return { ...pair, created: true };
}

/** The public key alone (what an image or a verifier trusts). */
export function readPublicKey(buildDir: string): Uint8Array {
  return readHexField(join(buildDir, PUBLIC_KEY_FILE), 'public_key');
}
