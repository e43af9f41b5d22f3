/**
 * What the recipe and configuration parsers share to refuse bad input in one style: a checker
 * bound to one file whose every complaint names the file, the field and what was expected
 * (`FILE: FIELD: expected X, found Y`), raised as the parser's own error class. Portable.
 */
import { parse, TomlError } from 'smol-toml';

export type Table = Record<string, unknown>;

/** How a found value is shown in a message: `the string "x"`, `number 3`, `an array`. */
export function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'object') return 'a table';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

export function quoteList(items: readonly string[]): string {
  return items.map((s) => JSON.stringify(s)).join(', ');
}

/** Permission bits from a TOML octal integer (0o4755) or an octal string ("4755", "0644"); null if neither. */
export function octalMode(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0o7777) return value;
  if (typeof value === 'string' && /^0?[0-7]{3,4}$/.test(value)) return parseInt(value, 8);
  return null;
}

export class FieldChecker {
  constructor(
    readonly file: string,
    private readonly makeError: (file: string, field: string, expected: string) => Error,
  ) {}

  fail(field: string, expected: string): never {
    throw this.makeError(this.file, field, expected);
  }

  expect(field: string, expected: string, value: unknown): never {
    this.fail(field, `expected ${expected}, found ${describe(value)}`);
  }

  /** The document's top table; a syntax error names its line and column as the field. */
  toml(text: string): Table {
    try {
      return parse(text) as Table;
    } catch (err) {
      if (err instanceof TomlError) this.fail(`(TOML syntax, line ${err.line} column ${err.column})`, `expected valid TOML: ${err.message.split('\n')[0]}`);
      throw err;
    }
  }

  table(value: unknown, field: string): Table {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) this.expect(field, 'a table', value);
    return value as Table;
  }

  /** Refuses a key of `table` (the section or table named `field`) not in `allowed`, so a typo never passes. */
  keys(table: Table, field: string, allowed: readonly string[]): void {
    for (const key of Object.keys(table)) {
      if (!allowed.includes(key)) this.fail(`${field} ${key}`, `unknown key; expected one of ${quoteList(allowed)}`);
    }
  }
}
