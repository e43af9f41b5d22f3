/**
 * User accounts: /etc/passwd (name:x:uid:gid:gecos:home:shell, world-readable) and /etc/shadow
 * (name:hash, root-only), with passwords hashed by Argon2id in PHC string form
 * (`$argon2id$v=19$m=KIB,t=N,p=1$SALT$HASH`, base64 without padding). An empty hash field means
 * the account has no password. Pure functions plus the file readers login and su share.
 */
import { argon2id } from '@noble/hashes/argon2.js';
import { readTextFile } from '../../libc/index.ts';

export interface Account {
  name: string;
  uid: number;
  gid: number;
  gecos: string;
  home: string;
  shell: string;
}

/** Cost for new hashes: about a third of a second in a process here, as login should be. */
export const HASH_COST = { m: 4096, t: 3, p: 1 };

export function parsePasswd(text: string): Account[] {
  const accounts: Account[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [name, , uid, gid, gecos, home, shell] = line.split(':');
    if (!name || !Number.isInteger(Number(uid)) || !Number.isInteger(Number(gid))) continue;
    accounts.push({ name, uid: Number(uid), gid: Number(gid), gecos: gecos ?? '', home: home || '/', shell: shell || '/bin/sh' });
  }
  return accounts;
}

export function parseShadow(text: string): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const line of text.split('\n')) {
    const at = line.indexOf(':');
    if (at > 0) hashes.set(line.slice(0, at), line.slice(at + 1).split(':')[0] ?? '');
  }
  return hashes;
}

const b64 = (bytes: Uint8Array): string => btoaBytes(bytes).replace(/=+$/, '');

function btoaBytes(bytes: Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += alphabet[(n >> 18) & 63]! + alphabet[(n >> 12) & 63]!;
    out += i + 1 < bytes.length ? alphabet[(n >> 6) & 63]! : '=';
    out += i + 2 < bytes.length ? alphabet[n & 63]! : '=';
  }
  return out;
}

function unb64(text: string): Uint8Array {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of text) {
    const digit = alphabet.indexOf(char);
    if (digit < 0) throw new Error('bad base64 in password hash');
    value = (value << 6) | digit;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

export function hashPassword(password: string, salt: Uint8Array, cost = HASH_COST): string {
  const hash = argon2id(password, salt, { ...cost, dkLen: 32 });
  return `$argon2id$v=19$m=${cost.m},t=${cost.t},p=${cost.p}$${b64(salt)}$${b64(hash)}`;
}

/** Checks a password against a PHC Argon2id string; an empty stored hash accepts only "". */
export function verifyPassword(password: string, stored: string): boolean {
  if (stored === '') return password === '';
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([^$]+)\$([^$]+)$/.exec(stored);
  if (!match) return false;
  const expected = unb64(match[5]!);
  const got = argon2id(password, unb64(match[4]!), { m: Number(match[1]), t: Number(match[2]), p: Number(match[3]), dkLen: expected.length });
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected[i]! ^ got[i]!;
  return diff === 0 && got.length === expected.length;
}

export function accounts(): Account[] {
  return parsePasswd(readTextFile('/etc/passwd'));
}

export function findAccount(name: string): Account | undefined {
  return accounts().find((a) => a.name === name);
}

/** The stored hash for `name` (root only can read /etc/shadow). */
export function storedHash(name: string): string | undefined {
  return parseShadow(readTextFile('/etc/shadow')).get(name);
}
