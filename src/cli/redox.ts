/**
 * The `redox` command on the host: `redox run [IMAGE] [-c CMD]` boots the OS; `redox fs ...` is the
 * RedoxFS host tool. (Build, image and cook commands arrive with the cookbook.) Bad usage prints
 * the usage and exits 2.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BootError, bootNode } from '../host/node/boot.ts';
import { redoxfsMain } from '../redoxfs/cli.ts';

const USAGE = `usage: redox <command> [options]

commands:
  run [IMAGE] [-c COMMAND] [--ephemeral] [--trace] [--memory MIB]
        boot IMAGE (default: build/base/harddrive.img, made by npm install) on this
        terminal; with -c, run one shell command, print its output and exit with its
        status. IMAGE is a RedoxFS disk (the root filesystem lives on it) or a bare
        initfs archive (the root is then a RAM copy of it). --ephemeral keeps the
        disk's writes in memory and leaves the image file untouched
  fs <command> ...
        the RedoxFS host tool (mkfs, info, ls, cat, put, get, mkdir, rm, mv, fsck,
        scrub, snapshot, passwd); \`redox fs --help\` lists them. Also installed as \`redoxfs\`
  help  show this message
`;

export const DEFAULT_IMAGE = fileURLToPath(new URL('../build/base/harddrive.img', import.meta.url));

function usageError(message: string): number {
  process.stderr.write(`redox: ${message}\n${USAGE}`);
  return 2;
}

interface RunArgs {
  image: string;
  command: string | undefined;
  trace: boolean;
  ephemeral: boolean;
  memoryMiB: number;
}

function parseRun(args: string[]): RunArgs | string {
  const parsed: RunArgs = { image: DEFAULT_IMAGE, command: undefined, trace: false, ephemeral: false, memoryMiB: 128 };
  let imageGiven = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-c') {
      if (i + 1 >= args.length) return '-c needs a command';
      parsed.command = args[++i];
    } else if (arg === '--trace') {
      parsed.trace = true;
    } else if (arg === '--ephemeral') {
      parsed.ephemeral = true;
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

async function run(args: string[]): Promise<number> {
  const parsed = parseRun(args);
  if (typeof parsed === 'string') return usageError(parsed);
  if (!existsSync(parsed.image)) {
    process.stderr.write(`redox: no boot image at ${parsed.image} (run \`npm run build\` to make the default one)\n`);
    return 1;
  }
  try {
    return await bootNode({
      imagePath: parsed.image,
      initArgs: parsed.command === undefined ? [] : ['-c', parsed.command],
      trace: parsed.trace,
      ephemeral: parsed.ephemeral,
      memoryMiB: parsed.memoryMiB,
    });
  } catch (error) {
    if (error instanceof BootError) {
      process.stderr.write(`redox: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return run(rest);
    case 'fs':
      return redoxfsMain(rest);
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
