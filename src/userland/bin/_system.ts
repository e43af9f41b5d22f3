/** The system as the coreutils see it: user and group names, command lookup in PATH, running a command. */
import { S_IFDIR, S_IFMT, shellStatus, spawn, stat, waitpid } from '../../libc/index.ts';
import { joinPath, readInputText } from './_io.ts';

/** Maps ids to names from an `/etc/passwd`-style file (`name:x:id:...`); empty when it is absent. */
function idNames(path: string): Map<number, string> {
  const names = new Map<number, string>();
  try {
    for (const line of readInputText(path).split('\n')) {
      const fields = line.split(':');
      if (fields.length >= 3 && /^\d+$/.test(fields[2]!) && !names.has(Number(fields[2]))) names.set(Number(fields[2]), fields[0]!);
    }
  } catch {
    // No account database yet: callers show numbers.
  }
  return names;
}

let users: Map<number, string> | null = null;
let groups: Map<number, string> | null = null;

/** The name of a uid (root for 0 even before an account database exists), else the number. */
export const userName = (uid: number): string => (users ??= idNames('/etc/passwd')).get(uid) ?? (uid === 0 ? 'root' : String(uid));
export const groupName = (gid: number): string => (groups ??= idNames('/etc/group')).get(gid) ?? (gid === 0 ? 'root' : String(gid));

/** A numeric id, or the id of NAME in an `/etc/passwd`-style file; null if neither. */
export function lookupId(path: string, text: string): number | null {
  if (/^\d+$/.test(text)) return Number(text);
  const names = path.endsWith('group') ? (groups ??= idNames(path)) : (users ??= idNames(path));
  for (const [id, name] of names) if (name === text) return id;
  return text === 'root' ? 0 : null;
}

/** The path of COMMAND found in the colon-separated `searchPath` (default /bin), or null. */
export function findInPath(command: string, searchPath = '/bin'): string | null {
  const isFile = (path: string): boolean => {
    try {
      return (stat(path).mode & S_IFMT) !== S_IFDIR;
    } catch {
      return false;
    }
  };
  if (command.includes('/')) return isFile(command) ? command : null;
  for (const dir of searchPath.split(':')) {
    const candidate = joinPath(dir || '.', command);
    if (isFile(candidate)) return candidate;
  }
  return null;
}

/** Runs a program found in PATH with `argv`, waits, and gives its shell status (127: not found). */
export function runCommand(argv: string[], searchPath: string | undefined): number {
  const path = findInPath(argv[0]!, searchPath);
  if (!path) return 127;
  return shellStatus(waitpid(spawn(path, argv)).status);
}
