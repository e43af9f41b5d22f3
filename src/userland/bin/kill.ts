/** kill: send a signal to processes (or process groups, as negative ids), or list signal names. */
import { SIGNAL_NAMES, SIGTERM, kill, signalNumber, stdout } from '../../libc/index.ts';
import { fail, usageError, usageText, type Spec } from '../lib/args.ts';

const SPEC: Spec = {
  name: 'kill',
  usage: '[-s SIGNAL | -SIGNAL] PID... | -l [SIGNAL]...',
  about: 'Send SIGNAL (default TERM) to each PID; a negative PID names a process group.',
  options: [
    ['-s, --signal SIGNAL', 'the signal to send, by name (TERM, SIGTERM) or number'],
    ['-SIGNAL', 'the same, e.g. -9 or -KILL'],
    ['-l, --list', 'list signal names, or convert SIGNAL (number or 128+number) to a name'],
  ],
};

function list(words: string[]): number {
  if (words.length === 0) {
    stdout.write(Object.values(SIGNAL_NAMES).join('\n') + '\n');
    return 0;
  }
  let status = 0;
  for (const word of words) {
    const n = /^\d+$/.test(word) ? Number(word) & 0x7f : signalNumber(word);
    if (n !== undefined && SIGNAL_NAMES[n]) stdout.write((/^\d+$/.test(word) ? SIGNAL_NAMES[n] : String(n)) + '\n');
    else status = fail('kill', `unknown signal: ${word}`, null);
  }
  return status;
}

export function main(args: string[]): number {
  let i = 1;
  let sig = SIGTERM;
  const first = args[1];
  if (first === '--help') {
    stdout.write(usageText(SPEC));
    return 0;
  }
  if (first === '-l' || first === '-L' || first === '--list') return list(args.slice(2));
  if (first === '-s' || first === '--signal' || (first?.startsWith('-') && first !== '--' && first.length > 1)) {
    const name = first === '-s' || first === '--signal' ? args[2] : first.slice(1);
    if (name === undefined) return usageError(SPEC, `option requires an argument -- 's'`);
    const n = name === '0' ? 0 : signalNumber(name);
    if (n === undefined) return usageError(SPEC, `invalid signal: ${name}`);
    sig = n;
    i = first === '-s' || first === '--signal' ? 3 : 2;
  }
  if (args[i] === '--') i++;
  const pids = args.slice(i);
  if (pids.length === 0) return usageError(SPEC, 'no process ID specified');
  let status = 0;
  for (const word of pids) {
    if (!/^-?\d+$/.test(word)) {
      status = fail('kill', `invalid process id: ${word}`, null);
      continue;
    }
    try {
      kill(Number(word), sig);
    } catch (error) {
      status = fail('kill', `(${word})`, error);
    }
  }
  return status;
}
