/**
 * CRC32C (Castagnoli), the checksum stored in every block pointer and header. Slicing-by-8
 * tables make it fast enough to check every block on every read. Pure TypeScript so the core
 * runs anywhere; the result is an unsigned 32-bit number.
 */

const POLY = 0x82f63b78;
const TABLES = buildTables();

function buildTables(): Uint32Array[] {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    tables[0]![n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let t = 1; t < 8; t++) {
      const prev = tables[t - 1]![n]!;
      tables[t]![n] = (prev >>> 8) ^ tables[0]![prev & 0xff]!;
    }
  }
  return tables;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export function crc32c(data: Uint8Array, start = 0, end = data.length): number {
  let crc = 0xffffffff;
  let i = start;
  if (LITTLE_ENDIAN && ((data.byteOffset + start) & 3) === 0) {
    const pairs = (end - start) >>> 3;
    crc = crcWords(new Uint32Array(data.buffer, data.byteOffset + start, pairs * 2), crc);
    i += pairs * 8;
  }
  const t0 = TABLES[0]!;
  for (; i < end; i++) crc = t0[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Slicing-by-8 over pairs of little-endian words: the hot loop. */
function crcWords(words: Uint32Array, crc: number): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
  for (let w = 0; w < words.length; w += 2) {
    const a = crc ^ words[w]!;
    const b = words[w + 1]!;
    crc =
      t7[a & 0xff]! ^ t6[(a >>> 8) & 0xff]! ^ t5[(a >>> 16) & 0xff]! ^ t4[a >>> 24]! ^
      t3[b & 0xff]! ^ t2[(b >>> 8) & 0xff]! ^ t1[(b >>> 16) & 0xff]! ^ t0[b >>> 24]!;
  }
  return crc;
}
