/**
 * The disk image lock (src/redoxfs/node-image-lock.ts): one holder at a time, in one process too;
 * a stale lock (dead pid) is taken over by exactly one of many concurrent takers; an empty or
 * damaged lock counts as held; a lock lent to Worker threads may be taken again by a Worker.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { ImageLockedError, lockImage } from '../../src/redoxfs/node-image-lock.ts';
import { ROOT } from '../helpers.ts';

const scratch = mkdtempSync(join(tmpdir(), 'redox-image-lock-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const LOCK_MODULE = join(ROOT, 'src/redoxfs/node-image-lock.ts');

/** A pid that is certainly not running: a child that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  assert.ok(child.pid);
  return child.pid;
}

/** What is left beside the image: only the lock itself, no temporary or takeover files. */
function leftovers(image: string): string[] {
  const base = image.split('/').pop()!;
  return readdirSync(scratch).filter((name) => name.startsWith(`${base}.lock`) && name !== `${base}.lock`);
}

test('one holder at a time: a second lock in the same process is refused; released, it can be taken again', () => {
  const image = join(scratch, 'one.img');
  writeFileSync(image, '');
  const release = lockImage(image);
  assert.equal(readFileSync(`${image}.lock`, 'utf8'), `${process.pid}\n`);
  assert.throws(() => lockImage(image), (error: unknown) => error instanceof ImageLockedError && error.holder === process.pid && /is in use by process \d+ \(this process/.test(error.message));
  release();
  assert.equal(existsSync(`${image}.lock`), false);
  const again = lockImage(image);
  again();
  again(); // a second release does nothing
  assert.deepEqual(leftovers(image), []);
});

test('an empty or unreadable lock is held, not stale: refused with a message naming the lock file', () => {
  const image = join(scratch, 'empty.img');
  for (const content of ['', 'garbage\n']) {
    writeFileSync(`${image}.lock`, content);
    assert.throws(() => lockImage(image), (error: unknown) => error instanceof ImageLockedError && error.holder === null && error.message.includes(`${image}.lock is empty or unreadable`));
    assert.equal(readFileSync(`${image}.lock`, 'utf8'), content, 'the lock was left alone');
  }
  rmSync(`${image}.lock`);
  assert.deepEqual(leftovers(image), []);
});

test('a stale lock is taken over by exactly one of many concurrent takers', async () => {
  const image = join(scratch, 'stale.img');
  const takers = 12;
  for (let round = 0; round < 3; round++) {
    const dead = deadPid();
    writeFileSync(`${image}.lock`, `${dead}\n`);
    const start = Date.now() + 2000;
    const done = join(scratch, `stale-done-${round}`);
    // Each taker waits for the same moment and tries once; the one that took it holds it until
    // every taker has answered (so no late one finds it released), then releases it.
    const script = `
      const { existsSync } = await import('node:fs');
      const { lockImage } = await import(${JSON.stringify(LOCK_MODULE)});
      while (Date.now() < ${start}) {}
      let release;
      try { release = lockImage(${JSON.stringify(image)}); } catch (e) { process.stdout.write('refused ' + e.message); process.exit(0); }
      process.stdout.write('took');
      while (!existsSync(${JSON.stringify(done)})) await new Promise((r) => setTimeout(r, 20));
      release();`;
    let answered = 0;
    const outcomes = await Promise.all(Array.from({ length: takers }, () => new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => {
        if (out === '' && ++answered === takers) writeFileSync(done, '');
        out += chunk;
      });
      child.stderr.on('data', (chunk: Buffer) => (err += chunk));
      child.on('error', reject);
      child.on('exit', (status) => {
        if (out === '' && ++answered === takers) writeFileSync(done, '');
        if (status === 0) resolve(out);
        else reject(new Error(`taker failed (${status}): ${err}`));
      });
    })));
    const took = outcomes.filter((o) => o === 'took').length;
    assert.equal(took, 1, `round ${round}: ${took} takers took the stale lock:\n${outcomes.join('\n')}`);
    for (const o of outcomes.filter((o) => o !== 'took')) assert.match(o, /^refused .*is in use by process \d+/);
    assert.equal(existsSync(`${image}.lock`), false, 'the winner released it');
    assert.deepEqual(leftovers(image), [], 'no temporary or takeover file is left');
  }
});

test('a stale lock is taken over in-process too, and a live other process holds it', () => {
  const image = join(scratch, 'live.img');
  writeFileSync(`${image}.lock`, `${deadPid()}\n`);
  const release = lockImage(image);
  assert.equal(readFileSync(`${image}.lock`, 'utf8'), `${process.pid}\n`);
  release();
  // The parent of this test process is alive (and not this process).
  writeFileSync(`${image}.lock`, `${process.ppid}\n`);
  assert.throws(() => lockImage(image), new RegExp(`is in use by process ${process.ppid} `));
  assert.equal(readFileSync(`${image}.lock`, 'utf8'), `${process.ppid}\n`);
  rmSync(`${image}.lock`);
});

async function workerTakes(image: string): Promise<string> {
  const code = `
    const { parentPort } = require('node:worker_threads');
    import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(pathToFileURL(LOCK_MODULE).href)}, ${JSON.stringify(pathToFileURL(ROOT).href)})).then(({ lockImage }) => {
      try { const release = lockImage(${JSON.stringify(image)}); release(); parentPort.postMessage('took'); }
      catch (e) { parentPort.postMessage('refused ' + e.message); }
    });`;
  const worker = new Worker(code, { eval: true });
  const answer = await new Promise<string>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  return answer;
}

test('a lock lent to workers may be taken again by a Worker thread (the kernel); one not lent may not', async () => {
  const image = join(scratch, 'lent.img');
  const plain = lockImage(image);
  assert.match(await workerTakes(image), /^refused .*is in use by process/);
  plain();
  const lentRelease = lockImage(image, { lendToWorkers: true });
  assert.equal(await workerTakes(image), 'took');
  assert.equal(readFileSync(`${image}.lock`, 'utf8'), `${process.pid}\n`, "the Worker's release leaves the lender's lock");
  assert.throws(() => lockImage(image), /is in use by process/, 'the main thread still cannot take it twice');
  lentRelease();
  assert.equal(existsSync(`${image}.lock`), false);
});

test('a stale lock whose takeover another taker has begun is not replaced by a second taker', () => {
  const image = join(scratch, 'takeover.img');
  const dead = deadPid();
  writeFileSync(`${image}.lock`, `${dead}\n`);
  const takeover = `${image}.lock.takeover-${statSync(`${image}.lock`).ino}`;
  writeFileSync(takeover, '');
  assert.throws(() => lockImage(image), (error: unknown) => error instanceof ImageLockedError && error.message.includes(`is being taken over by another process (${takeover} exists)`));
  assert.equal(readFileSync(`${image}.lock`, 'utf8'), `${dead}\n`, 'the stale lock was left to the taker that began');
  rmSync(takeover);
  const release = lockImage(image);
  assert.equal(readFileSync(`${image}.lock`, 'utf8'), `${process.pid}\n`);
  release();
  assert.deepEqual(leftovers(image), []);
});
