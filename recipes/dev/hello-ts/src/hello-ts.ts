/** hello-ts: the cookbook's TypeScript example. Prints a greeting and its arguments. */
import { print } from '@redox/libc';

export function main(args: string[]): number {
  print('hello from TypeScript on redox-ts');
  args.slice(1).forEach((arg, i) => print(`arg ${i + 1}: ${arg}`));
  return 0;
}
