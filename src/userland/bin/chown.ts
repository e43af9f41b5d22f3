/** chown: change file owner and group (numeric ids, or names from /etc/passwd and /etc/group). */
import { chown, isDirectory, isSymlink, lstat, readdir, stat } from '../../libc/index.ts';
import { fail, parseArgs, usageError, type Spec } from '../lib/args.ts';
import { joinPath } from './_io.ts';
import { lookupId } from './_system.ts';

const SPEC: Spec = {
  name: 'chown',
  usage: '[OPTION]... OWNER[:GROUP] FILE...',
  about: 'Change the owner and/or group of each FILE to OWNER and/or GROUP (numeric, or a name).',
  options: [['-R, --recursive', 'operate on files and directories recursively']],
};

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  if (opts.operands.length < 2) {
    return usageError(SPEC, opts.operands.length ? `missing operand after '${opts.operands[0]}'` : 'missing operand');
  }
  const [spec, ...files] = opts.operands as [string, ...string[]];
  const [userText = '', groupText] = spec.split(/[:.]/);
  const uid = userText === '' ? -1 : lookupId('/etc/passwd', userText);
  const gid = groupText === undefined || groupText === '' ? -1 : lookupId('/etc/group', groupText);
  if (uid === null) return fail('chown', `invalid user: '${spec}'`, null);
  if (gid === null) return fail('chown', `invalid group: '${spec}'`, null);
  let status = 0;
  const change = (path: string, top: boolean): void => {
    try {
      const st = top ? stat(path) : lstat(path);
      if (isSymlink(st)) return; // No lchown yet: a link found while recursing is left alone, not followed.
      chown(path, uid < 0 ? st.uid : uid, gid < 0 ? st.gid : gid);
      if (opts.has('R') && isDirectory(st)) {
        for (const d of readdir(path)) if (d.name !== '.' && d.name !== '..') change(joinPath(path, d.name), false);
      }
    } catch (error) {
      status = fail('chown', `changing ownership of '${path}'`, error);
    }
  };
  for (const file of files) change(file, true);
  return status;
}
