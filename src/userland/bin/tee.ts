/** tee: copy standard input to standard output and to files. */
import { O_APPEND, O_CREAT, O_TRUNC, O_WRONLY, SIGINT, close, open, read, signal, stdout, write } from '../../libc/index.ts';
import { fail, parseArgs, type Spec } from '../lib/args.ts';

const SPEC: Spec = {
  name: 'tee',
  usage: '[OPTION]... [FILE]...',
  about: 'Copy standard input to each FILE, and also to standard output.',
  options: [
    ['-a, --append', 'append to the given FILEs, do not overwrite'],
    ['-i, --ignore-interrupts', 'ignore interrupt signals'],
  ],
};

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  if (opts.has('i')) signal(SIGINT, 'ignore');
  let status = 0;
  const outputs: [string, number][] = [];
  for (const path of opts.operands) {
    try {
      outputs.push([path, open(path, O_WRONLY | O_CREAT | (opts.has('a') ? O_APPEND : O_TRUNC), 0o644)]);
    } catch (error) {
      status = fail('tee', path, error);
    }
  }
  stdout.setBuffering('none');
  for (let chunk = read(0, 64 * 1024); chunk.length > 0; chunk = read(0, 64 * 1024)) {
    stdout.write(chunk);
    for (const [path, fd] of outputs) {
      try {
        write(fd, chunk);
      } catch (error) {
        status = fail('tee', path, error);
        outputs.splice(outputs.findIndex(([, f]) => f === fd), 1);
      }
    }
  }
  for (const [, fd] of outputs) close(fd);
  return status;
}
