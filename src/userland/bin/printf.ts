/**
 * printf: format and print data. Conversions %s %b %c %d %i %u %x %X %o %f %e %g %% with flags
 * (-, 0, +, space, #), width and precision (`*` too); escapes \n \t \\ \a \b \f \r \v \NNN \xHH.
 * As in coreutils, the format is reused until the arguments are consumed. Work is done on "byte
 * strings" (one char per byte of the UTF-8 input) so that \NNN and \xHH emit single raw bytes and
 * widths and precisions count bytes, as they do in C.
 */
import { eprint, stdout } from '../../libc/index.ts';
import { parseArgs, usageError, type Spec } from '../lib/args.ts';

const SPEC: Spec = {
  name: 'printf',
  usage: 'FORMAT [ARGUMENT]...',
  about: 'Print ARGUMENT(s) according to FORMAT, reusing FORMAT while arguments remain.',
  stopAtOperand: true,
  numbersAreOperands: true,
};

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', '\\': '\\', a: '\x07', b: '\b', f: '\f', r: '\r', v: '\v', '"': '"', e: '\x1b' };

/** Expands backslash escapes; `stop` is set when \c asks to end all output. */
function unescape(text: string, state: { stop: boolean }, inFormat: boolean): string {
  return text.replace(/\\(0?[0-7]{1,3}|x[0-9a-fA-F]{1,2}|c|.)?/g, (whole, e: string | undefined) => {
    if (state.stop) return '';
    if (e === undefined) return '\\';
    if (e === 'c' && !inFormat) {
      state.stop = true;
      return '';
    }
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(inFormat || e[0] !== '0' ? e : e.slice(1), 8) & 0xff);
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    return SIMPLE_ESCAPES[e] ?? whole;
  });
}

class Formatter {
  status = 0;
  used = 0;
  stop = false;
  constructor(private readonly args: string[]) {}

  next(): string | undefined {
    return this.used < this.args.length ? this.args[this.used++] : undefined;
  }

  number(text: string | undefined): number {
    if (text === undefined || text === '') return 0;
    if (/^['"]/.test(text)) return text.codePointAt(1) ?? 0;
    const n = /^[-+]?0[xX][0-9a-fA-F]+$/.test(text) ? parseInt(text, 16) : /^[-+]?0[0-7]+$/.test(text) ? parseInt(text, 8) : Number(text.trim());
    if (Number.isNaN(n)) {
      eprint(`printf: '${fromBytes(text)}': expected a numeric value`);
      this.status = 1;
      return parseFloat(text) || 0;
    }
    return n;
  }

  convert(flags: string, width: string, precision: string | undefined, conv: string): string {
    if (width === '*') width = String(this.number(this.next()));
    if (precision === '*') precision = String(this.number(this.next()));
    const prec = precision === undefined ? undefined : Number(precision || 0);
    let body: string;
    let sign = '';
    const arg = this.next();
    switch (conv) {
      case 's': body = prec === undefined ? arg ?? '' : (arg ?? '').slice(0, prec); break;
      case 'b': {
        const state = { stop: false };
        body = unescape(arg ?? '', state, false);
        if (state.stop) this.stop = true;
        break;
      }
      case 'c': body = (arg ?? '').slice(0, 1); break;
      default: {
        const n = this.number(arg);
        if (n < 0 || Object.is(n, -0)) sign = '-';
        else if (flags.includes('+')) sign = '+';
        else if (flags.includes(' ')) sign = ' ';
        const a = Math.abs(n);
        if ('diu'.includes(conv)) body = BigInt(Math.trunc(a)).toString();
        else if ('xXo'.includes(conv)) {
          const v = n < 0 ? BigInt.asUintN(64, BigInt(Math.trunc(n))) : BigInt(Math.trunc(a));
          sign = '';
          body = v.toString(conv === 'o' ? 8 : 16);
          if (conv === 'X') body = body.toUpperCase();
          if (flags.includes('#') && v !== 0n) body = (conv === 'o' ? '0' : conv === 'x' ? '0x' : '0X') + body;
        } else if (conv === 'e' || conv === 'E') body = a.toExponential(prec ?? 6).replace(/e([-+])(\d)$/, 'e$10$2');
        else if (conv === 'g' || conv === 'G') body = String(Number(a.toPrecision(prec || 6)));
        else body = a.toFixed(prec ?? 6);
        if (conv === 'E' || conv === 'G') body = body.toUpperCase();
        if (prec !== undefined && 'diuxXo'.includes(conv)) body = body.padStart(prec, '0');
      }
    }
    const w = Number(width || 0);
    if (flags.includes('-')) return (sign + body).padEnd(w);
    if (flags.includes('0') && !'sbc'.includes(conv) && prec === undefined) return sign + body.padStart(w - sign.length, '0');
    return (sign + body).padStart(w);
  }

  /** One pass over the format; returns the text and whether it consumed any argument. */
  pass(format: string): string {
    const state = { stop: false };
    const out = format.replace(/%([-+ #0]*)(\*|\d*)(?:\.(\*|\d*))?([sbcdiuxXoeEfgG%])|%|([^%]+)/g, (_whole, flags, width, prec, conv, text) => {
      if (this.stop || state.stop) return '';
      if (text !== undefined) return unescape(text, state, true);
      if (conv === undefined) return '%';
      if (conv === '%') return '%';
      return this.convert(flags, width, prec, conv);
    });
    if (state.stop) this.stop = true;
    return out;
  }
}

/** UTF-8 text as a byte string, and back. */
function toBytes(text: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(text)) out += String.fromCharCode(byte);
  return out;
}
const fromBytes = (bytes: string): string => new TextDecoder().decode(Uint8Array.from(bytes, (c) => c.charCodeAt(0) & 0xff));

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const [format, ...rest] = opts.operands.map(toBytes);
  if (format === undefined) return usageError(SPEC, 'missing operand');
  const f = new Formatter(rest);
  do {
    const before = f.used;
    stdout.write(Uint8Array.from(f.pass(format), (c) => c.charCodeAt(0) & 0xff));
    if (f.used === before) break;
  } while (f.used < rest.length && !f.stop);
  return f.status;
}
