/**
 * The RedoxFS library: a copy-on-write, checksummed, transactional, optionally encrypted
 * filesystem on any synchronous block device. Portable: nothing here imports node:*; the
 * Node-only pieces are node-file-device.ts, node-crypto.ts and cli.ts.
 */

import { RedoxFS } from './fs.ts';

export { RedoxFS };
/** Formats a device; returns the filesystem mounted read-write. */
export const mkfs = RedoxFS.mkfs;
/** Mounts a device (a snapshot, read-only, with a password...). */
export const mount = RedoxFS.mount;
export type { Attr, SetAttr, StatVfs, SnapshotInfo, MkfsOptions, MountOptions, DirEntry, FsckReport, ScrubReport } from './fs.ts';
export { FsError, isFsError, type FsErrorCode } from './errors.ts';
export { MemoryDevice, BLOCK_SIZE, type BlockDevice } from './device.ts';
export { FaultDevice, crashImage, flipBit, seededRandom, type CrashOptions, type DeviceEvent } from './fault-device.ts';
export { portableCrypto, DEFAULT_KDF, type CryptoBackend, type BlockCipher, type KdfParams } from './crypto.ts';
export { checkAccess, R_OK, W_OK, X_OK } from './perm.ts';
export { S_IFMT, S_IFREG, S_IFDIR, S_IFLNK, DT_DIR, DT_REG, DT_LNK, ROOT_INO, FORMAT_VERSION, type Timespec } from './format.ts';
export { systemClock, probeImage, type Clock, type ImageProbe } from './volume.ts';
export { resolve, resolveParent, type ResolveOptions } from './paths.ts';
