/**
 * pkg: the package manager inside the OS (docs/packages.md §4). Installs, upgrades and removes
 * signed packages from the repositories of /etc/pkg/repos.toml, keeping a record of every
 * installed file in /var/lib/pkg. Nothing is written before every archive involved is verified
 * with the system's trusted key; every change is one transaction: journaled and locked, signals
 * held back, inside a RedoxFS snapshot rolled back if it fails part-way, and undone by
 * `pkg recover` if pkg is killed (src/userland/lib/pkg_transaction.ts, pkg_journal.ts).
 * Status: 0 done, 1 refused or failed (verify: a file changed or missing), 2 bad usage.
 */
import { eprint, geteuid, lstat, print, readFile, readlink, S_IFMT, SysError, Errno } from '../../libc/index.ts';
import { installRecordOf, isSymlinkMode, type InstallRecord, type InstalledFile } from '../../cookbook/installed.ts';
import { PackageError, sha256Of, toHex, type IndexEntry } from '../../cookbook/package.ts';
import { resolveInstall } from '../../cookbook/resolve.ts';
import { parseArgs, usageError, type Spec } from '../lib/args.ts';
import { describe } from '../lib/pkg_fs.ts';
import { warnIfInterrupted, withSignalsBlocked } from '../lib/pkg_journal.ts';
import { PkgError, compareVersions, fetchVerified, readOffers, readRepositories, type Offer, type VerifiedPackage } from '../lib/pkg_sources.ts';
import { conflicts, readInstalled, recover, removeFiles, removeRecord, transaction, writeFiles, writeRecord } from '../lib/pkg_transaction.ts';

const SPEC: Spec = {
  name: 'pkg',
  usage: 'COMMAND [NAME]...',
  about: `Install and manage signed packages.

commands:
  install NAME...     install packages and their runtime dependencies (root)
  remove NAME...      remove installed packages nothing else depends on (root)
  upgrade [NAME]...   install newer versions of installed packages (all by default; root)
  recover             undo what an interrupted pkg left half-done (root)
  list                the installed packages and their versions
  search [WORD]       the packages the repositories offer (whose name or description holds WORD)
  info NAME...        a package's version, description, dependencies and files
  verify [NAME]...    re-hash installed files against their records (all packages by default)`,
  options: [
    ['--reinstall', 'upgrade: also replace an installed version the repository holds another build of'],
    ['--discard', 'recover: keep the system as the interrupted pkg left it, only clean up'],
  ],
};

/** How the repository's offer of an installed package compares with it. */
type Standing = 'current' | 'newer' | 'rebuilt' | 'older';

function standing(record: InstallRecord, offer: Offer): Standing {
  const order = compareVersions(offer.entry.version, record.version);
  if (order > 0) return 'newer';
  if (order < 0) return 'older';
  return offer.entry.sha256 === record.sha256 ? 'current' : 'rebuilt';
}

function rebuiltNote(record: InstallRecord): string {
  return `${record.name} ${record.version} in the repository differs from the installed build; \`pkg upgrade --reinstall ${record.name}\` replaces it`;
}

function olderNote(record: InstallRecord, offer: Offer): string {
  return `${record.name}: the repository offers ${offer.entry.version}, older than the installed ${record.version}; kept (pkg never downgrades)`;
}

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

function alreadyInstalled(record: InstallRecord, offer: Offer | undefined): string {
  const kind = offer ? standing(record, offer) : 'current';
  if (kind === 'newer') return `${record.name} ${record.version} is installed; \`pkg upgrade ${record.name}\` installs ${offer!.entry.version}`;
  if (kind === 'rebuilt') return rebuiltNote(record);
  if (kind === 'older') return olderNote(record, offer!);
  return `${record.name} ${record.version} is already installed`;
}

function install(names: string[]): number {
  requireRoot('install packages');
  requireNames('install', names);
  return transaction(`install ${names.join(' ')}`, (change) => {
    const installed = readInstalled();
    const offers = offersFromRepositories();
    for (const name of names) {
      const record = installed.get(name);
      if (record) print(alreadyInstalled(record, offers.get(name)));
    }
    const todo = resolve(offers, names).filter((e) => !installed.has(e.name));
    if (todo.length === 0) return 0;
    const verified = prepare(todo, offers, installed);
    change(`installing ${listNames(verified)}`, () => {
      for (const v of verified) {
        writeFiles(v.entries);
        writeRecord(installRecordOf(v.offer.entry, v.entries));
      }
    });
    for (const v of verified) print(`installed ${v.offer.entry.name} ${v.offer.entry.version} (${files(v.entries.length)})`);
    return 0;
  });
}

/** The installed packages among `targets` to replace: newer in the repository, or (with `reinstall`) another build of the same version. */
function upgradable(targets: readonly string[], named: boolean, reinstall: boolean, installed: ReadonlyMap<string, InstallRecord>, offers: ReadonlyMap<string, Offer>): string[] {
  const stale: string[] = [];
  for (const name of targets) {
    const record = installed.get(name);
    if (!record) throw new PkgError(`${name} is not installed (\`pkg install ${name}\` installs it)`);
    const offer = offers.get(name);
    if (!offer) {
      // Packages no repository offers (the image's own, say) are kept quietly unless named.
      if (named) print(`${name}: no repository offers it; kept at ${record.version}`);
      continue;
    }
    const kind = standing(record, offer);
    if (kind === 'newer' || (kind === 'rebuilt' && reinstall)) stale.push(name);
    else if (kind === 'rebuilt') print(rebuiltNote(record));
    // A repository offering an older version is a stale mirror or a replayed index: never follow it.
    else if (kind === 'older') print(olderNote(record, offer));
  }
  return stale;
}

function upgrade(names: string[], reinstall: boolean): number {
  requireRoot('upgrade packages');
  return transaction(['upgrade', ...(reinstall ? ['--reinstall'] : []), ...names].join(' '), (change) => {
    const installed = readInstalled();
    const offers = offersFromRepositories();
    const stale = upgradable(names.length > 0 ? names : [...installed.keys()], names.length > 0, reinstall, installed, offers);
    if (stale.length === 0) {
      print('every package is up to date');
      return 0;
    }
    // The new versions, and any runtime dependency they gained.
    const todo = resolve(offers, stale).filter((e) => stale.includes(e.name) || !installed.has(e.name));
    const verified = prepare(todo, offers, installed);
    change(`upgrading ${listNames(verified)}`, () => {
      for (const v of verified) {
        const kept = new Set(v.entries.map((e) => e.path));
        writeFiles(v.entries);
        removeFiles((installed.get(v.offer.entry.name)?.files ?? []).map((f) => f.path).filter((p) => !kept.has(p)));
        writeRecord(installRecordOf(v.offer.entry, v.entries));
      }
    });
    for (const v of verified) {
      const old = installed.get(v.offer.entry.name);
      if (!old) print(`installed ${v.offer.entry.name} ${v.offer.entry.version} (a new dependency)`);
      else if (old.version === v.offer.entry.version) print(`reinstalled ${old.name} ${old.version} (the repository's build)`);
      else print(`upgraded ${old.name} ${old.version} -> ${v.offer.entry.version}`);
    }
    return 0;
  });
}

/** Refuses to remove what the machine boots from (the host's bootloader reads /boot); anything else may go. */
function refuseBootFiles(record: InstallRecord): void {
  const bootFile = record.files.find((f) => f.path.startsWith('boot/'));
  if (bootFile) throw new PkgError(`cannot remove ${record.name}: the machine boots from /${bootFile.path} (upgrade it instead)`);
}

function remove(names: string[]): number {
  requireRoot('remove packages');
  requireNames('remove', names);
  return transaction(`remove ${names.join(' ')}`, (change) => {
    const installed = readInstalled();
    for (const name of names) {
      const record = installed.get(name);
      if (!record) throw new PkgError(`${name} is not installed`);
      refuseBootFiles(record);
    }
    const leaving = new Set(names);
    for (const record of installed.values()) {
      if (leaving.has(record.name)) continue;
      const needed = record.dependencies.filter((d) => leaving.has(d));
      if (needed.length > 0) throw new PkgError(`cannot remove ${needed.join(', ')}: ${record.name} depends on it (remove both: pkg remove ${[...needed, record.name].join(' ')})`);
    }
    change(`removing ${names.join(', ')}`, () => {
      for (const name of names) {
        removeFiles(installed.get(name)!.files.map((f) => f.path));
        removeRecord(name);
      }
    });
    for (const name of names) print(`removed ${name} ${installed.get(name)!.version}`);
    return 0;
  });
}

function recoverCommand(names: string[], discard: boolean): number {
  requireRoot('recover the system');
  if (names.length > 0) throw new PkgError('recover takes no package names', 2);
  recover(discard);
  return 0;
}

function list(): number {
  warnIfInterrupted();
  for (const record of readInstalled().values()) print(`${record.name} ${record.version}`);
  return 0;
}

function search(words: string[]): number {
  warnIfInterrupted();
  const installed = readInstalled();
  const needle = words.join(' ').toLowerCase();
  const found = [...offersFromRepositories().values()]
    .map((o) => o.entry)
    .filter((e) => e.name.toLowerCase().includes(needle) || e.description.toLowerCase().includes(needle))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of found) {
    const record = installed.get(e.name);
    const mark = !record ? '' : record.version === e.version ? ' [installed]' : ` [installed ${record.version}]`;
    print(`${e.name} ${e.version}${mark}: ${e.description}`);
  }
  if (found.length === 0) throw new PkgError(`no package matches ${JSON.stringify(needle)}`);
  return 0;
}

function info(names: string[]): number {
  requireNames('info', names);
  warnIfInterrupted();
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
  warnIfInterrupted();
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

type Command = (names: string[], flags: { reinstall: boolean; discard: boolean }) => number;

const COMMANDS = new Map<string, Command>(Object.entries({
  install, remove, list, search, info, verify,
  upgrade: (names, flags) => upgrade(names, flags.reinstall),
  recover: (names, flags) => recoverCommand(names, flags.discard),
} satisfies Record<string, Command>));

/** The commands that change the system: each runs as one transaction, with the interrupting signals blocked. */
const CHANGING = new Set(['install', 'remove', 'upgrade', 'recover']);

/** Which command each option belongs to: elsewhere it is a usage error, not silently ignored. */
const OPTION_COMMAND = { reinstall: 'upgrade', discard: 'recover' } as const;

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const [command, ...names] = opts.operands;
  if (command === undefined) return usageError(SPEC, 'no command given');
  const run = COMMANDS.get(command);
  if (!run) return usageError(SPEC, `unknown command ${JSON.stringify(command)}`);
  for (const [option, owner] of Object.entries(OPTION_COMMAND)) {
    if (opts.has(option) && command !== owner) return usageError(SPEC, `--${option} is an option of \`pkg ${owner}\` only`);
  }
  const flags = { reinstall: opts.has('reinstall'), discard: opts.has('discard') };
  // A signal held back during a transaction acts when it ends: only after its outcome is reported.
  return CHANGING.has(command) ? withSignalsBlocked(() => report(() => run(names, flags))) : report(() => run(names, flags));
}

/** Runs a command, printing a PkgError as `pkg: MESSAGE` and giving its status. */
function report(command: () => number): number {
  try {
    return command();
  } catch (error) {
    if (error instanceof PkgError && error.status === 2) return usageError(SPEC, error.message);
    if (error instanceof PkgError || error instanceof PackageError) {
      eprint(`pkg: ${error.message}`);
      return error instanceof PkgError ? error.status : 1;
    }
    throw error;
  }
}
