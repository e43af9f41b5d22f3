/** The shell's line editor on raw key bytes, without a terminal (src/userland/lib/line_editor.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineEditor } from '../../src/userland/lib/line_editor.ts';

const lines = (e: LineEditor, keys: string): string[] =>
  e.feed(keys).flatMap((ev) => (ev.kind === 'line' ? [ev.line] : [`<${ev.kind}>`]));

test('editing keys: insert, backspace, arrows, home/end, kill, word erase, delete', () => {
  const e = new LineEditor();
  e.start('$ ');
  assert.deepEqual(lines(e, 'echo helo\x1b[D\x1b[Dl\r'), ['echo hello']);
  assert.deepEqual(lines(e, 'abc\x7f\x7fX\r'), ['aX']);
  assert.deepEqual(lines(e, 'world\x01hello \x05!\r'), ['hello world!']);
  assert.deepEqual(lines(e, 'one two three\x17\x17four\r'), ['one four']);
  assert.deepEqual(lines(e, 'abcdef\x1b[D\x1b[D\x0b\r'), ['abcd']);
  assert.deepEqual(lines(e, 'abcdef\x1b[D\x1b[D\x15\r'), ['ef']);
  assert.deepEqual(lines(e, 'abc\x1b[H\x1b[3~\r'), ['bc']);
  assert.deepEqual(lines(e, 'x\x03'), ['<interrupt>']);
  assert.deepEqual(lines(e, '\x04'), ['<eof>']);
  assert.deepEqual(lines(e, 'ab\x02\x04\r'), ['a']);
});

test('history: up and down walk it, the line being typed comes back', () => {
  const e = new LineEditor(['first', 'second']);
  e.start('$ ');
  assert.deepEqual(lines(e, '\x1b[A\r'), ['second']);
  e.remember('second');
  e.start('$ ');
  assert.deepEqual(lines(e, '\x1b[A\x1b[A\x1b[A\r'), ['first']);
  e.start('$ ');
  assert.deepEqual(lines(e, 'draft\x1b[A\x1b[B\r'), ['draft']);
  e.remember('third');
  e.remember('third');
  e.remember('  ');
  assert.deepEqual(e.history, ['first', 'second', 'third']);
});

test('tab completes a single candidate, a common prefix, and lists on the second tab', () => {
  const words = ['/bin/cat', '/bin/cut', '/bin/sed', '/tmp/'];
  const e = new LineEditor([], (line, cursor) => {
    const start = line.lastIndexOf(' ', cursor - 1) + 1;
    const prefix = line.slice(start, cursor);
    return { start, candidates: words.filter((w) => w.startsWith(prefix)) };
  });
  e.start('$ ');
  assert.deepEqual(lines(e, 'ls /bin/s\t\r'), ['ls /bin/sed ']);
  assert.deepEqual(lines(e, 'ls /t\tx\r'), ['ls /tmp/x']);
  e.takeOutput();
  assert.deepEqual(lines(e, 'ls /b\t'), []);
  assert.match(e.takeOutput(), /ls \/bin\/\x1b\[K$/);
  lines(e, '\t');
  assert.match(e.takeOutput(), /\/bin\/cat {2}\/bin\/cut {2}\/bin\/sed/);
  assert.deepEqual(lines(e, 'ca\t\r'), ['ls /bin/cat ']);
});

test('output: the prompt, echo, and redraws with the cursor put back', () => {
  const e = new LineEditor();
  e.start('> ');
  e.feed('ab');
  assert.equal(e.takeOutput(), '> ab');
  e.feed('\x1b[DX');
  assert.equal(e.takeOutput(), '\x1b[1D\r> aXb\x1b[K\x1b[1D');
});
