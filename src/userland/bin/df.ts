/** df: report how much space the filesystem holding each FILE (default /) has and uses. */
import { statvfs, stdout } from '../../libc/index.ts';
import { fail, parseArgs, type Spec } from '../lib/args.ts';
import { humanSize } from './_format.ts';

const SPEC: Spec = {
  name: 'df',
  usage: '[OPTION]... [FILE]...',
  about: 'Show the size, used and available space of the filesystem holding each FILE (default /).',
  options: [
    ['-h, --human-readable', 'print sizes in powers of 1024 (e.g., 1023M)'],
    ['-i, --inodes', 'list inode information instead of block usage'],
    ['-T, --print-type', 'print the filesystem type'],
  ],
};

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const paths = opts.operands.length ? opts.operands : ['/'];
  const size = (bytes: number): string => (opts.has('h') ? humanSize(bytes) : String(Math.ceil(bytes / 1024)));
  const rows: string[][] = [[
    'Filesystem', ...(opts.has('T') ? ['Type'] : []),
    ...(opts.has('i') ? ['Inodes', 'IUsed', 'IFree', 'IUse%'] : [opts.has('h') ? 'Size' : '1K-blocks', 'Used', 'Avail', 'Use%']), 'File',
  ]];
  let status = 0;
  for (const path of paths) {
    try {
      const v = statvfs(path);
      const type = opts.has('T') ? [v.type] : [];
      if (opts.has('i')) {
        const total = v.files + v.freeFiles;
        rows.push([v.type.split(' ')[0]!, ...type, String(total), String(v.files), String(v.freeFiles), `${total ? Math.ceil((v.files / total) * 100) : 0}%`, path]);
      } else {
        const used = (v.blocks - v.freeBlocks) * v.blockSize;
        const percent = used + v.availableBlocks * v.blockSize ? Math.ceil((used / (used + v.availableBlocks * v.blockSize)) * 100) : 0;
        rows.push([v.type.split(' ')[0]!, ...type, size(v.blocks * v.blockSize), size(used), size(v.availableBlocks * v.blockSize), `${percent}%`, path]);
      }
    } catch (error) {
      status = fail('df', path, error);
    }
  }
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  for (const row of rows) stdout.write(row.map((cell, col) => (col === 0 || col === row.length - 1 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join(' ').trimEnd() + '\n');
  return status;
}
