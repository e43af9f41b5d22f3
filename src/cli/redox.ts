/**
 * The `redox` command on the host: `redox run [IMAGE] [-c CMD]` boots the OS; `redox fs ...` is the
 * RedoxFS host tool; build, cook, repo, fetch and clean drive the cookbook (src/cli/commands).
 * Bad usage prints the usage and exits 2.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BootError, bootNode } from '../host/node/boot.ts';
import { isRepository } from '../host/node/repo_device.ts';
import { redoxfsMain } from '../redoxfs/cli.ts';
import { linuxMain } from '../host/linux/main.ts';
import * as build from './commands/build.ts';
import * as clean from './commands/clean.ts';
import * as cook from './commands/cook.ts';
import * as fetch from './commands/fetch.ts';
import * as image from './commands/image.ts';
import * as rebuild from './commands/rebuild.ts';
import * as repo from './commands/repo.ts';

const USAGE = `usage: redox <command> [options]

commands:
  run [IMAGE] [-c COMMAND] [--ephemeral] [--password-file FILE] [--trace] [--memory MIB]
      [--repo DIR | --no-repo]
        boot IMAGE (default: build/base/harddrive.img, made by npm install) on this
        terminal; with -c, run one shell command, print its output and exit with its
        status. IMAGE is a RedoxFS disk (the root filesystem lives on it) or a bare
        initfs archive (the root is then a RAM copy of it). --ephemeral keeps the
        disk's writes in memory and leaves the image file untouched. An encrypted
        disk's password comes from --password-file, $REDOXFS_PASSWORD or a prompt.
        --repo DIR hands the package repository DIR to the OS, read-only, as
        /scheme/repo for \`pkg\` (default: build/repo when it holds repo.idx)
  linux PROGRAM [ARGS...] [--map VIRTUAL=HOSTDIR] [--cwd DIR]
        run one of the OS's programs directly on this host, with libc's Linux backend
        (host files, host processes; no kernel)
  fs <command> ...
        the RedoxFS host tool (mkfs, info, ls, cat, put, get, mkdir, rm, mv, fsck,
        scrub, snapshot, passwd); \`redox fs --help\` lists them. Also installed as \`redoxfs\`
  build [CONFIG] | --all   cook the packages a configuration names (or every recipe)
  image [CONFIG]           cook them and make the disk build/CONFIG/harddrive.img
  rebuild [CONFIG]         remove a configuration's package and image outputs, then image
  cook RECIPE...           cook recipes and their dependencies into signed packages
  repo                     rebuild and sign the repository index in build/repo
  fetch [RECIPE...]        fetch and verify recipe sources without building
  clean [RECIPE...]        remove build output (all of it, or some recipes')
        each takes --help
  help  show this message
`;

const RUN_USAGE = `usage: redox run [IMAGE] [options]

Boots IMAGE (default: build/base/harddrive.img, made by npm install) on this terminal.
IMAGE is a RedoxFS disk (the root filesystem lives on it) or a bare initfs archive (the
root is then a RAM copy of it).

options:
  -c COMMAND             run one shell command, print its output and exit with its status
  --ephemeral            keep the disk's writes in memory; the image file is left untouched
  --password-file FILE   an encrypted disk's password (default: $REDOXFS_PASSWORD, or a prompt)
  --repo DIR             hand the package repository DIR to the OS, read-only, as /scheme/repo
                         for \`pkg\` (default: build/repo when it holds repo.idx)
  --no-repo              hand the OS no repository
  --memory MIB           the machine's memory (default 128, at least 16)
  --trace                log every system call with its result
  -h, --help             show this message
`;

export const DEFAULT_IMAGE = fileURLToPath(new URL('../build/base/harddrive.img', import.meta.url));
export const DEFAULT_REPO = fileURLToPath(new URL('../build/repo', import.meta.url));

function usageError(message: string): number {
  process.stderr.write(`redox: ${message}\n${USAGE}`);
  return 2;
}

interface RunArgs {
  /** Print the usage and boot nothing. */
  help: boolean;
  image: string;
  command: string | undefined;
  trace: boolean;
  ephemeral: boolean;
  passwordFile: string | undefined;
  memoryMiB: number;
  /** The repository folder to hand the OS; null: none (--no-repo); undefined: the default if present. */
  repoDir: string | null | undefined;
}

function parseRun(args: string[]): RunArgs | string {
  const parsed: RunArgs = { help: false, image: DEFAULT_IMAGE, command: undefined, trace: false, ephemeral: false, passwordFile: undefined, memoryMiB: 128, repoDir: undefined };
  let imageGiven = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-h' || arg === '--help') {
      parsed.help = true;
    } else if (arg === '-c') {
      if (i + 1 >= args.length) return '-c needs a command';
      parsed.command = args[++i];
    } else if (arg === '--trace') {
      parsed.trace = true;
    } else if (arg === '--ephemeral') {
      parsed.ephemeral = true;
    } else if (arg === '--password-file') {
      if (i + 1 >= args.length) return '--password-file needs a file';
      parsed.passwordFile = args[++i];
    } else if (arg === '--repo') {
      if (i + 1 >= args.length) return '--repo needs a folder';
      parsed.repoDir = args[++i];
    } else if (arg === '--no-repo') {
      parsed.repoDir = null;
    } else if (arg === '--memory') {
      const value = Number(args[++i]);
      if (!Number.isInteger(value) || value < 16) return '--memory needs a number of MiB (at least 16)';
      parsed.memoryMiB = value;
    } else if (arg.startsWith('-')) {
      return `unknown option ${arg}`;
    } else if (!imageGiven) {
      parsed.image = arg;
      imageGiven = true;
    } else {
      return `unexpected argument ${arg}`;
    }
  }
  return parsed;
}

/** Reads a password from the terminal without echoing it; null if the user gives up (^C, ^D). */
function promptPassword(image: string): Promise<string | null> {
  const input = process.stdin;
  process.stderr.write(`password for ${image}: `);
  input.setRawMode(true);
  input.resume();
  return new Promise((done) => {
    let typed = '';
    const finish = (result: string | null): void => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
      done(result);
    };
    const onData = (chunk: Buffer): void => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish(typed);
        if (char === '\u0003' || char === '\u0004') return finish(null);
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    input.on('data', onData);
  });
}

function passwordFrom(parsed: RunArgs): string | undefined {
  if (parsed.passwordFile !== undefined) return readFileSync(parsed.passwordFile, 'utf8').replace(/\r?\n$/, '');
  return process.env.REDOXFS_PASSWORD;
}

/** An explicit --repo must be a repository (boot refuses it otherwise); the default is used only if present. */
function repoOption(repoDir: string | null | undefined): { repoDir?: string } {
  if (repoDir === null) return {};
  if (repoDir === undefined) return isRepository(DEFAULT_REPO) ? { repoDir: DEFAULT_REPO } : {};
  return { repoDir };
}

async function run(args: string[]): Promise<number> {
  const parsed = parseRun(args);
  if (typeof parsed === 'string') {
    process.stderr.write(`redox run: ${parsed}\n${RUN_USAGE}`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(RUN_USAGE);
    return 0;
  }
  if (!existsSync(parsed.image)) {
    process.stderr.write(`redox: no boot image at ${parsed.image} (run \`npm run build\` to make the default one)\n`);
    return 1;
  }
  let password: string | undefined;
  try {
    password = passwordFrom(parsed);
  } catch (error) {
    process.stderr.write(`redox: cannot read the password file: ${(error as Error).message}\n`);
    return 1;
  }
  for (let attempt = 0; ; attempt++) {
    try {
      return await bootNode({
        imagePath: parsed.image,
        initArgs: parsed.command === undefined ? [] : ['-c', parsed.command],
        trace: parsed.trace,
        ephemeral: parsed.ephemeral,
        memoryMiB: parsed.memoryMiB,
        ...(password !== undefined ? { password } : {}),
        ...repoOption(parsed.repoDir),
      });
    } catch (error) {
      if (!(error instanceof BootError)) throw error;
      const canAsk = process.stdin.isTTY && parsed.passwordFile === undefined && attempt < 3;
      if (error.reason !== 'other' && canAsk) {
        if (error.reason === 'wrong-password') process.stderr.write('redox: wrong password\n');
        const typed = await promptPassword(parsed.image);
        if (typed !== null) {
          password = typed;
          continue;
        }
      }
      process.stderr.write(`redox: ${error.message}\n`);
      return 1;
    }
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return run(rest);
    case 'fs':
      return redoxfsMain(rest);
    case 'linux':
      return linuxMain(rest);
    case 'build':
      return build.run(rest);
    case 'image':
      return image.run(rest);
    case 'rebuild':
      return rebuild.run(rest);
    case 'cook':
      return cook.run(rest);
    case 'repo':
      return repo.run(rest);
    case 'fetch':
      return fetch.run(rest);
    case 'clean':
      return clean.run(rest);
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    case undefined:
      return usageError('no command given');
    default:
      return usageError(`unknown command ${command}`);
  }
}
