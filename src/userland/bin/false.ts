/** false: do nothing, unsuccessfully. */
export function main(_args: string[]): number {
  return 1;
}
