/**
 * sysbench: kernel microbenchmarks run inside the OS (bench/run.ts drives it and prints each
 * figure beside its floor). Prints one JSON object: median syscall round trip, pipe throughput
 * to a child, spawn+wait latency, file write (with fsync) and read throughput on the root
 * filesystem, and the time of a shell pipeline (`seq 1 1000000 | wc -l`) from spawn to exit.
 */
import {
  O_CREAT, O_RDONLY, O_TRUNC, O_WRONLY, close, exit, fsync, monotonicMs, open, pipe, read, spawn, stdout, syscall, unlink,
  waitpid, write,
} from '../../libc/index.ts';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function syscallMicros(rounds: number, perRound: number): number {
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = monotonicMs();
    for (let i = 0; i < perRound; i++) syscall('getpid');
    samples.push(((monotonicMs() - start) * 1000) / perRound);
  }
  return median(samples);
}

function pipeMiBps(totalMiB: number): number {
  const [r, w] = pipe();
  const pid = spawn('/bin/sysbench', ['sysbench', '--drain'], { fds: [[0, r], [1, 1], [2, 2]] });
  close(r);
  const chunk = new Uint8Array(128 * 1024).fill(1);
  const start = monotonicMs();
  for (let sent = 0; sent < totalMiB * 1024 * 1024; sent += chunk.length) write(w, chunk);
  close(w);
  waitpid(pid);
  return totalMiB / ((monotonicMs() - start) / 1000);
}

function spawnMillis(count: number): number {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = monotonicMs();
    waitpid(spawn('/bin/true', ['true']));
    samples.push(monotonicMs() - start);
  }
  return median(samples);
}

function fileMiBps(totalMiB: number): { write: number; read: number } {
  const path = '/tmp/sysbench.dat';
  const chunk = new Uint8Array(128 * 1024).map((_, i) => i & 0xff);
  let start = monotonicMs();
  const out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600);
  for (let done = 0; done < totalMiB * 1024 * 1024; done += chunk.length) write(out, chunk);
  fsync(out);
  close(out);
  const writeMiBps = totalMiB / ((monotonicMs() - start) / 1000);
  start = monotonicMs();
  const input = open(path, O_RDONLY);
  while (read(input, chunk.length).length > 0);
  close(input);
  const readMiBps = totalMiB / ((monotonicMs() - start) / 1000);
  unlink(path);
  return { write: writeMiBps, read: readMiBps };
}

function pipelineMillis(count: number): number {
  const sink = open('/dev/null', O_WRONLY);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = monotonicMs();
    waitpid(spawn('/bin/sh', ['sh', '-c', 'seq 1 1000000 | wc -l'], { fds: [[0, 0], [1, sink], [2, 2]] }));
    samples.push(monotonicMs() - start);
  }
  close(sink);
  return median(samples);
}

export function main(args: string[]): number {
  if (args[1] === '--drain') {
    while (read(0, 128 * 1024).length > 0);
    return 0;
  }
  const file = fileMiBps(64);
  const result = {
    syscallMicros: syscallMicros(9, 5000), pipeMiBps: pipeMiBps(64), spawnMillis: spawnMillis(21),
    fileWriteMiBps: file.write, fileReadMiBps: file.read, pipelineMillis: pipelineMillis(5),
  };
  stdout.write(JSON.stringify(result) + '\n');
  return exit(0);
}
