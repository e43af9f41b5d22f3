/**
 * redox image [CONFIG]: cooks what a configuration needs (as `redox build`) and assembles its
 * bootable disk, build/CONFIG/harddrive.img (src/cookbook/image.ts).
 */
import { COMMON_OPTIONS, parseCommand, reportError } from './_common.ts';
import { CONFIG_ARGUMENT, IMAGE_OPTIONS, IMAGE_VALUES, commandConfig, cookWithProgress, imagePassword, imageWithProgress } from './_image.ts';

export const USAGE = `usage: redox image [options] [CONFIG]

Cooks the configuration's packages (unchanged recipes are not rebuilt), then makes
build/CONFIG/harddrive.img: a fresh RedoxFS volume of [general] size holding exactly the
configured packages (each verified against the signed index and the build's key), their
records in /var/lib/pkg, the trusted key and /etc/pkg/repos.toml, the accounts of [users]
and the [[files]]; /boot holds the kernel and the initfs the host boots from. An image
whose inputs (the configuration, the packages it installs, the key) did not change is left
as it is, with what a booted system wrote to it; --force writes it afresh.
${CONFIG_ARGUMENT} Format: docs/config.md.

options:
  --force                rebuild the packages and write the image even if nothing changed
${IMAGE_OPTIONS}
${COMMON_OPTIONS}
`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('image', USAGE, args, { flags: ['--force'], valued: IMAGE_VALUES, maxOperands: 1 });
  if (typeof parsed === 'number') return parsed;
  const force = parsed.flags.has('--force');
  try {
    const { config } = commandConfig(parsed);
    const password = imagePassword(config, parsed);
    if (!(await cookWithProgress(config, parsed, force))) return 1;
    imageWithProgress(config, parsed, force, password);
    return 0;
  } catch (err) {
    return reportError('image', err);
  }
}
