/**
 * The kernel log: a bounded ring of lines, readable at /scheme/sys/log and mirrored to the host
 * when tracing. Kept small and dependency-free so every kernel file can use it.
 */

export class KernelLog {
  private readonly lines: string[] = [];
  constructor(
    private readonly capacity: number,
    private readonly mirror: ((line: string) => void) | null,
  ) {}

  info(message: string): void {
    const line = `[${(performance.now() / 1000).toFixed(3)}] ${message}`;
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.shift();
    this.mirror?.(line);
  }

  text(): string {
    return this.lines.join('\n') + (this.lines.length ? '\n' : '');
  }
}
