/**
 * The process memory limit applied to a module's linear memory. Linear memory lives outside the
 * JS heap that the CPU Worker's resourceLimits bound, so before compiling, the runtime rewrites
 * the module's memory section to declare a maximum no larger than the process limit: past it,
 * memory.grow returns -1 and malloc fails with ENOMEM instead of the program taking the host's
 * RAM. Only the limits of memories the module defines are changed; the rest of the binary is
 * copied unchanged.
 */

const WASM_PAGE = 65536;
const MEMORY_SECTION = 5;

function readLeb(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    if (at >= bytes.length) throw new RangeError('truncated LEB128');
    const byte = bytes[at++]!;
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(byte & 0x80)) return [value, at];
    if (shift > 35) throw new RangeError('LEB128 too long');
  }
}

function leb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
}

/** The memory section with every memory's maximum capped at `maxPages` (minimums above it are kept: such a module fails to instantiate). */
function capSection(payload: Uint8Array, maxPages: number): number[] | null {
  let [count, at] = readLeb(payload, 0);
  const out = leb(count);
  while (count-- > 0) {
    const flags = payload[at++];
    if (flags === undefined || flags > 1) return null; // shared or 64-bit memories: leave the module alone
    let min: number;
    [min, at] = readLeb(payload, at);
    let max = maxPages;
    if (flags === 1) {
      let declared: number;
      [declared, at] = readLeb(payload, at);
      max = Math.min(declared, maxPages);
    }
    out.push(1, ...leb(min), ...leb(Math.max(max, min)));
  }
  return at === payload.length ? out : null;
}

/** `bytes` with its linear memories limited to `limitBytes`; unchanged if the binary cannot be parsed (compiling will say why). */
export function capLinearMemory(bytes: Uint8Array, limitBytes: number): Uint8Array {
  const maxPages = Math.max(1, Math.floor(limitBytes / WASM_PAGE));
  try {
    const parts: Uint8Array[] = [bytes.subarray(0, 8)];
    let at = 8;
    let changed = false;
    while (at < bytes.length) {
      const start = at;
      const id = bytes[at++]!;
      let size: number;
      [size, at] = readLeb(bytes, at);
      const end = at + size;
      if (end > bytes.length) return bytes;
      const capped = id === MEMORY_SECTION ? capSection(bytes.subarray(at, end), maxPages) : null;
      if (capped) {
        parts.push(new Uint8Array([id, ...leb(capped.length), ...capped]));
        changed = true;
      } else {
        parts.push(bytes.subarray(start, end));
      }
      at = end;
    }
    if (!changed) return bytes;
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let pos = 0;
    for (const p of parts) {
      out.set(p, pos);
      pos += p.length;
    }
    return out;
  } catch {
    return bytes;
  }
}

/** The process's memory limit in bytes, from the `MemLimitMiB:` line of /scheme/proc/self/status. */
export function parseMemLimit(status: string): number | null {
  const match = /^MemLimitMiB:\s*(\d+)/m.exec(status);
  return match ? Number(match[1]) * 1024 * 1024 : null;
}
