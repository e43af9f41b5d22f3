/**
 * Floors measured on this machine in the same run as the OS figures: what the host itself can do
 * with the same primitives, so each OS figure is read as a ratio, not an absolute time.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, fsyncSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Raw Atomics.wait/notify ping-pong between two threads, each spinning briefly before it sleeps
 * (as libc does): the floor of a syscall round trip.
 */
export async function atomicsRoundTripMicros(rounds: number, perRound: number): Promise<number> {
  const shared = new SharedArrayBuffer(8);
  const words = new Int32Array(shared);
  const worker = new Worker(
    `const { workerData } = require('node:worker_threads');
     const w = new Int32Array(workerData);
     for (;;) {
       for (let i = 0; i < 2000 && Atomics.load(w, 0) === 0; i++);
       if (Atomics.load(w, 0) === 0) Atomics.wait(w, 0, 0);
       if (Atomics.load(w, 0) === 2) break;
       Atomics.store(w, 0, 0); Atomics.notify(w, 0);
     }`,
    { eval: true, workerData: shared },
  );
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    for (let i = 0; i < perRound; i++) {
      Atomics.store(words, 0, 1);
      Atomics.notify(words, 0);
      for (let spin = 0; spin < 2000 && Atomics.load(words, 0) === 1; spin++);
      while (Atomics.load(words, 0) === 1) Atomics.wait(words, 0, 1);
    }
    samples.push(((performance.now() - start) * 1000) / perRound);
  }
  Atomics.store(words, 0, 2);
  Atomics.notify(words, 0);
  await worker.terminate();
  return median(samples);
}

/** Copying through a SharedArrayBuffer in 128 KiB chunks: the floor of pipe throughput. */
export function sharedCopyMiBps(totalMiB: number): number {
  const chunk = new Uint8Array(128 * 1024).fill(1);
  const shared = new Uint8Array(new SharedArrayBuffer(chunk.length));
  const out = new Uint8Array(chunk.length);
  const start = performance.now();
  for (let done = 0; done < totalMiB * 1024 * 1024; done += chunk.length) {
    shared.set(chunk);
    out.set(shared);
  }
  return totalMiB / ((performance.now() - start) / 1000);
}

/** Starting a Worker until it answers: the floor of spawning a process without a warm pool. */
export async function workerStartMillis(count: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    const worker = new Worker(`require('node:worker_threads').parentPort.postMessage(1)`, { eval: true });
    await new Promise((resolve) => worker.once('message', resolve));
    samples.push(performance.now() - start);
    await worker.terminate();
  }
  return median(samples);
}

/** Starting a bare Node process: the floor of booting the OS from the host command line. */
export function nodeStartMillis(count: number): number {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    spawnSync(process.execPath, ['-e', '']);
    samples.push(performance.now() - start);
  }
  return median(samples);
}

/** Writing (then fsync) and reading a host file in 128 KiB chunks: the floor of the OS's file I/O. */
export function hostFileMiBps(totalMiB: number): { write: number; read: number } {
  const dir = mkdtempSync(join(tmpdir(), 'redox-bench-'));
  const path = join(dir, 'floor.dat');
  const chunk = new Uint8Array(128 * 1024).map((_, i) => i & 0xff);
  try {
    let start = performance.now();
    const out = openSync(path, 'w');
    for (let done = 0; done < totalMiB * 1024 * 1024; done += chunk.length) writeSync(out, chunk);
    fsyncSync(out);
    closeSync(out);
    const write = totalMiB / ((performance.now() - start) / 1000);
    start = performance.now();
    const input = openSync(path, 'r');
    while (readSync(input, chunk) > 0);
    closeSync(input);
    return { write, read: totalMiB / ((performance.now() - start) / 1000) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
