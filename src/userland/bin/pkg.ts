/**
 * pkg: the package manager inside the OS (docs/packages.md §4). Installs, upgrades and removes
 * signed packages from the repositories of /etc/pkg/repos.toml, keeping a record of every
 * installed file in /var/lib/pkg. Nothing is written before every archive involved is verified
 * with the system's trusted key; every change runs inside a RedoxFS snapshot and is rolled back
 * if it fails part-way (src/userland/lib/pkg_transaction.ts). Status: 0 done, 1 refused or
 * failed (verify: a file changed or missing), 2 bad usage.
 */
import { eprint, geteuid, lstat, print, readFile, readlink, S_IFMT, SysError, Errno } from '../../libc/index.ts';
import { installRecordOf, isSymlinkMode, type InstallRecord, type InstalledFile } from '../../cookbook/installed.ts';
import { PackageError, sha256Of, toHex, type IndexEntry } from '../../cookbook/package.ts';
import { resolveInstall } from '../../cookbook/resolve.ts';
import { parseArgs, usageError, type Spec } from '../lib/args.ts';
import { PkgError, fetchVerified, readOffers, readRepositories, type Offer, type VerifiedPackage } from '../lib/pkg_sources.ts';
import { atomically, conflicts, describe, readInstalled, removeFiles, removeRecord, writeFiles, writeRecord } from '../lib/pkg_transaction.ts';

const SPEC: Spec = {
  name: 'pkg',
  usage: 'COMMAND [NAME]...',
  about: `Install and manage signed packages.

commands:
  install NAME...     install packages and their runtime dependencies (root)
  remove NAME...      remove installed packages nothing else depends on (root)
  upgrade [NAME]...   install newer versions of installed packages (all by default; root)
  list                the installed packages and their versions
  search [WORD]       the packages the repositories offer (whose name or description holds WORD)
  info NAME...        a package's version, description, dependencies and files
  verify [NAME]...    re-hash installed files against their records (all packages by default)`,
};

function files(count: number): string {
  return `${count} file${count === 1 ? '' : 's'}`;
}

function requireRoot(what: string): void {
  if (geteuid() !== 0) throw new PkgError(`only root may ${what} (try: su -c 'pkg ...')`);
}

function requireNames(command: string, names: string[]): void {
  if (names.length === 0) throw new PkgError(`${command} needs at least one package name`, 2);
}

function offersFromRepositories(): Map<string, Offer> {
  return readOffers(readRepositories());
}

/** resolveInstall over what the repositories offer; an unknown name is a PkgError. */
function resolve(offers: ReadonlyMap<string, Offer>, names: readonly string[]): IndexEntry[] {
  try {
    return resolveInstall({ packages: [...offers.values()].map((o) => o.entry) }, names);
  } catch (error) {
    if (error instanceof PackageError) throw new PkgError(error.message);
    throw error;
  }
}

/** Verifies every archive, then checks that none would overwrite what is not its own; writes nothing. */
function prepare(entries: readonly IndexEntry[], offers: ReadonlyMap<string, Offer>, installed: ReadonlyMap<string, InstallRecord>): VerifiedPackage[] {
  const verified = entries.map((e) => fetchVerified(offers.get(e.name)!));
  const owners = new Map(installed);
  const problems: string[] = [];
  for (const v of verified) {
    problems.push(...conflicts(v.offer.entry.name, v.entries, owners));
    owners.set(v.offer.entry.name, installRecordOf(v.offer.entry, v.entries));
  }
  if (problems.length > 0) throw new PkgError(`refusing to overwrite files; nothing was changed:\n  ${problems.join('\n  ')}`);
  return verified;
}

function listNames(packages: readonly { offer: Offer }[]): string {
  return packages.map((p) => p.offer.entry.name).join(', ');
}

function install(names: string[]): number {
  requireRoot('install packages');
  requireNames('install', names);
  const installed = readInstalled();
  const offers = offersFromRepositories();
  for (const name of names) {
    const record = installed.get(name);
    const offer = offers.get(name);
    if (!record) continue;
    if (offer && offer.entry.sha256 !== record.sha256) print(`${name} ${record.version} is installed; \`pkg upgrade ${name}\` installs ${offer.entry.version}`);
    else print(`${name} ${record.version} is already installed`);
  }
  const todo = resolve(offers, names).filter((e) => !installed.has(e.name));
  if (todo.length === 0) return 0;
  const verified = prepare(todo, offers, installed);
  atomically(`installing ${listNames(verified)}`, () => {
    for (const v of verified) {
      writeFiles(v.entries);
      writeRecord(installRecordOf(v.offer.entry, v.entries));
    }
  });
  for (const v of verified) print(`installed ${v.offer.entry.name} ${v.offer.entry.version} (${files(v.entries.length)})`);
  return 0;
}

function upgrade(names: string[]): number {
  requireRoot('upgrade packages');
  const installed = readInstalled();
  const offers = offersFromRepositories();
  const targets = names.length > 0 ? names : [...installed.keys()];
  const stale: string[] = [];
  for (const name of targets) {
    const record = installed.get(name);
    if (!record) throw new PkgError(`${name} is not installed (\`pkg install ${name}\` installs it)`);
    const offer = offers.get(name);
    // Packages no repository offers (the image's own, say) are kept quietly unless named.
    if (!offer && names.length > 0) print(`${name}: no repository offers it; kept at ${record.version}`);
    else if (offer && offer.entry.sha256 !== record.sha256) stale.push(name);
  }
  if (stale.length === 0) {
    print('every package is up to date');
    return 0;
  }
  // The new versions, and any runtime dependency they gained.
  const todo = resolve(offers, stale).filter((e) => stale.includes(e.name) || !installed.has(e.name));
  const verified = prepare(todo, offers, installed);
  atomically(`upgrading ${listNames(verified)}`, () => {
    for (const v of verified) {
      const kept = new Set(v.entries.map((e) => e.path));
      writeFiles(v.entries);
      removeFiles((installed.get(v.offer.entry.name)?.files ?? []).map((f) => f.path).filter((p) => !kept.has(p)));
      writeRecord(installRecordOf(v.offer.entry, v.entries));
    }
  });
  for (const v of verified) {
    const old = installed.get(v.offer.entry.name);
    print(old ? `upgraded ${old.name} ${old.version} -> ${v.offer.entry.version}` : `installed ${v.offer.entry.name} ${v.offer.entry.version} (a new dependency)`);
  }
  return 0;
}

function remove(names: string[]): number {
  requireRoot('remove packages');
  requireNames('remove', names);
  const installed = readInstalled();
  for (const name of names) if (!installed.has(name)) throw new PkgError(`${name} is not installed`);
  const leaving = new Set(names);
  for (const record of installed.values()) {
    if (leaving.has(record.name)) continue;
    const needed = record.dependencies.filter((d) => leaving.has(d));
    if (needed.length > 0) throw new PkgError(`cannot remove ${needed.join(', ')}: ${record.name} depends on it (remove both: pkg remove ${[...needed, record.name].join(' ')})`);
  }
  atomically(`removing ${names.join(', ')}`, () => {
    for (const name of names) {
      removeFiles(installed.get(name)!.files.map((f) => f.path));
      removeRecord(name);
    }
  });
  for (const name of names) print(`removed ${name} ${installed.get(name)!.version}`);
  return 0;
}

function list(): number {
  for (const record of readInstalled().values()) print(`${record.name} ${record.version}`);
  return 0;
}

function search(words: string[]): number {
  const installed = readInstalled();
  const needle = words.join(' ').toLowerCase();
  const found = [...offersFromRepositories().values()]
    .map((o) => o.entry)
    .filter((e) => e.name.toLowerCase().includes(needle) || e.description.toLowerCase().includes(needle))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of found) print(`${e.name} ${e.version}${installed.has(e.name) ? ' [installed]' : ''}: ${e.description}`);
  if (found.length === 0) throw new PkgError(`no package matches ${JSON.stringify(needle)}`);
  return 0;
}

function info(names: string[]): number {
  requireNames('info', names);
  const installed = readInstalled();
  let offers: Map<string, Offer> | null = null;
  for (const [i, name] of names.entries()) {
    const record = installed.get(name);
    const entry = record ?? (offers ??= offersFromRepositories()).get(name)?.entry;
    if (!entry) throw new PkgError(`no package named ${name}, installed or in a repository`);
    if (i > 0) print('');
    print(`name: ${entry.name}\nversion: ${entry.version}\ndescription: ${entry.description}`);
    print(`dependencies: ${entry.dependencies.join(', ') || 'none'}`);
    print(`status: ${record ? `installed, ${files(record.files.length)}` : 'not installed'}`);
    for (const file of record?.files ?? []) print(`  /${file.path}`);
  }
  return 0;
}

/** What is wrong with one installed file, or null when it is as recorded. */
function checkFile(file: InstalledFile): string | null {
  const path = `/${file.path}`;
  let mode: number;
  try {
    mode = lstat(path).mode;
  } catch (error) {
    if (error instanceof SysError && (error.errno === Errno.ENOENT || error.errno === Errno.ENOTDIR)) return 'missing';
    return `cannot check: ${describe(error)}`;
  }
  if ((mode & S_IFMT) !== (file.mode & S_IFMT)) return isSymlinkMode(file.mode) ? 'changed: no longer a symlink' : 'changed: replaced by another kind of file';
  try {
    const data = isSymlinkMode(mode) ? new TextEncoder().encode(readlink(path)) : readFile(path);
    if (toHex(sha256Of(data)) !== file.sha256) return 'changed: its contents differ from the package';
  } catch (error) {
    return `cannot check: ${describe(error)}`;
  }
  if (!isSymlinkMode(mode) && (mode & 0o7777) !== (file.mode & 0o7777)) return `changed: mode ${(mode & 0o7777).toString(8)}, packaged ${(file.mode & 0o7777).toString(8)}`;
  return null;
}

function verify(names: string[]): number {
  const installed = readInstalled();
  for (const name of names) if (!installed.has(name)) throw new PkgError(`${name} is not installed`);
  let bad = 0;
  for (const record of installed.values()) {
    if (names.length > 0 && !names.includes(record.name)) continue;
    const problems = record.files.flatMap((f) => {
      const problem = checkFile(f);
      return problem === null ? [] : [`${record.name}: /${f.path}: ${problem}`];
    });
    problems.forEach((p) => print(p));
    if (problems.length === 0) print(`${record.name} ${record.version}: ${files(record.files.length)} OK`);
    bad += problems.length;
  }
  if (bad > 0) throw new PkgError(`${bad} installed file${bad === 1 ? '' : 's'} changed or missing`);
  return 0;
}

const COMMANDS = new Map<string, (names: string[]) => number>(Object.entries({ install, remove, upgrade, list, search, info, verify }));

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const [command, ...names] = opts.operands;
  if (command === undefined) return usageError(SPEC, 'no command given');
  const run = COMMANDS.get(command);
  if (!run) return usageError(SPEC, `unknown command ${JSON.stringify(command)}`);
  try {
    return run(names);
  } catch (error) {
    if (error instanceof PkgError && error.status === 2) return usageError(SPEC, error.message);
    if (error instanceof PkgError || error instanceof PackageError) {
      eprint(`pkg: ${error.message}`);
      return error instanceof PkgError ? error.status : 1;
    }
    throw error;
  }
}
