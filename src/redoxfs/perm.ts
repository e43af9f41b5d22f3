/**
 * POSIX permission checks for callers of the filesystem (the daemon checks every request
 * against the caller's uid and groups before calling the filesystem, which itself trusts its
 * caller). Root may read and write anything and execute anything with an execute bit.
 */

import { S_IFDIR, S_IFMT } from './format.ts';

export const R_OK = 4;
export const W_OK = 2;
export const X_OK = 1;

export interface Owned {
  mode: number;
  uid: number;
  gid: number;
}

/** Whether a caller (uid, its groups) may access a node for every bit of `want` (R_OK|W_OK|X_OK). */
export function checkAccess(uid: number, gids: number | readonly number[], node: Owned, want: number): boolean {
  if (uid === 0) {
    if ((want & X_OK) === 0) return true;
    return (node.mode & S_IFMT) === S_IFDIR || (node.mode & 0o111) !== 0;
  }
  const groups = typeof gids === 'number' ? [gids] : gids;
  const shift = uid === node.uid ? 6 : groups.includes(node.gid) ? 3 : 0;
  const granted = (node.mode >> shift) & 7;
  return (granted & want) === want;
}
