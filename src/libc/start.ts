/**
 * Program start-up (crt0): runs `main(argv)` and exits with its status after flushing stdio. An
 * exception that escapes main is reported on stderr and the process aborts (SIGABRT), as an
 * uncaught C++ exception would.
 */
import { SysError } from '../syscall/errno.ts';
import { SIGABRT } from '../syscall/signal.ts';
import { bootInfo } from './boot.ts';
import { exit, getpid, kill } from './process.ts';
import { eprint, flushAll } from './stdio.ts';

export type Main = (args: string[]) => number | void;

export function start(main: Main): never {
  const argv = bootInfo().argv;
  let status: number;
  try {
    status = main(argv) ?? 0;
  } catch (error) {
    const name = (argv[0] ?? 'program').split('/').pop();
    const detail = error instanceof SysError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    // What main printed goes out before the report; an output error here is the lesser news.
    for (const say of [flushAll, () => eprint(`${name}: uncaught exception: ${detail}`)]) {
      try {
        say();
      } catch (outputError) {
        if (!(outputError instanceof SysError)) throw outputError;
      }
    }
    kill(getpid(), SIGABRT);
    status = 134;
  }
  return exit(status);
}
