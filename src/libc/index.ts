/** libc for TypeScript programs: one import for the whole POSIX surface. */
export * from './fs.ts';
export * from './process.ts';
export * from './signal.ts';
export * from './stdio.ts';
export * from './time.ts';
export { start, type Main } from './start.ts';
export { syscall } from './syscall.ts';
export * from '../syscall/errno.ts';
export * from '../syscall/flags.ts';
export * from '../syscall/signal.ts';
export type { FileTimes, Stat, StatVfs } from '../syscall/stat.ts';
export type { Dirent } from '../syscall/dirent.ts';
export * from './shm.ts';
export * from './event.ts';
export * from './termios.ts';
export * from '../syscall/termios.ts';
