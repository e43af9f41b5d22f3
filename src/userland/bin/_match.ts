/** Pattern languages the coreutils accept, translated to JavaScript RegExps: shell globs and POSIX regexes. */

/** A shell wildcard (`*`, `?`, `[...]`, `\x`) as an anchored RegExp, as fnmatch(3) matches. */
export function globRegExp(pattern: string, ignoreCase = false): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '\\' && i + 1 < pattern.length) out += pattern[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    else if (c === '[' && pattern.indexOf(']', i + 2) > 0) {
      const end = pattern.indexOf(']', i + 2);
      const body = pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
      out += `[${body}]`;
      i = end;
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, ignoreCase ? 'si' : 's');
}

/**
 * A POSIX regular expression as JavaScript RegExp source: bracket classes like [:digit:] and,
 * for basic regexes, `\|` `\(` `\)` `\{` `\}` `\+` `\?` special while the bare characters are literal.
 */
export function regexSource(pattern: string, extended: boolean): string {
  let out = pattern.replace(/\[:(alpha|digit|alnum|space|upper|lower|punct|xdigit):\]/g, (_, c: string) => ({
    alpha: 'a-zA-Z', digit: '0-9', alnum: 'a-zA-Z0-9', space: ' \\t\\n\\r\\f\\v', upper: 'A-Z', lower: 'a-z',
    punct: '!-\\/:-@\\[-`{-~', xdigit: '0-9A-Fa-f',
  })[c]!);
  if (!extended) out = out.replace(/\\([|(){}+?])|([|(){}+?])/g, (_, escaped: string, plain: string) => escaped ?? `\\${plain}`);
  return out;
}
