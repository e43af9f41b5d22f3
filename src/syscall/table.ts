/**
 * The syscall list, written once. Each entry gives the number, the kinds of its arguments and the
 * kind of its result. The kernel's dispatch table is typed from it (a handler per name, with these
 * argument types) and libc's stubs marshal through it, so the two sides cannot disagree.
 *
 * Argument kinds: `int` travels as a float64 in an argument register; `str`, `bytes` and `json`
 * are appended to the slot's data area and their byte length goes in the register.
 * Result kinds: `int` (register 0), `pair` (registers 0 and 1), `bytes`/`str`/`json` (data area),
 * `none` (never returns: exit).
 */

export type ArgKind = 'int' | 'str' | 'bytes' | 'json';
export type RetKind = 'int' | 'pair' | 'bytes' | 'str' | 'json' | 'none';

interface Def {
  readonly nr: number;
  readonly args: readonly ArgKind[];
  readonly ret: RetKind;
}

export const SYSCALLS = {
  // files
  open: { nr: 1, args: ['str', 'int'], ret: 'int' }, // path, flags (| mode in the low 16 bits) -> fd
  close: { nr: 2, args: ['int'], ret: 'int' },
  read: { nr: 3, args: ['int', 'int'], ret: 'bytes' }, // fd, max bytes
  write: { nr: 4, args: ['int', 'bytes'], ret: 'int' },
  lseek: { nr: 5, args: ['int', 'int', 'int'], ret: 'int' }, // fd, offset, whence
  fstat: { nr: 6, args: ['int'], ret: 'bytes' }, // -> Stat record (stat.ts)
  fsync: { nr: 7, args: ['int'], ret: 'int' },
  ftruncate: { nr: 8, args: ['int', 'int'], ret: 'int' },
  dup: { nr: 9, args: ['int'], ret: 'int' },
  dup2: { nr: 10, args: ['int', 'int'], ret: 'int' },
  pipe: { nr: 11, args: ['int'], ret: 'pair' }, // flags -> [read fd, write fd]
  getdents: { nr: 12, args: ['int', 'int'], ret: 'bytes' }, // fd, max bytes -> dirent records (dirent.ts)
  fcntl: { nr: 13, args: ['int', 'int', 'int'], ret: 'int' },
  fpath: { nr: 14, args: ['int'], ret: 'str' },
  fchmod: { nr: 15, args: ['int', 'int'], ret: 'int' },
  fchown: { nr: 16, args: ['int', 'int', 'int'], ret: 'int' },
  fevent: { nr: 17, args: ['int', 'int'], ret: 'int' }, // fd, interest -> current readiness (EVENT_*)
  fmap: { nr: 18, args: ['int'], ret: 'pair' }, // fd -> [map id, offset cell or -1] (the buffer arrives on the map port; see docs/syscalls.md)
  fstatvfs: { nr: 19, args: ['int'], ret: 'json' }, // fd -> StatVfs (stat.ts) of the filesystem holding it
  funmap: { nr: 32, args: ['int'], ret: 'int' }, // map id
  // paths
  mkdir: { nr: 20, args: ['str', 'int'], ret: 'int' },
  rmdir: { nr: 21, args: ['str'], ret: 'int' },
  unlink: { nr: 22, args: ['str'], ret: 'int' },
  rename: { nr: 23, args: ['str', 'str'], ret: 'int' },
  link: { nr: 24, args: ['str', 'str'], ret: 'int' },
  symlink: { nr: 25, args: ['str', 'str'], ret: 'int' }, // target, link path
  readlink: { nr: 26, args: ['str'], ret: 'str' },
  chdir: { nr: 27, args: ['str'], ret: 'int' },
  getcwd: { nr: 28, args: [], ret: 'str' },
  chmod: { nr: 29, args: ['str', 'int'], ret: 'int' },
  chown: { nr: 30, args: ['str', 'int', 'int'], ret: 'int' },
  futimens: { nr: 31, args: ['int', 'int', 'int', 'int', 'int'], ret: 'int' }, // fd, atime s, ns, mtime s, ns (s = UTIME_NOW / UTIME_OMIT)
  // processes
  spawn: { nr: 40, args: ['json'], ret: 'int' }, // SpawnRequest -> pid
  exit: { nr: 41, args: ['int'], ret: 'none' },
  waitpid: { nr: 42, args: ['int', 'int'], ret: 'pair' }, // pid (-1 any, <-1 group), options -> [pid, status]
  kill: { nr: 43, args: ['int', 'int'], ret: 'int' },
  getpid: { nr: 44, args: [], ret: 'int' },
  getppid: { nr: 45, args: [], ret: 'int' },
  getuid: { nr: 46, args: [], ret: 'int' },
  getgid: { nr: 47, args: [], ret: 'int' },
  geteuid: { nr: 48, args: [], ret: 'int' },
  getegid: { nr: 49, args: [], ret: 'int' },
  setuid: { nr: 50, args: ['int'], ret: 'int' },
  setgid: { nr: 51, args: ['int'], ret: 'int' },
  setpgid: { nr: 52, args: ['int', 'int'], ret: 'int' },
  getpgid: { nr: 53, args: ['int'], ret: 'int' },
  setsid: { nr: 54, args: [], ret: 'int' },
  setrens: { nr: 55, args: ['json'], ret: 'int' }, // scheme names the process keeps (string[])
  getns: { nr: 56, args: [], ret: 'json' }, // -> string[] | null (null: every scheme)
  // signals
  sigaction: { nr: 60, args: ['int', 'int'], ret: 'int' }, // signal, disposition (SIG_DFL/SIG_IGN/SIG_HANDLE) -> old
  sigprocmask: { nr: 61, args: ['int', 'int'], ret: 'int' }, // how, mask -> old mask
  sigpending: { nr: 62, args: [], ret: 'int' },
  // time and synchronisation
  nanosleep: { nr: 70, args: ['int', 'int'], ret: 'int' }, // seconds, nanoseconds
  clock_gettime: { nr: 71, args: ['int'], ret: 'pair' }, // clock -> [seconds, nanoseconds]
  futex: { nr: 72, args: ['int', 'int', 'int', 'int', 'int'], ret: 'int' }, // op, map id, byte offset, value, timeout ms (-1 none)
  sched_yield: { nr: 73, args: [], ret: 'int' },
} as const satisfies Record<string, Def>;

export type SyscallName = keyof typeof SYSCALLS;
export type SyscallDef<N extends SyscallName> = (typeof SYSCALLS)[N];

type ArgType<K extends ArgKind> = K extends 'int' ? number : K extends 'str' ? string : K extends 'bytes' ? Uint8Array : unknown;
export type ArgTypes<A extends readonly ArgKind[]> = { -readonly [I in keyof A]: ArgType<A[I]> };
export type RetType<R extends RetKind> = R extends 'int'
  ? number
  : R extends 'pair'
    ? readonly [number, number]
    : R extends 'bytes'
      ? Uint8Array
      : R extends 'str'
        ? string
        : R extends 'json'
          ? unknown
          : never;

export type SyscallArgs<N extends SyscallName> = ArgTypes<SyscallDef<N>['args']>;
export type SyscallResult<N extends SyscallName> = RetType<SyscallDef<N>['ret']>;

const BY_NUMBER = new Map<number, SyscallName>(
  (Object.keys(SYSCALLS) as SyscallName[]).map((name) => [SYSCALLS[name].nr, name]),
);

export function syscallName(nr: number): SyscallName | undefined {
  return BY_NUMBER.get(nr);
}

/** What `spawn` takes: like posix_spawn, a path plus everything the child starts with. */
export interface SpawnRequest {
  path: string;
  argv: string[];
  env: Record<string, string>;
  cwd?: string;
  /** [child fd, parent fd] pairs; when given, only these fds are passed (otherwise every fd without FD_CLOEXEC). */
  fds?: [number, number][];
  /** Process group for the child: 0 = a new group led by the child, undefined = the parent's. */
  pgid?: number;
  /** Memory limit in MiB for the child's heap. */
  memoryMiB?: number;
  /** Run the child as this user and group (root only). */
  uid?: number;
  gid?: number;
}
