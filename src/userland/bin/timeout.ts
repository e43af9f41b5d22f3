/** timeout: run a command with a time limit; status 124 if it timed out. */
import {
  SIGKILL, SIGTERM, WNOHANG, environ, kill, monotonicMs, shellStatus, signalNumber, sleepMs, spawn, waitpid,
} from '../../libc/index.ts';
import { fail, parseArgs, usageError, type Spec } from '../lib/args.ts';
import { findInPath } from './_system.ts';

const SPEC: Spec = {
  name: 'timeout',
  usage: '[OPTION]... DURATION COMMAND [ARG]...',
  about: "Start COMMAND and kill it if still running after DURATION (seconds; suffixes s, m, h, d). Status 124 if it timed out.",
  options: [
    ['-s, --signal SIGNAL', 'the signal to send on time out (default TERM)'],
    ['-k, --kill-after DURATION', 'also send KILL if COMMAND is still running this long after the first signal'],
  ],
  stopAtOperand: true,
};

const UNIT: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

function seconds(text: string): number | null {
  const match = /^(\d+\.?\d*|\.\d+)([smhd]?)$/.exec(text);
  return match ? Number(match[1]) * UNIT[match[2]!]! : null;
}

/** Waits up to `ms` for `pid`; its wait status, or null if it is still running. */
function waitFor(pid: number, ms: number): number | null {
  const deadline = monotonicMs() + ms;
  for (;;) {
    const { pid: got, status } = waitpid(pid, WNOHANG);
    if (got === pid) return status;
    if (monotonicMs() >= deadline) return null;
    sleepMs(Math.min(10, deadline - monotonicMs()));
  }
}

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const [durationText, ...command] = opts.operands;
  if (durationText === undefined || command.length === 0) return usageError(SPEC, 'missing operand');
  const duration = seconds(durationText);
  const killAfter = opts.has('k') ? seconds(opts.get('k')!) : null;
  const sig = signalNumber(opts.get('s', 'TERM')!);
  if (duration === null) return usageError(SPEC, `invalid time interval '${durationText}'`);
  if (opts.has('k') && killAfter === null) return usageError(SPEC, `invalid time interval '${opts.get('k')}'`);
  if (sig === undefined) return usageError(SPEC, `${opts.get('s')}: invalid signal`);
  const path = findInPath(command[0]!, environ.PATH);
  if (!path) {
    fail('timeout', `failed to run command '${command[0]}': No such file or directory`, null);
    return 127;
  }
  const pid = spawn(path, command);
  const status = waitFor(pid, duration * 1000);
  if (status !== null) return shellStatus(status);
  kill(pid, sig ?? SIGTERM);
  if (killAfter !== null && waitFor(pid, killAfter * 1000) === null) kill(pid, SIGKILL);
  waitpid(pid);
  // As GNU timeout: a KILL by request reports the killed status, not 124.
  return sig === SIGKILL ? 128 + SIGKILL : 124;
}
