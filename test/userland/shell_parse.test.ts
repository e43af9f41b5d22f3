/** The shell's parser and arithmetic on the host (no boot): tree shapes, error positions, incomplete input. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arith } from '../../src/userland/lib/shell_arith.ts';
import { Parser, ShellSyntaxError, parse } from '../../src/userland/lib/shell_parse.ts';

function error(source: string): ShellSyntaxError {
  try {
    parse(source);
  } catch (e) {
    if (e instanceof ShellSyntaxError) return e;
    throw e;
  }
  assert.fail(`no syntax error in ${JSON.stringify(source)}`);
}

test('command forms parse into the expected tree', () => {
  const list = parse('a | b && c || ! d; e &');
  assert.equal(list.t, 'list');
  if (list.t !== 'list') return;
  const [first, second] = list.items;
  assert.equal(first!.cmd.t, 'andor');
  assert.equal(second!.bg, true);
  const fn = parse('f() { echo "$1" >&2; }');
  assert.equal(fn.t === 'list' && fn.items[0]!.cmd.t, 'func');
  const c = parse("case $x in a|b) echo 1;; (*) ;; esac");
  assert.equal(c.t === 'list' && c.items[0]!.cmd.t === 'case' && c.items[0]!.cmd.items.length, 2);
  const h = parse('cat <<-EOF\n\tx $y\n\tEOF\n');
  const cmd = h.t === 'list' ? h.items[0]!.cmd : h;
  assert.equal(cmd.t === 'simple' && cmd.redirs[0]!.heredoc!.quoted, false);
});

test('syntax errors carry line and column; unfinished input is marked incomplete', () => {
  const e1 = error('echo a\nfi');
  assert.deepEqual([e1.line, e1.column, e1.incomplete], [2, 1, false]);
  const e2 = error('if true; then\n  echo');
  assert.equal(e2.incomplete, true);
  assert.match(e2.message, /^syntax error at line 2, column 7: unexpected end of input/);
  assert.equal(error("echo 'abc").incomplete, true);
  assert.equal(error('echo $(ls').incomplete, true);
  assert.equal(error('a &&').incomplete, true);
  const e3 = error('echo ) x');
  assert.deepEqual([e3.line, e3.column], [1, 6]);
  assert.match(error('for 1 in a; do :; done').message, /expected a variable name after 'for'/);
  assert.match(error('echo ${a b}').message, /bad substitution/);
});

test('one complete command at a time: aliases defined by a command apply to the next line', () => {
  const aliases = new Map<string, string>();
  const p = new Parser('alias ll="ls -l"\nll x\n', (n) => aliases.get(n));
  const first = p.next();
  assert.equal(first?.t, 'simple');
  aliases.set('ll', 'ls -l');
  const second = p.next();
  assert.equal(second?.t === 'simple' && second.words.length, 3);
  assert.equal(p.next(), null);
  const loop = new Parser('x\n', (n) => (n === 'x' ? 'x y' : undefined)).next();
  assert.equal(loop?.t === 'simple' && loop.words.length, 2);
});

test('arithmetic: precedence, assignment, short-circuit, 64-bit wrap, errors', () => {
  const vars = new Map<string, string>([['x', '5']]);
  const env = { get: (n: string) => vars.get(n), set: (n: string, v: string) => void vars.set(n, v) };
  assert.equal(arith('1 + 2 * 3 - 4 / 2', env), '5');
  assert.equal(arith('x += 2, x * 2', env), '14');
  assert.equal(vars.get('x'), '7');
  assert.equal(arith('0 && (y = 1)', env), '0');
  assert.equal(vars.has('y'), false);
  assert.equal(arith('x > 3 ? 10 : 20', env), '10');
  assert.equal(arith('9223372036854775807 + 1', env), '-9223372036854775808');
  assert.equal(arith('-7 / 2', env), '-3');
  assert.equal(arith('0x1f + 010', env), '39');
  assert.equal(arith('x++ + ++x', env), '16');
  assert.throws(() => arith('1 / 0', env), /division by zero/);
  assert.throws(() => arith('1 +', env), /syntax error/);
});
