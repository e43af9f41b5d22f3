/**
 * The initfs template: the boot archive `boot/initfs.img` (format: src/syscall/initfs.ts,
 * docs/initfs.md), which the host's bootloader reads from the disk and the kernel serves as
 * /scheme/initfs. Its tree is the sysroot (the merged stages of the recipe's build
 * dependencies: the kernel and the programs needed before the root filesystem is mounted)
 * with the recipe's source folder (configuration such as etc/init.d) laid over it. The source
 * folder is also staged as it stands, so the package installs it on the root filesystem too
 * (/etc/init.d on the disk, where programs read it once the root is mounted).
 *
 * Every entry gets the time 0, so the same inputs give the same bytes and an unchanged
 * initfs never looks changed to the packages and images built from it.
 */
import { cpSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildInitfs, type InitfsFile } from '../../syscall/initfs.ts';
import { TemplateError, type Template, type TemplateContext, type TemplateResult } from './types.ts';

export const INITFS_PATH = 'boot/initfs.img';

/** The files under `dir` as archive entries (folders listed before what they hold), into `into` by path. */
function collect(dir: string, into: Map<string, InitfsFile>, rel = ''): void {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const inside = rel === '' ? name : `${rel}/${name}`;
    const info = lstatSync(path);
    if (info.isSymbolicLink()) into.set(inside, { path: inside, kind: 'symlink', mode: 0o777, target: readlinkSync(path) });
    else if (info.isDirectory()) {
      into.set(inside, { path: inside, kind: 'dir', mode: info.mode & 0o7777 });
      collect(path, into, inside);
    } else into.set(inside, { path: inside, kind: 'file', mode: info.mode & 0o7777, data: readFileSync(path) });
  }
}

export const initfsTemplate: Template = {
  name: 'initfs',
  version: 1,
  async build(ctx: TemplateContext): Promise<TemplateResult> {
    const tree = new Map<string, InitfsFile>();
    collect(ctx.sysroot, tree);
    if (ctx.sourceDir !== null) {
      if (!statSync(ctx.sourceDir).isDirectory()) throw new TemplateError(`initfs: the source ${ctx.sourceDir} is not a folder`);
      collect(ctx.sourceDir, tree);
      cpSync(ctx.sourceDir, ctx.stageDir, { recursive: true, verbatimSymlinks: true });
    }
    for (const needed of ['boot/kernel.js', 'boot/procrt.js', 'bin/init']) {
      if (!tree.has(needed)) throw new TemplateError(`initfs: nothing provides /${needed}; the host cannot boot without it (add the recipe that makes it to [build] dependencies)`);
    }
    const files = [...tree.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
    const archive = buildInitfs(files, 0);
    mkdirSync(join(ctx.stageDir, 'boot'), { recursive: true });
    writeFileSync(join(ctx.stageDir, INITFS_PATH), archive, { mode: 0o644 });
    ctx.log(`packed ${INITFS_PATH}: ${files.length} entries, ${archive.length} bytes`);
    return { inputs: [] };
  },
};
