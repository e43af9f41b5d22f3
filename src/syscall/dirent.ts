/**
 * Directory entry records returned by getdents: `u16 name length, u8 type (DT_*), name bytes`,
 * packed back to back. A scheme returns as many whole records as fit in the caller's buffer.
 */

export interface Dirent {
  name: string;
  type: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeDirents(entries: Iterable<Dirent>, maxBytes: number): { bytes: Uint8Array; count: number } {
  const parts: Uint8Array[] = [];
  let size = 0;
  let count = 0;
  for (const entry of entries) {
    const name = encoder.encode(entry.name);
    if (size + 3 + name.length > maxBytes) break;
    const record = new Uint8Array(3 + name.length);
    record[0] = name.length & 0xff;
    record[1] = name.length >> 8;
    record[2] = entry.type;
    record.set(name, 3);
    parts.push(record);
    size += record.length;
    count++;
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return { bytes, count };
}

export function decodeDirents(bytes: Uint8Array): Dirent[] {
  const out: Dirent[] = [];
  let at = 0;
  while (at + 3 <= bytes.length) {
    const length = bytes[at]! | (bytes[at + 1]! << 8);
    const type = bytes[at + 2]!;
    out.push({ name: decoder.decode(bytes.subarray(at + 3, at + 3 + length)), type });
    at += 3 + length;
  }
  return out;
}
