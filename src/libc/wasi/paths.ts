/**
 * Path resolution for path_* calls: a relative path under a directory descriptor becomes the
 * absolute path our syscalls take. As WASI requires, an absolute path or a `..` that climbs
 * above the directory is refused with ENOTCAPABLE (folding is lexical, as the kernel's is).
 */
import { W, WasiError } from './abi.ts';

export function resolveUnder(base: string, relative: string): string {
  if (relative === '') throw new WasiError(W.ENOENT, 'empty path');
  if (relative.startsWith('/')) throw new WasiError(W.ENOTCAPABLE, `absolute path ${relative}`);
  const stack: string[] = [];
  for (const part of relative.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (stack.length === 0) throw new WasiError(W.ENOTCAPABLE, `${relative} leaves its directory`);
      stack.pop();
    } else {
      stack.push(part);
    }
  }
  const joined = stack.join('/');
  if (joined === '') return base;
  return base.endsWith('/') ? base + joined : `${base}/${joined}`;
}
