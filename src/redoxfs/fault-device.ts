/**
 * A fault-injecting block device for tests: it records every write and flush, can lose power
 * after write N (later calls throw EIO), and can produce the image a real disk might hold after
 * that power cut: everything flushed, plus any subset of the unflushed writes applied in any
 * order, optionally one of them torn at a 512-byte sector boundary. Bit flips are applied
 * directly to a stored image.
 *
 * Invariant: `events` is the exact sequence of writes and flushes the filesystem issued, so a
 * test can rebuild the state at every cut point from one recorded run.
 */

import { BLOCK_SIZE, MemoryDevice, checkBlockRange, type BlockDevice } from './device.ts';
import { FsError } from './errors.ts';

export type DeviceEvent =
  | { kind: 'write'; block: number; data: Uint8Array }
  | { kind: 'flush' }
  /** Bit rot: lands on the medium at once, whatever is cached. */
  | { kind: 'flip'; block: number; bit: number };

export interface CrashOptions {
  /** A seeded source of numbers in [0, 1). */
  random: () => number;
  /** Chance that each unflushed write reached the disk; 0 drops them all, 1 keeps them all. */
  keepProbability?: number;
  /** Tear one of the surviving unflushed writes at a sector boundary. */
  tear?: boolean;
}

const SECTOR = 512;

export class FaultDevice implements BlockDevice {
  readonly blockSize = BLOCK_SIZE;
  readonly blockCount: number;
  readonly events: DeviceEvent[] = [];
  private readonly base: MemoryDevice;
  private readonly current: MemoryDevice;
  private writes = 0;
  private poweredOff = false;

  /** `cutAfterWrites`: the device loses power once that many writes have been issued. */
  constructor(base: MemoryDevice, private cutAfterWrites = Infinity) {
    this.base = base.clone();
    this.current = base.clone();
    this.blockCount = base.blockCount;
  }

  get writeCount(): number {
    return this.writes;
  }

  get lostPower(): boolean {
    return this.poweredOff;
  }

  read(block: number, out: Uint8Array): void {
    this.checkPower();
    this.current.read(block, out);
  }

  write(block: number, data: Uint8Array): void {
    checkBlockRange(this, block, data.length);
    this.checkPower();
    if (this.writes >= this.cutAfterWrites) {
      this.poweredOff = true;
      this.checkPower();
    }
    this.writes++;
    const copy = data.slice();
    this.events.push({ kind: 'write', block, data: copy });
    this.current.write(block, copy);
  }

  flush(): void {
    this.checkPower();
    this.events.push({ kind: 'flush' });
  }

  /** Rots one bit of a block: reads see it now and it survives a power cut. */
  flipBit(block: number, bit: number): void {
    checkBlockRange(this, block, this.blockSize);
    this.events.push({ kind: 'flip', block, bit });
    flipBit(this.current, block, bit);
  }

  /** The image the disk might hold after losing power now. */
  afterPowerCut(options: CrashOptions): MemoryDevice {
    return crashImage(this.base, this.events, this.writes, options);
  }

  /** What the disk holds if every write reached it (no crash). */
  image(): MemoryDevice {
    return this.current.clone();
  }

  private checkPower(): void {
    if (this.poweredOff) throw new FsError('EIO', 'device lost power');
  }
}

/**
 * Rebuilds the disk after a power cut that happened once `writesBeforeCut` writes of `events`
 * had been issued: flushed writes are durable, the rest survive at random.
 */
export function crashImage(base: MemoryDevice, events: readonly DeviceEvent[], writesBeforeCut: number, options: CrashOptions): MemoryDevice {
  const disk = base.clone();
  let pending: DeviceEvent[] = [];
  let issued = 0;
  for (const event of events) {
    if (event.kind === 'flip') {
      flipBit(disk, event.block, event.bit);
      continue;
    }
    if (event.kind === 'flush') {
      for (const w of pending) if (w.kind === 'write') disk.blocks.set(w.block, w.data);
      pending = [];
      continue;
    }
    if (issued === writesBeforeCut) break;
    issued++;
    pending.push(event);
  }
  applySurvivors(disk, pending, options);
  return disk;
}

function applySurvivors(disk: MemoryDevice, pending: DeviceEvent[], options: CrashOptions): void {
  const keep = options.keepProbability ?? 0.5;
  const survivors = shuffle(pending.filter(() => options.random() < keep), options.random);
  const torn = options.tear && survivors.length > 0 ? Math.floor(options.random() * survivors.length) : -1;
  survivors.forEach((event, i) => {
    if (event.kind !== 'write') return;
    if (i !== torn) {
      disk.blocks.set(event.block, event.data);
      return;
    }
    const old = disk.blocks.get(event.block) ?? new Uint8Array(BLOCK_SIZE);
    const mixed = old.slice();
    const sectors = 1 + Math.floor(options.random() * (BLOCK_SIZE / SECTOR - 1));
    mixed.set(event.data.subarray(0, sectors * SECTOR));
    disk.blocks.set(event.block, mixed);
  });
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Flips one bit of a stored block (a block never written is treated as zeros). */
export function flipBit(device: MemoryDevice, block: number, bit: number): void {
  const bytes = device.blocks.get(block)?.slice() ?? new Uint8Array(device.blockSize);
  bytes[bit >>> 3] = bytes[bit >>> 3]! ^ (1 << (bit & 7));
  device.blocks.set(block, bytes);
}

/** A small seeded generator (mulberry32) so failures replay exactly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
