/** echo: print the arguments. `-n` omits the newline; `-e` interprets \n, \t and \\. */
import { stdout } from '../../libc/index.ts';

export function main(args: string[]): number {
  let words = args.slice(1);
  let newline = true;
  let escapes = false;
  while (words[0] === '-n' || words[0] === '-e' || words[0] === '-ne' || words[0] === '-en') {
    if (words[0].includes('n')) newline = false;
    if (words[0].includes('e')) escapes = true;
    words = words.slice(1);
  }
  let text = words.join(' ');
  if (escapes) text = text.replace(/\\(n|t|\\)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : '\\'));
  stdout.write(newline ? text + '\n' : text);
  return 0;
}
