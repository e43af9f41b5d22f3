/**
 * Image configurations (`config/NAME.toml`, format in docs/config.md): what `redox image` puts
 * on a disk. `include` (other configurations this one extends), `[general]` (size, encryption),
 * `[packages]` (name = "version" or "*"), `[[files]]` (files, symlinks and folders written after
 * the packages), `[users.NAME]` and `[groups.NAME]` (the accounts of /etc/passwd, /etc/group,
 * /etc/shadow).
 *
 * Rules, as for recipes: every key is checked (an unknown one is an error), and every error is a
 * `ConfigError` naming the file, the field and what was expected. Portable (no node:* imports):
 * reading the files and following `include` is the caller's (src/cookbook/image.ts); this module
 * parses one text, merges parsed configurations and checks the merged whole.
 */
import { FieldChecker, octalMode, quoteList, type Table } from './fields.ts';
import { PACKAGE_NAME as NAME } from './package.ts';

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly expected: string,
  ) {
    super(`${file}: ${field}: ${expected}`);
    this.name = 'ConfigError';
  }
}

export interface GeneralSection {
  /** The filesystem's size in MiB (default 256). */
  size?: number;
  /** Encrypt the filesystem; the password is given to `redox image`, never written here. */
  encrypt?: boolean;
}

export type FileKind = 'file' | 'symlink' | 'dir';

export interface ConfigFile {
  /** The config file it came from (for messages). */
  source: string;
  /** Its field name in messages: `[[files]] 2 (/etc/motd)`. */
  field: string;
  /** Relative to `/` (`etc/motd`). */
  path: string;
  kind: FileKind;
  /** A file's text. */
  contents?: string;
  /** A symlink's target. */
  target?: string;
  /** Permission bits (type bits excluded). */
  mode: number;
  /** A user name from [users] or a uid. */
  owner: string | number;
  /** A group name or a gid. */
  group: string | number;
}

export type PasswordSpec = { kind: 'none' } | { kind: 'plain'; password: string } | { kind: 'hash'; hash: string };

export interface ConfigUser {
  source: string;
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
  gecos: string;
  password: PasswordSpec;
  /** Supplementary groups, by name. */
  groups: string[];
}

export interface ConfigGroup {
  source: string;
  name: string;
  gid: number;
}

export interface ImageConfig {
  /** The file, as shown in messages. */
  file: string;
  /** Other configurations this one extends, as written (relative to this file's folder). */
  include: string[];
  general: GeneralSection;
  /** Package name -> "*" (any version) or the exact version wanted. */
  packages: Record<string, string>;
  files: ConfigFile[];
  users: Record<string, ConfigUser>;
  groups: Record<string, ConfigGroup>;
}

export const DEFAULT_SIZE_MIB = 256;
/** Smaller volumes cannot hold a base system with room to work. */
export const MIN_SIZE_MIB = 16;

const TOP_KEYS = ['include', 'general', 'packages', 'files', 'users', 'groups'];
const GENERAL_KEYS = ['size', 'encrypt'];
const FILE_KEYS = ['path', 'contents', 'symlink', 'directory', 'mode', 'owner', 'group'];
const USER_KEYS = ['uid', 'gid', 'home', 'shell', 'gecos', 'password', 'password_hash', 'groups'];
const GROUP_KEYS = ['gid'];
const ACCOUNT_NAME = /^[a-z_][a-z0-9_-]*$/;
const VERSION = /^\d+(\.\d+)*([-+][0-9A-Za-z.+-]+)?$/;
const PHC_ARGON2ID = /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;
const MAX_ID = 65535;

class Checker extends FieldChecker {
  constructor(file: string) {
    super(file, (f, field, expected) => new ConfigError(f, field, expected));
  }

  string(value: unknown, field: string, pattern?: RegExp, what = 'a string'): string {
    if (typeof value !== 'string' || (pattern && !pattern.test(value))) this.expect(field, what, value);
    return value;
  }

  id(value: unknown, field: string): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_ID) this.expect(field, `a whole number from 0 to ${MAX_ID}`, value);
    return value;
  }

  strings(value: unknown, field: string, pattern: RegExp, what: string): string[] {
    if (!Array.isArray(value)) this.expect(field, `an array (each item ${what})`, value);
    return value.map((item, i) => this.string(item, `${field}[${i}]`, pattern, what));
  }

  /** An absolute path, returned relative to `/` with no empty, `.` or `..` component. */
  absolutePath(value: unknown, field: string): string {
    const what = 'an absolute path such as "/etc/motd"';
    const path = this.string(value, field, /^\//, what);
    const parts = path.split('/').filter((p) => p !== '');
    if (parts.length === 0 || parts.some((p) => p === '.' || p === '..' || p.includes('\0'))) this.expect(field, `${what} (not / itself, no "." or ".." parts)`, value);
    return parts.join('/');
  }

  /** Permission bits: a TOML integer (0o644) or an octal string ("644", "0644", "4755"). */
  mode(value: unknown, field: string): number {
    return octalMode(value) ?? this.expect(field, 'permission bits as an octal string such as "0644" (or a TOML octal integer 0o644)', value);
  }

  owner(value: unknown, field: string): string | number {
    if (typeof value === 'string') return this.string(value, field, ACCOUNT_NAME, 'a user or group name, or a number');
    return this.id(value, field);
  }
}

function parseGeneral(c: Checker, value: unknown): GeneralSection {
  if (value === undefined) return {};
  const t = c.table(value, '[general]');
  c.keys(t, '[general]', GENERAL_KEYS);
  const general: GeneralSection = {};
  if (t.size !== undefined) {
    if (typeof t.size !== 'number' || !Number.isInteger(t.size) || t.size < MIN_SIZE_MIB) c.expect('[general] size', `a whole number of MiB, at least ${MIN_SIZE_MIB}`, t.size);
    general.size = t.size;
  }
  if (t.encrypt !== undefined) {
    if (typeof t.encrypt !== 'boolean') c.expect('[general] encrypt', 'true or false (the password is given to `redox image`, never written in the configuration)', t.encrypt);
    general.encrypt = t.encrypt;
  }
  return general;
}

function parsePackages(c: Checker, value: unknown): Record<string, string> {
  if (value === undefined) return {};
  const t = c.table(value, '[packages]');
  const packages: Record<string, string> = {};
  for (const [name, version] of Object.entries(t)) {
    if (!NAME.test(name)) c.fail(`[packages] ${name}`, 'not a package name (lowercase letters, digits, . _ + -)');
    if (typeof version !== 'string' || (version !== '*' && !VERSION.test(version))) c.expect(`[packages] ${name}`, '"*" (any version) or a version such as "0.1.0"', version);
    packages[name] = version;
  }
  return packages;
}

function parseFile(c: Checker, value: unknown, index: number): ConfigFile {
  let field = `[[files]] ${index + 1}`;
  const t = c.table(value, field);
  c.keys(t, field, FILE_KEYS);
  if (t.path === undefined) c.fail(`${field} path`, 'missing; expected an absolute path such as "/etc/motd"');
  const path = c.absolutePath(t.path, `${field} path`);
  field = `${field} (/${path})`;
  const kinds = (['contents', 'symlink', 'directory'] as const).filter((k) => t[k] !== undefined);
  if (kinds.length !== 1) c.fail(field, `expected exactly one of "contents", "symlink" or "directory", found ${kinds.length === 0 ? 'none' : quoteList(kinds)}`);
  const base = { source: c.file, field, path, owner: t.owner === undefined ? 0 : c.owner(t.owner, `${field} owner`), group: t.group === undefined ? 0 : c.owner(t.group, `${field} group`) };
  const mode = (fallback: number): number => (t.mode === undefined ? fallback : c.mode(t.mode, `${field} mode`));
  if (t.contents !== undefined) return { ...base, kind: 'file', contents: c.string(t.contents, `${field} contents`), mode: mode(0o644) };
  if (t.symlink !== undefined) {
    if (t.mode !== undefined) c.fail(`${field} mode`, 'a symlink has no mode of its own; leave "mode" out');
    return { ...base, kind: 'symlink', target: c.string(t.symlink, `${field} symlink`, /^[^\0]+$/, 'the link\'s target path'), mode: 0o777 };
  }
  if (t.directory !== true) c.expect(`${field} directory`, 'true', t.directory);
  return { ...base, kind: 'dir', mode: mode(0o755) };
}

function parsePassword(c: Checker, t: Table, field: string): PasswordSpec {
  if (t.password !== undefined && t.password_hash !== undefined) c.fail(field, 'give "password" or "password_hash", not both');
  if (t.password_hash !== undefined) return { kind: 'hash', hash: c.string(t.password_hash, `${field} password_hash`, PHC_ARGON2ID, 'an Argon2id hash in PHC form ("$argon2id$v=19$m=4096,t=3,p=1$SALT$HASH")') };
  if (t.password === undefined) return { kind: 'none' };
  const password = c.string(t.password, `${field} password`, /^[^\n:]*$/, 'a password (a string without newlines or ":"; "" for none)');
  return password === '' ? { kind: 'none' } : { kind: 'plain', password };
}

/** The table `[SECTION.NAME]` of a user or group, its name and keys checked. */
function accountTable(c: Checker, section: 'users' | 'groups', name: string, value: unknown): { field: string; t: Table } {
  const field = `[${section}.${name}]`;
  if (!ACCOUNT_NAME.test(name)) c.fail(field, `not ${section === 'users' ? 'an account' : 'a group'} name (lowercase letters, digits, _ and -, starting with a letter or _)`);
  const t = c.table(value, field);
  c.keys(t, field, section === 'users' ? USER_KEYS : GROUP_KEYS);
  return { field, t };
}

function parseUser(c: Checker, name: string, value: unknown): ConfigUser {
  const { field, t } = accountTable(c, 'users', name, value);
  if (t.uid === undefined) c.fail(`${field} uid`, 'missing; expected a whole number (0 for root)');
  const uid = c.id(t.uid, `${field} uid`);
  const path = (key: string, fallback: string): string => (t[key] === undefined ? fallback : `/${c.absolutePath(t[key], `${field} ${key}`)}`);
  return {
    source: c.file, name, uid,
    gid: t.gid === undefined ? uid : c.id(t.gid, `${field} gid`),
    home: path('home', uid === 0 ? '/root' : `/home/${name}`),
    shell: path('shell', '/bin/sh'),
    gecos: t.gecos === undefined ? '' : c.string(t.gecos, `${field} gecos`, /^[^\n:]*$/, 'a string without newlines or ":"'),
    password: parsePassword(c, t, field),
    groups: t.groups === undefined ? [] : c.strings(t.groups, `${field} groups`, ACCOUNT_NAME, 'a group name'),
  };
}

function parseGroup(c: Checker, name: string, value: unknown): ConfigGroup {
  const { field, t } = accountTable(c, 'groups', name, value);
  if (t.gid === undefined) c.fail(`${field} gid`, 'missing; expected a whole number');
  return { source: c.file, name, gid: c.id(t.gid, `${field} gid`) };
}

/** Parses one configuration file's text; `file` names it in errors. Includes are not followed here. */
export function parseConfig(text: string, file: string): ImageConfig {
  const c = new Checker(file);
  const doc = c.toml(text);
  for (const key of Object.keys(doc)) {
    if (!TOP_KEYS.includes(key)) c.fail(key, `unknown key or section; expected one of ${quoteList(TOP_KEYS)}`);
  }
  const files: unknown[] = doc.files === undefined ? [] : Array.isArray(doc.files) ? doc.files : c.expect('[[files]]', 'an array of tables ([[files]] entries)', doc.files);
  const named = <T>(key: string, parseOne: (name: string, value: unknown) => T): Record<string, T> =>
    Object.fromEntries(Object.entries(doc[key] === undefined ? {} : c.table(doc[key], `[${key}]`)).map(([name, value]) => [name, parseOne(name, value)]));
  return {
    file,
    include: doc.include === undefined ? [] : c.strings(doc.include, 'include', /\.toml$/, 'a configuration file name ending in .toml'),
    general: parseGeneral(c, doc.general),
    packages: parsePackages(c, doc.packages),
    files: files.map((f, i) => parseFile(c, f, i)),
    users: named('users', (name, value) => parseUser(c, name, value)),
    groups: named('groups', (name, value) => parseGroup(c, name, value)),
  };
}

/**
 * `over` laid on `base` (which `over` includes): packages, users and groups by name, a file by
 * path, and each [general] value `over` sets replace the base's.
 */
export function mergeConfigs(base: ImageConfig, over: ImageConfig): ImageConfig {
  const files = new Map(base.files.map((f) => [f.path, f]));
  for (const f of over.files) files.set(f.path, f);
  return {
    file: over.file,
    include: [],
    general: { ...base.general, ...over.general },
    packages: { ...base.packages, ...over.packages },
    files: [...files.values()],
    users: { ...base.users, ...over.users },
    groups: { ...base.groups, ...over.groups },
  };
}

/** A group of the finished system: the configured ones plus each user's own (named after it). */
export interface SystemGroup {
  name: string;
  gid: number;
  members: string[];
}

/** Every group: [groups] first, then a group per user's gid that no configured group has. */
export function systemGroups(config: ImageConfig): SystemGroup[] {
  const groups: SystemGroup[] = Object.values(config.groups).map((g) => ({ name: g.name, gid: g.gid, members: [] }));
  for (const user of Object.values(config.users)) {
    if (!groups.some((g) => g.gid === user.gid || g.name === user.name)) groups.push({ name: user.name, gid: user.gid, members: [] });
  }
  for (const user of Object.values(config.users)) {
    for (const name of user.groups) {
      const group = groups.find((g) => g.name === name);
      if (!group) throw new ConfigError(user.source, `[users.${user.name}] groups`, `${JSON.stringify(name)} is neither a [groups] entry nor a user's own group; expected one of ${quoteList(groups.map((g) => g.name))}`);
      if (!group.members.includes(user.name)) group.members.push(user.name);
    }
  }
  return groups.sort((a, b) => a.gid - b.gid);
}

/** A [[files]] owner or group as a number: a name must be a configured user (or group). */
export function resolveId(config: ImageConfig, file: ConfigFile, which: 'owner' | 'group'): number {
  const value = file[which];
  if (typeof value === 'number') return value;
  const found = which === 'owner' ? config.users[value]?.uid : systemGroups(config).find((g) => g.name === value)?.gid;
  if (found === undefined) throw new ConfigError(file.source, `${file.field} ${which}`, `${JSON.stringify(value)} is not a ${which === 'owner' ? 'user in [users]' : 'group (in [groups] or a user\'s own)'}; use its name from the configuration or a number`);
  return found;
}

/** Checks what only the merged configuration can show: duplicate uids, owners that exist, a package list. */
export function checkConfig(config: ImageConfig): void {
  if (Object.keys(config.packages).length === 0) throw new ConfigError(config.file, '[packages]', 'names no packages; expected at least the kernel, the initfs and init (see config/base.toml)');
  const byUid = new Map<number, string>();
  for (const user of Object.values(config.users)) {
    const other = byUid.get(user.uid);
    if (other !== undefined) throw new ConfigError(user.source, `[users.${user.name}] uid`, `${user.uid} is already the uid of ${other}`);
    byUid.set(user.uid, user.name);
  }
  systemGroups(config);
  for (const file of config.files) {
    resolveId(config, file, 'owner');
    resolveId(config, file, 'group');
  }
}

/** The account files of the configured users; `hash` turns a plain password into a PHC string. */
export function accountFiles(config: ImageConfig, hash: (password: string) => string): { passwd: string; group: string; shadow: string } {
  const users = Object.values(config.users).sort((a, b) => a.uid - b.uid);
  const line = (fields: (string | number)[]): string => `${fields.join(':')}\n`;
  const secret = (p: PasswordSpec): string => (p.kind === 'none' ? '' : p.kind === 'hash' ? p.hash : hash(p.password));
  return {
    passwd: users.map((u) => line([u.name, 'x', u.uid, u.gid, u.gecos, u.home, u.shell])).join(''),
    group: systemGroups(config).map((g) => line([g.name, 'x', g.gid, g.members.join(',')])).join(''),
    shadow: users.map((u) => line([u.name, secret(u.password)])).join(''),
  };
}
