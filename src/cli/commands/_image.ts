/**
 * What `redox build`, `redox image` and `redox rebuild` share: naming the configuration,
 * cooking its packages with progress and a summary, and assembling its image.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { assembleImage, configFile, cookConfig, loadConfig, type ImageReport } from '../../cookbook/image.ts';
import type { ImageConfig } from '../../cookbook/config.ts';
import type { Parsed } from './_common.ts';
import { progress, summary } from './_common.ts';

export const CONFIG_ARGUMENT = `CONFIG is NAME (config/NAME.toml, default base) or a path to a .toml file.`;

export const IMAGE_OPTIONS = `  --live FILE            also write the whole tree as an initfs archive (a live
                         image: \`redox run FILE\` boots it with a RAM root)
  --password-file FILE   the password of an encrypted image ([general] encrypt = true;
                         default: $REDOXFS_PASSWORD)`;

export const IMAGE_VALUES = ['--live', '--password-file'];

function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') ? path : rel;
}

/** The configuration a command's arguments name, loaded and checked. */
export function commandConfig(parsed: Parsed): { file: string; config: ImageConfig } {
  const file = configFile(parsed.rest[0], parsed.options.root);
  return { file, config: loadConfig(file) };
}

/** Cooks the configuration's packages with progress lines and a summary; true if all built. */
export async function cookWithProgress(config: ImageConfig, parsed: Parsed, force: boolean): Promise<boolean> {
  const report = await cookConfig(config, { ...parsed.options, force, onEvent: progress(parsed.quiet) });
  summary(report);
  return report.ok;
}

function imagePassword(parsed: Parsed): string | undefined {
  const file = parsed.values.get('--password-file');
  if (file !== undefined) return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  return process.env.REDOXFS_PASSWORD;
}

/** Assembles the image with a line per step and one at the end. */
export function imageWithProgress(config: ImageConfig, parsed: Parsed, force: boolean): ImageReport {
  const password = config.general.encrypt ? imagePassword(parsed) : undefined;
  const live = parsed.values.get('--live');
  const report = assembleImage(config, {
    ...parsed.options, force, ...(live !== undefined ? { live } : {}), ...(password !== undefined ? { password } : {}),
    onStep: (text) => parsed.quiet || process.stderr.write(`image: ${text}\n`),
  });
  const outputs = [report.disk, ...(report.live ? [report.live] : [])].map(shown).join(' and ');
  process.stderr.write(report.upToDate
    ? `${outputs}: up to date (${report.packages.length} packages; nothing changed)\n`
    : `wrote ${outputs}: ${report.packages.length} packages, ${report.entries} entries in ${report.ms} ms\n`);
  return report;
}
