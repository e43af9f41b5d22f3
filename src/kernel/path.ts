/**
 * Path resolution at the kernel's boundary: a path is made absolute against the caller's cwd,
 * `.` and `..` are folded lexically (as relibc does before calling Redox), and the result is split
 * into a scheme name and the path inside that scheme. `/scheme/NAME/rest` names scheme NAME;
 * every other absolute path belongs to the `file` scheme, except the few `/dev` names that
 * portable programs hard-code, which alias kernel schemes (as Redox's relibc maps them).
 */
import { Errno, SysError } from '../syscall/errno.ts';

export const PATH_MAX = 4096;
export const NAME_MAX = 255;

export interface SchemePath {
  scheme: string;
  /** Path inside the scheme, without a leading slash; '' is the scheme's root. */
  path: string;
  /** The canonical absolute path, for getcwd and fpath. */
  absolute: string;
}

export function canonicalize(path: string, cwd: string): string {
  if (path.length === 0) throw new SysError(Errno.ENOENT, 'empty path');
  if (path.length > PATH_MAX) throw new SysError(Errno.ENAMETOOLONG);
  if (path.includes('\0')) throw new SysError(Errno.EINVAL, 'path contains NUL');
  const joined = path.startsWith('/') ? path : `${cwd}/${path}`;
  const parts: string[] = [];
  for (const part of joined.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else if (part.length > NAME_MAX) throw new SysError(Errno.ENAMETOOLONG, part.slice(0, 32));
    else parts.push(part);
  }
  return '/' + parts.join('/');
}

/** `/dev` names every POSIX program expects, and the scheme path each stands for. */
const DEV_ALIASES: Record<string, string> = {
  '/dev/null': '/scheme/null',
  '/dev/zero': '/scheme/zero',
  '/dev/random': '/scheme/rand',
  '/dev/urandom': '/scheme/rand',
};

export function splitScheme(path: string): SchemePath {
  const absolute = DEV_ALIASES[path] ?? path;
  const parts = absolute.split('/').filter(Boolean);
  if (parts[0] === 'scheme') {
    if (parts.length === 1) return { scheme: '', path: '', absolute };
    return { scheme: parts[1]!, path: parts.slice(2).join('/'), absolute };
  }
  return { scheme: 'file', path: parts.join('/'), absolute };
}

export function resolve(path: string, cwd: string): SchemePath {
  return splitScheme(canonicalize(path, cwd));
}

/** The absolute path of `inner` inside scheme `scheme`, as fpath reports it. */
export function schemePathToAbsolute(scheme: string, inner: string): string {
  const clean = inner.replace(/^\/+/, '');
  if (scheme === 'file') return '/' + clean;
  return clean ? `/scheme/${scheme}/${clean}` : `/scheme/${scheme}`;
}
