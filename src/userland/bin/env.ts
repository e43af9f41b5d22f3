/** env: print the environment, or run a command in a modified one. */
import { environ, shellStatus, spawn, stdout, waitpid } from '../../libc/index.ts';
import { fail, parseArgs, type Spec } from '../lib/args.ts';
import { findInPath } from './_system.ts';

const SPEC: Spec = {
  name: 'env',
  usage: '[OPTION]... [NAME=VALUE]... [COMMAND [ARG]...]',
  about: 'Set each NAME to VALUE in the environment and run COMMAND; with no COMMAND, print the environment.',
  options: [
    ['-i, --ignore-environment', 'start with an empty environment'],
    ['-u, --unset NAME', 'remove variable from the environment'],
    ['-0, --null', 'end each output line with NUL, not newline'],
  ],
  stopAtOperand: true,
};

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const env: Record<string, string> = opts.has('i') ? {} : { ...environ };
  for (const name of opts.all('u')) delete env[name];
  const words = [...opts.operands];
  while (words.length && /^[^=]+=/.test(words[0]!)) {
    const word = words.shift()!;
    env[word.slice(0, word.indexOf('='))] = word.slice(word.indexOf('=') + 1);
  }
  if (words.length === 0) {
    const end = opts.has('0') ? '\0' : '\n';
    for (const [name, value] of Object.entries(env)) stdout.write(`${name}=${value}${end}`);
    return 0;
  }
  const path = findInPath(words[0]!, env.PATH ?? environ.PATH);
  if (!path) {
    fail('env', `'${words[0]}': No such file or directory`, null);
    return 127;
  }
  try {
    stdout.flush();
    const pid = spawn(path, words, { env });
    return shellStatus(waitpid(pid).status);
  } catch (error) {
    fail('env', `'${words[0]}'`, error);
    return 126;
  }
}
