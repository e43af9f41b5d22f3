/**
 * What `redox build`, `redox image` and `redox rebuild` share: naming the configuration,
 * cooking its packages with progress and a summary, and assembling its image.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { assembleImage, checkPassword, configFile, cookConfig, loadConfig, type ImageReport } from '../../cookbook/image.ts';
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

/**
 * The image's password, checked against the configuration before anything is cooked or removed:
 * --password-file is always read (so an unencrypted configuration refuses it, never ignores it);
 * $REDOXFS_PASSWORD, ambient in the environment, counts only for an encrypted one.
 */
export function imagePassword(config: ImageConfig, parsed: Parsed): string | undefined {
  const file = parsed.values.get('--password-file');
  let password: string | undefined;
  if (file !== undefined) {
    try {
      password = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new Error(`--password-file: cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  } else if (config.general.encrypt) {
    password = process.env.REDOXFS_PASSWORD;
  }
  checkPassword(config, password);
  return password;
}

/** Assembles the image with a line per step and one at the end; `password` comes from `imagePassword`. */
export function imageWithProgress(config: ImageConfig, parsed: Parsed, force: boolean, password: string | undefined): ImageReport {
  const live = parsed.values.get('--live');
  const report = assembleImage(config, {
    ...parsed.options, force, ...(live !== undefined ? { live } : {}), ...(password !== undefined ? { password } : {}),
    onStep: (text) => parsed.quiet || process.stderr.write(`image: ${text}\n`),
  });
  const outputs = [report.disk, ...(report.live ? [report.live] : [])];
  const kept = outputs.filter((path) => !report.written.includes(path)).map(shown).join(' and ');
  if (kept !== '') process.stderr.write(`${kept}: up to date (${report.packages.length} packages; nothing changed)\n`);
  if (!report.upToDate) process.stderr.write(`wrote ${report.written.map(shown).join(' and ')}: ${report.packages.length} packages, ${report.entries} entries in ${report.ms} ms\n`);
  return report;
}
