/**
 * A FIFO of bytes kept as the chunks that were written (no copying on put): the body of a pipe,
 * shared by the kernel's pipe scheme and the Linux backend's pipes.
 */

export class ByteQueue {
  private chunks: Uint8Array[] = [];
  size = 0;

  put(data: Uint8Array): void {
    if (data.length === 0) return;
    this.chunks.push(data);
    this.size += data.length;
  }

  /** Removes and returns up to `max` bytes from the front. */
  take(max: number): Uint8Array {
    const out = new Uint8Array(Math.min(max, this.size));
    let at = 0;
    while (at < out.length) {
      const head = this.chunks[0]!;
      const n = Math.min(head.length, out.length - at);
      out.set(head.subarray(0, n), at);
      at += n;
      if (n === head.length) this.chunks.shift();
      else this.chunks[0] = head.subarray(n);
    }
    this.size -= out.length;
    return out;
  }
}
