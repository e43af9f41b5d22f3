/** stat: display file status. */
import { type Stat, isSymlink, lstat, readlink, stat, stdout } from '../../libc/index.ts';
import { fail, parseArgs, usageError, type Spec } from '../lib/args.ts';
import { isoTime, modeString, typeChar } from './_format.ts';
import { groupName, userName } from './_system.ts';

const SPEC: Spec = {
  name: 'stat',
  usage: '[OPTION]... FILE...',
  about: 'Display file status.',
  options: [
    ['-L, --dereference', 'follow links'],
    ['-c, --format FORMAT', 'use FORMAT: %n name, %s size, %a octal mode, %A mode string, %F type, %u %g ids, %U %G names, %h links, %i inode, %Y mtime, %x %y %z times'],
  ],
};

const TYPE_NAMES: Record<string, string> = {
  '-': 'regular file', d: 'directory', l: 'symbolic link', p: 'fifo', c: 'character special file', b: 'block special file', s: 'socket',
};

function typeName(st: Stat): string {
  const name = TYPE_NAMES[typeChar(st.mode)]!;
  return name === 'regular file' && st.size === 0 ? 'regular empty file' : name;
}

function formatted(format: string, path: string, st: Stat): string {
  return format.replace(/%([%nsaAFugUGhiYbBdXxyz])/g, (_, c: string) => {
    switch (c) {
      case '%': return '%';
      case 'n': return path;
      case 's': return String(st.size);
      case 'a': return (st.mode & 0o7777).toString(8);
      case 'A': return modeString(st.mode);
      case 'F': return typeName(st);
      case 'u': return String(st.uid);
      case 'g': return String(st.gid);
      case 'U': return userName(st.uid);
      case 'G': return groupName(st.gid);
      case 'h': return String(st.nlink);
      case 'i': return String(st.ino);
      case 'b': return String(st.blocks);
      case 'B': return '512';
      case 'd': return String(st.dev);
      case 'X': return String(st.atimeSec);
      case 'x': return isoTime(st.atimeSec, st.atimeNsec);
      case 'y': return isoTime(st.mtimeSec, st.mtimeNsec);
      case 'z': return isoTime(st.ctimeSec, st.ctimeNsec);
      default: return String(st.mtimeSec);
    }
  });
}

function full(path: string, st: Stat): string {
  const name = isSymlink(st) ? `'${path}' -> '${readlink(path)}'` : path;
  const mode = `(${(st.mode & 0o7777).toString(8).padStart(4, '0')}/${modeString(st.mode)})`;
  return [
    `  File: ${name}`,
    `  Size: ${String(st.size).padEnd(15)} Blocks: ${String(st.blocks).padEnd(10)} IO Block: ${String(st.blksize).padEnd(6)} ${typeName(st)}`,
    `Device: ${String(st.dev).padEnd(15)} Inode: ${String(st.ino).padEnd(11)} Links: ${st.nlink}`,
    `Access: ${mode}  Uid: (${String(st.uid).padStart(5)}/${userName(st.uid).padStart(8)})   Gid: (${String(st.gid).padStart(5)}/${groupName(st.gid).padStart(8)})`,
    `Access: ${isoTime(st.atimeSec, st.atimeNsec)}`,
    `Modify: ${isoTime(st.mtimeSec, st.mtimeNsec)}`,
    `Change: ${isoTime(st.ctimeSec, st.ctimeNsec)}`,
  ].join('\n') + '\n';
}

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  if (opts.operands.length === 0) return usageError(SPEC, 'missing operand');
  const format = opts.get('c');
  let status = 0;
  for (const path of opts.operands) {
    try {
      const st = opts.has('L') ? stat(path) : lstat(path);
      stdout.write(format !== undefined ? formatted(format, path, st) + '\n' : full(path, st));
    } catch (error) {
      status = fail('stat', `cannot stat '${path}'`, error);
    }
  }
  return status;
}
