/** tr: translate, squeeze and/or delete characters from standard input. */
import { read, stdout } from '../../libc/index.ts';
import { parseArgs, usageError, type Spec } from '../lib/args.ts';

const SPEC: Spec = {
  name: 'tr',
  usage: '[OPTION]... SET1 [SET2]',
  about: 'Translate, squeeze and/or delete characters from standard input. SETs take ranges (a-z), classes ([:upper:]) and escapes (\\n, \\t, \\\\, \\NNN).',
  options: [
    ['-c, --complement', 'use the complement of SET1'],
    ['-d, --delete', 'delete characters in SET1, do not translate'],
    ['-s, --squeeze-repeats', 'replace each sequence of a repeated character in the last SET given with one'],
  ],
};

const CLASSES: Record<string, string> = {
  lower: 'abcdefghijklmnopqrstuvwxyz', upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', digit: '0123456789',
  space: ' \t\n\r\f\v', blank: ' \t', punct: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~', xdigit: '0123456789ABCDEFabcdef',
};
CLASSES.alpha = CLASSES.upper! + CLASSES.lower!;
CLASSES.alnum = CLASSES.digit! + CLASSES.alpha!;

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' };

/** Expands a SET operand to its list of characters, or throws a message. */
function expand(set: string): string[] {
  const tokens: (string | string[])[] = [];
  for (let i = 0; i < set.length; ) {
    const cls = /^\[:(\w+):\]/.exec(set.slice(i));
    if (cls) {
      const chars = CLASSES[cls[1]!];
      if (!chars) throw new Error(`invalid character class '${cls[1]}'`);
      tokens.push([...chars]);
      i += cls[0].length;
      continue;
    }
    if (set[i] === '\\' && i + 1 < set.length) {
      const octal = /^[0-7]{1,3}/.exec(set.slice(i + 1));
      tokens.push(octal ? String.fromCharCode(parseInt(octal[0], 8)) : ESCAPES[set[i + 1]!] ?? set[i + 1]!);
      i += 1 + (octal ? octal[0].length : 1);
      continue;
    }
    tokens.push(String.fromCodePoint(set.codePointAt(i)!));
    i += tokens.at(-1)!.length;
  }
  const out: string[] = [];
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t]!;
    if (Array.isArray(token)) out.push(...token);
    else if (tokens[t + 1] === '-' && typeof tokens[t + 2] === 'string') {
      const [from, to] = [token.codePointAt(0)!, (tokens[t + 2] as string).codePointAt(0)!];
      if (to < from) throw new Error(`range-endpoints of '${token}-${tokens[t + 2]}' are in reverse collating sequence order`);
      for (let c = from; c <= to; c++) out.push(String.fromCodePoint(c));
      t += 2;
    } else out.push(token);
  }
  return out;
}

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const [set1Text, set2Text, extra] = opts.operands;
  const deleting = opts.has('d');
  const squeezing = opts.has('s');
  if (set1Text === undefined) return usageError(SPEC, 'missing operand');
  if (extra !== undefined || (deleting && !squeezing && set2Text !== undefined)) return usageError(SPEC, `extra operand '${extra ?? set2Text}'`);
  if (!deleting && !squeezing && set2Text === undefined) return usageError(SPEC, `missing operand after '${set1Text}'`);
  let set1: string[];
  let set2: string[];
  try {
    set1 = expand(set1Text);
    set2 = set2Text === undefined ? [] : expand(set2Text);
  } catch (error) {
    return usageError(SPEC, (error as Error).message);
  }
  const complement = opts.has('c');
  const in1 = new Set(set1);
  const inSet1 = (c: string): boolean => in1.has(c) !== complement;
  const translating = !deleting && set2.length > 0;
  const map = new Map<string, string>();
  if (translating && !complement) set1.forEach((c, i) => map.set(c, set2[Math.min(i, set2.length - 1)]!));
  const squeezeSet = new Set(translating || deleting ? set2 : set1);
  const inSqueeze = (c: string): boolean => (translating || deleting ? squeezeSet.has(c) : inSet1(c));
  const decoder = new TextDecoder();
  let last = '';
  const transform = (text: string): string => {
    let out = '';
    for (const ch of text) {
      if (deleting && inSet1(ch)) continue;
      const c = translating ? (complement ? (inSet1(ch) ? set2.at(-1)! : ch) : map.get(ch) ?? ch) : ch;
      if (squeezing && c === last && inSqueeze(c)) continue;
      out += c;
      last = c;
    }
    return out;
  };
  for (let chunk = read(0, 64 * 1024); chunk.length > 0; chunk = read(0, 64 * 1024)) {
    stdout.write(transform(decoder.decode(chunk, { stream: true })));
  }
  stdout.write(transform(decoder.decode()));
  return 0;
}
