/** The ABI shared by the kernel and libc: one import for everything in src/syscall. */
export * from './errno.ts';
export * from './flags.ts';
export * from './signal.ts';
export * from './table.ts';
export * from './slot.ts';
export * from './stat.ts';
export * from './dirent.ts';
export * from './packet.ts';
export * from './termios.ts';
