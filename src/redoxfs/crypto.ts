/**
 * The crypto interface of RedoxFS and its portable backend (pure TypeScript over @noble).
 *
 * - `CryptoBackend.xts(key)` gives AES-256-XTS over whole 4096-byte blocks, the tweak being
 *   the block address (IEEE 1619, data unit = one block). Backends must agree bit for bit:
 *   an image written with one is read with the other (a test checks it).
 * - Key wrapping is shared by all backends: KEK = Argon2id(password, salt), master key wrapped
 *   with AES-256-KW (RFC 3394), whose integrity check is what tells a wrong password.
 */

import { aeskw, unsafe as aes } from '@noble/ciphers/aes.js';
import { argon2id } from '@noble/hashes/argon2.js';

export interface BlockCipher {
  encrypt(tweak: number, plain: Uint8Array): Uint8Array;
  decrypt(tweak: number, cipher: Uint8Array): Uint8Array;
}

export interface CryptoBackend {
  readonly name: string;
  /** `key` is 64 bytes: the data key then the tweak key. */
  xts(key: Uint8Array): BlockCipher;
  randomBytes(length: number): Uint8Array;
}

export interface KdfParams {
  /** Memory in KiB. */
  m: number;
  /** Iterations. */
  t: number;
  /** Parallelism. */
  p: number;
}

/** Sane defaults for real images: 64 MiB, 3 passes. Tests pass smaller values. */
export const DEFAULT_KDF: KdfParams = { m: 64 * 1024, t: 3, p: 1 };
export const MASTER_KEY_BYTES = 64;
export const WRAPPED_KEY_BYTES = 72;
export const SALT_BYTES = 32;

export function deriveKek(password: string, salt: Uint8Array, params: KdfParams): Uint8Array {
  const maxmem = Math.max(2 ** 30, params.m * 1024 * 2);
  return argon2id(new TextEncoder().encode(password), salt, { ...params, dkLen: 32, maxmem });
}

export function wrapKey(kek: Uint8Array, master: Uint8Array): Uint8Array {
  return aeskw(kek).encrypt(master);
}

/** The master key, or null when the KEK is wrong (the password did not match). */
export function unwrapKey(kek: Uint8Array, wrapped: Uint8Array): Uint8Array | null {
  try {
    return aeskw(kek).decrypt(wrapped);
  } catch {
    return null;
  }
}

/** Little-endian 16-byte tweak from a block address. */
export function tweakBytes(address: number): Uint8Array {
  const tweak = new Uint8Array(16);
  new DataView(tweak.buffer).setUint32(0, address >>> 0, true);
  new DataView(tweak.buffer).setUint32(4, Math.floor(address / 2 ** 32), true);
  return tweak;
}

/** Multiplies a 16-byte XTS tweak by alpha in GF(2^128), in place. */
function multiplyByAlpha(t: Uint8Array, at: number): void {
  let carry = 0;
  for (let i = 0; i < 16; i++) {
    const byte = t[at + i]!;
    t[at + i] = ((byte << 1) | carry) & 0xff;
    carry = byte >>> 7;
  }
  if (carry) t[at] = t[at]! ^ 0x87;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

type RoundKeys = ReturnType<typeof aes.expandKeyLE>;
type AesRound = (xk: RoundKeys, s0: number, s1: number, s2: number, s3: number) => { s0: number; s1: number; s2: number; s3: number };

class PortableXts implements BlockCipher {
  private readonly encKey: RoundKeys;
  private readonly decKey: RoundKeys;
  private readonly tweakKey: RoundKeys;

  constructor(key: Uint8Array) {
    if (key.length !== MASTER_KEY_BYTES) throw new RangeError('AES-256-XTS needs a 64-byte key');
    if (!LITTLE_ENDIAN_HOST) throw new Error('the portable XTS backend needs a little-endian host');
    this.encKey = aes.expandKeyLE(key.slice(0, 32));
    this.decKey = aes.expandKeyDecLE(key.slice(0, 32));
    this.tweakKey = aes.expandKeyLE(key.slice(32, 64));
  }

  encrypt(tweak: number, plain: Uint8Array): Uint8Array {
    return this.run(aes.encrypt, this.encKey, tweak, plain);
  }

  decrypt(tweak: number, cipher: Uint8Array): Uint8Array {
    return this.run(aes.decrypt, this.decKey, tweak, cipher);
  }

  /** C_j = E(P_j xor T_j) xor T_j (or D for decryption), T_j = E_K2(tweak) * alpha^j. */
  private run(round: AesRound, xk: RoundKeys, address: number, input: Uint8Array): Uint8Array {
    if (input.length % 16 !== 0) throw new RangeError('XTS data unit must be whole AES blocks');
    const tweak = tweakBytes(address);
    const t = new Uint32Array(tweak.buffer);
    const first = aes.encrypt(this.tweakKey, t[0]!, t[1]!, t[2]!, t[3]!);
    t.set([first.s0, first.s1, first.s2, first.s3]);
    const out = input.slice();
    const words = new Uint32Array(out.buffer, out.byteOffset, out.length / 4);
    for (let i = 0; i < words.length; i += 4) {
      const r = round(xk, words[i]! ^ t[0]!, words[i + 1]! ^ t[1]!, words[i + 2]! ^ t[2]!, words[i + 3]! ^ t[3]!);
      words[i] = r.s0 ^ t[0]!;
      words[i + 1] = r.s1 ^ t[1]!;
      words[i + 2] = r.s2 ^ t[2]!;
      words[i + 3] = r.s3 ^ t[3]!;
      multiplyByAlpha(tweak, 0);
    }
    return out;
  }
}

export const portableCrypto: CryptoBackend = {
  name: 'portable',
  xts: (key) => new PortableXts(key),
  randomBytes: (length) => globalThis.crypto.getRandomValues(new Uint8Array(length)),
};
