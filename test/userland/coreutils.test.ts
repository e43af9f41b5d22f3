/**
 * The coreutils, run as real processes on the booted OS. Each test boots once and runs several
 * commands joined by `;`, then checks the exact output a user would see.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { ROOT, redox, runInOs } from '../helpers.ts';

/**
 * Runs the commands in one boot. The OS has one console for both streams, so each command's
 * stderr is appended to a file (pipelines and background jobs excepted) and printed after a
 * marker at the end: the result separates what went to stdout from the error messages.
 */
function run(commands: string[]): { stdout: string; stderr: string } {
  const wrapped = commands.map((c) => (c.includes('|') || c.endsWith('&') ? c : `${c} 2>>/tmp/.err`));
  const result = runInOs(['touch /tmp/.err', ...wrapped, 'echo @@STDERR@@', 'cat /tmp/.err'].join('; '));
  assert.equal(result.status, 0, `status\n${result.stdout}${result.stderr}`);
  const [stdout, stderr] = result.stdout.split('@@STDERR@@\n') as [string, string];
  return { stdout, stderr };
}

test('args: --help prints usage and exits 0; an unknown option exits 2 with a message', () => {
  const { stdout, stderr } = run(['head --help', 'echo s=$?', 'wc -z', 'echo s=$?', 'ls --bogus', 'echo s=$?', 'head -n', 'echo s=$?']);
  assert.match(stdout, /^usage: head \[OPTION\]\.\.\. \[FILE\]\.\.\.\nPrint the first 10 lines/);
  assert.match(stdout, /-n, --lines NUM {2}print the first NUM lines/);
  assert.deepEqual(stdout.match(/s=\d/g), ['s=0', 's=2', 's=2', 's=2']);
  assert.match(stderr, /wc: invalid option -- 'z'\nTry 'wc --help' for more information\./);
  assert.match(stderr, /ls: unrecognized option '--bogus'/);
  assert.match(stderr, /head: option requires an argument -- 'n'/);
});

const PROGRAMS = ('basename cat chmod chown clear cp cut date diff dirname dmesg du env find free grep head hexdump id kill less ' +
  'ln ls mkdir mv printf ps pwd readlink rm rmdir sed seq sleep sort stat tail tee touch tr uname uniq uptime wc which whoami ' +
  'xargs yes tac paste realpath mktemp cmp timeout nl rev tty od comm').split(' ');

test('every coreutil answers --help with its usage line and status 0', () => {
  const { stdout } = run([...PROGRAMS.map((p) => `/bin/${p} --help >> /tmp/help; echo ${p}=$?`), 'cat /tmp/help']);
  for (const program of PROGRAMS) {
    assert.match(stdout, new RegExp(`^${program}=0$`, 'm'), program);
    assert.match(stdout, new RegExp(`^usage: ${program}( .*)?\\n\\S`, 'm'), program);
  }
});

test('seq, wc, head, tail, cat, yes: the text pipeline basics', () => {
  const { stdout } = run([
    'seq 1 5 | wc -l', 'seq 3', 'seq 2 2 8 | head -n 2', 'seq 10 | tail -3', 'seq -w 8 10', 'seq 1 0.5 2', 'seq -s , 4',
    'seq 20 | head -3', 'seq 5 | tail -n +4', 'yes | head -2', 'yes ab c | head -n 1', 'seq 3 | cat -n', 'seq 100 | wc',
    'seq 5 | wc -w -c', 'seq 20 | head -c 5', 'echo',
  ]);
  assert.equal(stdout, [
    '5', '1', '2', '3', '2', '4', '8', '9', '10', '08', '09', '10', '1.0', '1.5', '2.0', '1,2,3,4', '1', '2', '3', '4', '5',
    'y', 'y', 'ab c', '     1\t1', '     2\t2', '     3\t3', '    100     100     292', '      5      10',
    '1\n2\n3', '',
  ].join('\n'));
});

test('cat, head, wc, grep report missing files as NAME: PATH: reason', () => {
  const { stdout, stderr } = run(['cat /nope', 'echo s=$?', 'wc /nope /scheme/sys/uname', 'echo s=$?', 'cat /bin', 'echo s=$?',
    'grep x /nope', 'echo s=$?', 'ls /nope', 'echo s=$?']);
  assert.match(stderr, /^cat: \/nope: No such file or directory$/m);
  assert.match(stderr, /^wc: \/nope: No such file or directory$/m);
  assert.match(stderr, /^cat: \/bin: Is a directory$/m);
  assert.match(stderr, /^grep: \/nope: No such file or directory$/m);
  assert.match(stderr, /^ls: cannot access '\/nope': No such file or directory$/m);
  assert.match(stdout, /^ +5 +6 +\d+ \/scheme\/sys\/uname$/m);
  assert.deepEqual(stdout.match(/s=\d/g), ['s=1', 's=1', 's=1', 's=2', 's=2']);
});

test('output that cannot be written at exit is a write error and status 1, not a crash', () => {
  const { stdout, stderr } = run(['seq 3 >&-', 'echo s=$?', 'seq 3 >&- || echo failed']);
  assert.match(stderr, /^seq: write error: Bad file descriptor$/m);
  assert.doesNotMatch(stderr, /uncaught|exception/);
  assert.match(stdout, /^s=1$/m);
  assert.match(stdout, /^failed$/m);
});

test('ls lists, long-lists with modes and symlink targets, recurses', () => {
  const { stdout } = run([
    'mkdir -p /tmp/d/sub', 'echo hello > /tmp/d/file', 'ln -s file /tmp/d/link', 'touch /tmp/d/.hidden', 'chmod 640 /tmp/d/file',
    'ls -1 /tmp/d', 'echo --', 'ls -a /tmp/d | cat', 'echo --', 'ls -l /tmp/d', 'echo --', 'ls -R /tmp/d | cat', 'echo --',
    'ls -d -1 /tmp/d /bin', 'ls -lh /bin/ls',
  ]);
  const [plain, all, long, recursive, rest] = stdout.split('--\n');
  assert.equal(plain, 'file\nlink\nsub\n');
  assert.equal(all, '.\n..\n.hidden\nfile\nlink\nsub\n');
  const lines = long!.trimEnd().split('\n');
  assert.match(lines[0]!, /^total \d+$/);
  assert.match(lines[1]!, /^-rw-r----- 1 root root 6 \w{3} [ \d]\d \d\d:\d\d file$/);
  assert.match(lines[2]!, /^lrwxrwxrwx 1 root root 4 .* link -> file$/);
  assert.match(lines[3]!, /^drwxr-xr-x \d+ root root +\d+ .* sub$/);
  assert.equal(recursive, '/tmp/d:\nfile\nlink\nsub\n\n/tmp/d/sub:\n');
  assert.match(rest!, /^\/bin\n\/tmp\/d\n-rwxr-xr-x 1 root root \d+(\.\d)?K .* \/bin\/ls\n$/);
});

test('ls sorts by time, size and in reverse, and classifies; cp -n -v', () => {
  const { stdout } = run([
    'mkdir -p /tmp/o/d', 'echo 1 > /tmp/o/a', 'seq 100 > /tmp/o/b', 'sleep 0.01', 'echo hi > /tmp/o/c', 'chmod +x /tmp/o/c', 'ln -s a /tmp/o/s',
    'cd /tmp/o', 'ls -1r', 'echo --', 'ls -1t', 'echo --', 'ls -1S', 'echo --', 'ls -F | cat', 'echo --', 'cp -n a b', 'head -1 b', 'cp -v a b', 'cat b',
  ]);
  assert.equal(stdout, ['s', 'd', 'c', 'b', 'a', '--', 's', 'c', 'b', 'a', 'd', '--', 'b', 'c', 'a', 's', 'd', '--',
    'a', 'b', 'c*', 'd/', 's@', '--', '1', "'a' -> 'b'", '1', ''].join('\n'));
});

test('mkdir -p, rmdir, rm -r -f, touch, mv, cp -r -p on the writable root', () => {
  const { stdout, stderr } = run([
    'mkdir /tmp/cu', 'mkdir -p /tmp/cu/a/b/c', 'mkdir -p /tmp/cu/a/b/c', 'echo s=$?', 'mkdir /tmp/cu/a', 'echo s=$?', 'rmdir /tmp/cu/a', 'echo s=$?',
    'touch /tmp/cu/a/t', 'echo data > /tmp/cu/a/b/f', 'chmod 600 /tmp/cu/a/b/f', 'cp /tmp/cu/a/b/f /tmp/cu/a/g', 'cat /tmp/cu/a/g',
    'cp -r /tmp/cu/a /tmp/cu/copy', 'ls -R /tmp/cu/copy | cat', 'cp -p /tmp/cu/a/b/f /tmp/cu/p', 'stat -c %a /tmp/cu/p /tmp/cu/a/g',
    'cp /tmp/cu/a /tmp/cu/x', 'echo s=$?', 'mv /tmp/cu/copy /tmp/cu/moved', 'ls -1 /tmp/cu/moved', 'mv /tmp/cu/p /tmp/cu/a/g /tmp/cu/moved/b', 'ls -1 /tmp/cu/moved/b',
    'rm /tmp/cu/moved', 'echo s=$?', 'rm -r /tmp/cu/moved', 'ls -1 /tmp/cu', 'rm -f /tmp/cu/none', 'echo s=$?', 'rm /tmp/cu/none', 'echo s=$?',
    'rmdir -p /tmp/cu/a/b/c', 'echo s=$?',
  ]);
  assert.equal(stdout, [
    's=0', 's=1', 's=1', 'data', '/tmp/cu/copy:', 'b', 'g', 't', '', '/tmp/cu/copy/b:', 'c', 'f', '', '/tmp/cu/copy/b/c:', '600', '600',
    's=1', 'b', 'g', 't', 'c', 'f', 'g', 'p', 's=1', 'a', 's=0', 's=1', 's=1', '',
  ].join('\n'));
  assert.match(stderr, /mkdir: cannot create directory '\/tmp\/cu\/a': File exists/);
  assert.match(stderr, /rmdir: failed to remove '\/tmp\/cu\/a': Directory not empty/);
  assert.match(stderr, /cp: -r not specified; omitting directory '\/tmp\/cu\/a'/);
  assert.match(stderr, /rm: cannot remove '\/tmp\/cu\/moved': Is a directory/);
  assert.match(stderr, /rm: cannot remove '\/tmp\/cu\/none': No such file or directory/);
});

test('ln, readlink, stat, chmod (octal and symbolic), chown', () => {
  const { stdout } = run([
    'echo x > /tmp/f', 'ln -s f /tmp/l', 'ln /tmp/f /tmp/h', 'readlink /tmp/l', 'readlink -f /tmp/l', 'readlink /tmp/f', 'echo s=$?',
    'stat -c "%n %s %h %F %A" /tmp/f /tmp/l /tmp', 'chmod 751 /tmp/f', 'stat -c %a /tmp/f', 'chmod u-x,o+w /tmp/f', 'stat -c %A /tmp/f',
    'chmod -x /tmp/f', 'stat -c %A /tmp/f', 'chown 12:34 /tmp/f', 'stat -c %u:%g /tmp/f', 'chown 7 /tmp/f', 'stat -c %u:%g /tmp/f',
    'stat /tmp/f | head -2',
  ]);
  assert.equal(stdout.split('\n').slice(0, 12).join('\n').replace(/^\/tmp \d+ \d+ /m, '/tmp N N '), [
    'f', '/tmp/f', 's=1', '/tmp/f 2 2 regular file -rw-r--r--', '/tmp/l 1 1 symbolic link lrwxrwxrwx', '/tmp N N directory drwxrwxrwt',
    '751', '-rw-r-x-wx', '-rw-r---w-', '12:34', '7:34', '  File: /tmp/f',
  ].join('\n'));
  assert.match(stdout, /  Size: 2 +Blocks: \d+ +IO Block: \d+ +regular file\n$/);
});

test('grep -i -v -n -c -l -r -E, basic and extended patterns', () => {
  const { stdout } = run([
    'mkdir -p /tmp/g/d', 'printf "apple\\nBanana\\ncherry\\n" > /tmp/g/a', 'printf "banana split\\n" > /tmp/g/d/b',
    'grep an /tmp/g/a', 'grep -i an /tmp/g/a', 'grep -v an /tmp/g/a', 'grep -n e /tmp/g/a', 'grep -c a /tmp/g/a',
    'grep -l -i banana /tmp/g/a /tmp/g/d/b', 'grep -r split /tmp/g', 'grep -E "^(apple|cherry)$" /tmp/g/a',
    'grep "apple|cherry" /tmp/g/a', 'echo s=$?', 'grep "apple\\|cherry" /tmp/g/a', 'grep -x -F "app" /tmp/g/a', 'echo s=$?',
  ]);
  assert.equal(stdout, [
    'Banana', 'Banana', 'apple', 'cherry', '1:apple', '3:cherry', '2', '/tmp/g/a', '/tmp/g/d/b', '/tmp/g/d/b:banana split',
    'apple', 'cherry', 's=1', 'apple', 'cherry', 's=1', '',
  ].join('\n'));
});

test('sort -n -r -u -k -t, uniq -c -d -u, cut -d -f -c, tr sets ranges -d -s -c', () => {
  const { stdout } = run([
    'printf "c\\nb\\na\\nb\\n" | sort', 'printf "10\\n9\\n100\\n" | sort -n', 'printf "10\\n9\\n100\\n" | sort -rn',
    'printf "b\\na\\nb\\n" | sort -u', 'printf "x 3\\ny 1\\nz 2\\n" | sort -k2', 'printf "a:3\\nb:1\\n" | sort -t: -k2 -n',
    'printf "a\\na\\nb\\nc\\nc\\nc\\n" | uniq -c', 'printf "a\\na\\nb\\n" | uniq -d', 'printf "a\\na\\nb\\n" | uniq -u',
    'echo a:b:c:d | cut -d: -f2,4', 'echo a:b:c:d | cut -d: -f3-', 'echo hello | cut -c1-3', 'printf "a\\tb\\n" | cut -f2',
    'echo b a | tr a-z A-Z', 'echo hello world | tr -d lo', 'echo aaabbbccc | tr -s ab', 'echo "a  b" | tr -s " " "\\n"',
    'echo hello1 | tr -c "[:alpha:]\\n" _', 'echo abc | tr abc xy',
  ]);
  assert.equal(stdout, [
    'a', 'b', 'b', 'c', '9', '10', '100', '100', '10', '9', 'a', 'b', 'y 1', 'z 2', 'x 3', 'b:1', 'a:3',
    '      2 a', '      1 b', '      3 c', 'a', 'b', 'b:d', 'c:d', 'hel', 'b', 'B A', 'he wrd', 'abccc', 'a', 'b', 'hello_', 'xyy', '',
  ].join('\n'));
});

test('printf formats, escapes and reuses its format', () => {
  const { stdout, stderr } = run([
    "printf '%s-%d\\n' a 1 b 2 c", "printf '%5s|%-5s|%05d|%x|%X|%o|%c|%%\\n' ab cd 42 255 255 8 hello",
    "printf '%.2f %+d %3.1s|\\n' 3.14159 5 xyz", "printf '%b\\n' 'a\\tb'", "printf '\\101\\x42\\n'", "printf 'once\\n' extra",
    "printf '%d\\n' abc", 'echo s=$?',
  ]);
  assert.equal(stdout, 'a-1\nb-2\nc-0\n   ab|cd   |00042|ff|FF|10|h|%\n3.14 +5   x|\na\tb\nAB\nonce\n0\ns=1\n');
  assert.match(stderr, /printf: 'abc': expected a numeric value/);
});

test('tee, hexdump -C, basename, dirname, true, false', () => {
  const { stdout } = run([
    'seq 3 | tee /tmp/t | wc -l', 'cat /tmp/t', 'echo 4 | tee -a /tmp/t > /tmp/u', 'cat /tmp/t /tmp/u',
    'echo hello world | hexdump -C', 'echo hello | hexdump', 'basename /a/b/c.ts .ts', 'basename /a/b/', 'basename -s .c x.c y.c',
    'dirname /a/b/c', 'dirname c', 'dirname /', 'true', 'echo s=$?', 'false', 'echo s=$?',
  ]);
  assert.equal(stdout, [
    '3', '1', '2', '3', '1', '2', '3', '4', '4',
    '00000000  68 65 6c 6c 6f 20 77 6f  72 6c 64 0a              |hello world.|', '0000000c',
    '0000000 6568 6c6c 0a6f                         ', '0000006', 'c', 'b', 'x', 'y', '/a/b', '.', '/', 's=0', 's=1', '',
  ].join('\n'));
});

test('ps, kill, sleep, env, which: processes and the environment', () => {
  const { stdout, stderr } = run([
    'ps', 'sleep 30 &', 'ps | grep -c "[RS] *sleep 30$"', 'kill $!', 'wait', 'ps | grep -c "[RS] *sleep 30$"', 'kill -l 9 TERM 143', 'kill -s TERM 9999',
    'echo s=$?', 'kill -BOGUS 1', 'echo s=$?', 'sleep 0.05', 'sleep x', 'echo s=$?', 'env -i A=1 B=2', 'env -i X=5 env', 'env -u PATH | grep -c PATH',
    'env nope', 'echo s=$?', 'which ls sh', 'which nope', 'echo s=$?',
  ]);
  const lines = stdout.split('\n');
  assert.match(lines[0]!, /^ *PID +PPID STAT CMD$/);
  assert.match(stdout, /^ +1 +0 R +init /m);
  assert.match(stdout, /^ +\d+ +\d+ R +ps$/m);
  const after = stdout.slice(stdout.lastIndexOf(' ps\n') + 4);
  assert.equal(after, ['1', '0', 'KILL', '15', 'TERM', 's=1', 's=2', 's=2', 'A=1', 'B=2', 'X=5', '0', 's=127', '/bin/ls', '/bin/sh', 's=1', ''].join('\n'));
  assert.match(stderr, /kill: \(9999\): No such process/);
  assert.match(stderr, /kill: invalid signal: BOGUS/);
  assert.match(stderr, /sleep: invalid time interval 'x'/);
  assert.match(stderr, /env: 'nope': No such file or directory/);
});

test('uname, whoami, id, date, uptime, free, dmesg, clear read the system', () => {
  const { stdout } = run([
    'uname', 'uname -a', 'uname -r', 'whoami', 'id', 'id -u', 'date -d @0', 'date -d @86400 +%F_%T_%j', 'date +%Y | wc -c',
    'uptime', 'uptime -p', 'free', 'dmesg | grep -c "^\\[[0-9.]*\\] scheme sys registered"', 'clear | hexdump -C | head -1',
  ]);
  const lines = stdout.split('\n');
  assert.equal(lines[0], 'redox-ts');
  assert.match(lines[1]!, /^redox-ts redox \d+\.\d+\.\d+ #1 \S+ js Redox$/);
  assert.match(lines[2]!, /^\d+\.\d+\.\d+$/);
  assert.deepEqual(lines.slice(3, 9), ['root', 'uid=0(root) gid=0(root) groups=0(root)', '0', 'Thu Jan  1 00:00:00 UTC 1970', '1970-01-02_00:00:00_002', '5']);
  assert.match(lines[9]!, /^ \d\d:\d\d:\d\d up 0 min, +\d+ processes$/);
  assert.equal(lines[10], 'up 0 minutes');
  assert.match(stdout, /^Processes: +\d+\nDefault limit \(MiB\): +\d+\n/m);
  assert.match(stdout, /\n1\n00000000  1b 5b 48 1b 5b 32 4a 1b  5b 33 4a +\|\.\[H\.\[2J\.\[3J\|\n$/);
});

test('find tests, operators and actions; xargs builds command lines', () => {
  const { stdout, stderr } = run([
    'mkdir -p /tmp/f/a/b', 'touch /tmp/f/x.txt /tmp/f/a/y.txt /tmp/f/a/b/z.md', 'echo -- 1', 'find /tmp/f', 'echo -- 2',
    'find /tmp/f -name "*.txt"', 'echo -- 3', 'find /tmp/f -type d -maxdepth 1', 'echo -- 4', 'find /tmp/f -name "*.md" -o -name "x*"',
    'echo -- 5', 'find /tmp/f ! -type d -exec echo got {} ";"', 'find /tmp/f -type f -exec echo all {} +', 'echo -- 6',
    'cd /tmp/f', 'find . -name "y*"', 'find /tmp/f -name "*.md" -delete', 'find /tmp/f -name "*.md" | wc -l', 'find /tmp/f -bogus',
    'echo s=$?', 'echo -- 7', 'echo a b c | xargs -n 2 echo X', 'printf "1\\n2\\n" | xargs -I % echo item-%', 'find /tmp/f -type f | xargs echo',
    'echo | xargs -r echo never', 'echo a | xargs nope', 'echo s=$?',
  ]);
  assert.equal(stdout, [
    '-- 1', '/tmp/f', '/tmp/f/a', '/tmp/f/a/b', '/tmp/f/a/b/z.md', '/tmp/f/a/y.txt', '/tmp/f/x.txt',
    '-- 2', '/tmp/f/a/y.txt', '/tmp/f/x.txt', '-- 3', '/tmp/f', '/tmp/f/a', '-- 4', '/tmp/f/a/b/z.md', '/tmp/f/x.txt',
    '-- 5', 'got /tmp/f/a/b/z.md', 'got /tmp/f/a/y.txt', 'got /tmp/f/x.txt', 'all /tmp/f/a/b/z.md /tmp/f/a/y.txt /tmp/f/x.txt',
    '-- 6', './a/y.txt', '0', 's=2', '-- 7', 'X a b', 'X c', 'item-1', 'item-2', '/tmp/f/a/y.txt /tmp/f/x.txt',
    // A pipeline's stderr shares the console with its stdout.
    'xargs: nope: No such file or directory', 's=127', '',
  ].join('\n'));
  assert.match(stderr, /find: unknown predicate '-bogus'/);
});

test('sed addresses, s///, d, p, q, a/i/c, y, N, blocks and -i', () => {
  const { stdout } = run([
    'seq 5 | sed -n 2p', 'seq 5 | sed 2,4d', 'echo aaa | sed s/a/b/g', 'echo aaa | sed s/a/b/2',
    "echo 'hello world' | sed 's/\\(hello\\) \\(world\\)/\\2 \\1/'", "echo 'hello world' | sed -E 's/(\\w+) (\\w+)/[\\2] [&]/'",
    "seq 10 | sed -n '/3/,/5/p'", "seq 3 | sed '$d'", 'seq 4 | sed 2q', "seq 2 | sed '1i before'", "seq 3 | sed '2c changed'",
    'echo abc | sed y/abc/xyz/', "seq 6 | sed -n '2,4!p'", "seq 4 | sed 'N;s/\\n/+/'", "seq 5 | sed -n '/2/{p;p}'",
    "printf 'x\\ny\\n' > /tmp/s", "sed -i 's/x/X/' /tmp/s", 'cat /tmp/s', "echo 'a|b' | sed 's/a|b/bar/'",
  ]);
  assert.equal(stdout, [
    '2', '1', '5', 'bbb', 'aba', 'world hello', '[world] [hello world]', '3', '4', '5', '1', '2', '1', '2', 'before', '1', '2',
    '1', 'changed', '3', 'xyz', '1', '5', '6', '1+2', '3+4', '2', '2', 'X', 'y', 'bar', '',
  ].join('\n'));
});

test('diff normal and unified output match GNU diff; du sums; pwd; tail -f follows', () => {
  const { stdout } = run([
    "printf 'a\\nb\\nc\\nd\\ne\\n' > /tmp/1", "printf 'a\\nB\\nc\\ne\\nf\\n' > /tmp/2", 'diff /tmp/1 /tmp/2', 'echo s=$?',
    'diff -u /tmp/1 /tmp/2 | tail -n +3', 'diff /tmp/1 /tmp/1', 'echo s=$?', 'diff -q /tmp/1 /tmp/2', 'diff /tmp/1 /nope', 'echo s=$?',
    'mkdir -p /tmp/du/sub', 'seq 1000 > /tmp/du/sub/f', 'du -b /tmp/du/sub/f', 'du -s -b /tmp/du | cut -f2', 'du /tmp/du | cut -f2',
    'cd /tmp/du', 'pwd', 'echo one > /tmp/x', 'tail -f /tmp/x &', 'sleep 0.3', 'echo two >> /tmp/x', 'sleep 0.5', 'kill $!', 'wait',
  ]);
  assert.equal(stdout, [
    '2c2', '< b', '---', '> B', '4d3', '< d', '5a5', '> f', 's=1', '@@ -1,5 +1,5 @@', ' a', '-b', '+B', ' c', '-d', ' e', '+f',
    's=0', 'Files /tmp/1 and /tmp/2 differ', 's=2', '3893\t/tmp/du/sub/f', '/tmp/du', '/tmp/du/sub', '/tmp/du', '/tmp/du',
    'one', 'two', '',
  ].join('\n'));
});

test('less pages on the terminal (commands from the console) and copies through a pipe', () => {
  // Booted from the bare initfs: input piped to a disk boot is dropped while the disk opens (reported).
  const paged = redox(['run', join(ROOT, 'dist/initfs.img'), '-c', 'seq 100 | less'], { input: '\n/50\nq\n', timeoutMs: 15_000 });
  assert.equal(paged.status, 0);
  const pages = paged.stdout.split('\x1b[H\x1b[2J').slice(1);
  assert.equal(pages.length, 3);
  assert.equal(pages[0], Array.from({ length: 23 }, (_, i) => `${i + 1}\n`).join('') + ':');
  assert.match(pages[1]!, /^24\n25\n[\s\S]*\n46\n:$/);
  assert.match(pages[2]!, /^50\n51\n[\s\S]*\n72\n:\n$/);
  const piped = runInOs('seq 3 | less -N | cat');
  assert.equal(piped.stdout, '      1 1\n      2 2\n      3 3\n');
});

test('test and [ evaluate strings, integers, files and connectives', () => {
  const { stdout, stderr } = run([
    'test 1 -eq 1', 'echo s=$?', '[ a = b ]', 'echo s=$?', '[ -d /bin ]', 'echo s=$?', '[ -f /bin ]', 'echo s=$?', '[ ! -e /nope ]',
    'echo s=$?', 'test -n ""', 'echo s=$?', 'test -z ""', 'echo s=$?', '[ 2 -gt 1 -a 3 -lt 4 ]', 'echo s=$?', '[ 1 -gt 2 -o b != c ]',
    'echo s=$?', '[ ]', 'echo s=$?', '[ a', 'echo s=$?', 'test abc -eq 1', 'echo s=$?', 'test -x /bin/ls', 'echo s=$?',
    '[ "(" a = a ")" ]', 'echo s=$?', 'test -n', 'echo s=$?',
  ]);
  assert.equal(stdout, ['s=0', 's=1', 's=0', 's=1', 's=0', 's=1', 's=0', 's=0', 's=0', 's=1', 's=2', 's=2', 's=0', 's=0', 's=0', ''].join('\n'));
  assert.match(stderr, /\[: missing '\]'/);
  assert.match(stderr, /test: abc: integer expression expected/);
});

test('tac, paste, and cat -A -s -b -E show and number lines as GNU does', () => {
  const { stdout } = run([
    'seq 3 | tac', 'seq 4 | paste -sd+', 'printf "a\\nb\\n" > /tmp/p1', 'printf "1\\n2\\n3\\n" > /tmp/p2', 'paste /tmp/p1 /tmp/p2',
    'paste -d, /tmp/p1 /tmp/p2', 'printf "a\\tb\\n\\nc\\001\\n" | cat -A', 'printf "a\\n\\n\\n\\nb\\n" | cat -sn',
    'printf "x\\n\\ny\\n" | cat -b', 'printf "e\\n" | cat -E',
  ]);
  assert.equal(stdout, [
    '3', '2', '1', '1+2+3+4', 'a\t1', 'b\t2', '\t3', 'a,1', 'b,2', ',3', 'a^Ib$', '$', 'c^A$', '     1\ta', '     2\t', '     3\tb',
    '     1\tx', '', '     2\ty', 'e$', '',
  ].join('\n'));
});

test('mktemp creates unique files and directories; tty names the console', () => {
  const { stdout } = run([
    'mktemp > /tmp/name1', 'mktemp > /tmp/name2', 'cat /tmp/name1 /tmp/name2', 'cat /tmp/name1 | xargs test -f', 'echo f=$?',
    'mktemp -d /tmp/dirXXXX | xargs test -d', 'echo d=$?', 'mktemp /tmp/xx', 'echo s=$?', 'tty', 'seq 1 | tty', 'echo s=$?',
  ]);
  const lines = stdout.split('\n');
  assert.match(lines[0]!, /^\/tmp\/tmp\.[A-Za-z0-9]{10}$/);
  assert.match(lines[1]!, /^\/tmp\/tmp\.[A-Za-z0-9]{10}$/);
  assert.notEqual(lines[0], lines[1]);
  assert.deepEqual(lines.slice(2), ['f=0', 'd=0', 's=2', '/scheme/debug', 'not a tty', 's=1', '']);
});

test('cp -r refuses to copy a directory into itself, however the destination is spelled', () => {
  const { stdout, stderr } = run([
    'cd /tmp', 'mkdir d', 'echo x > d/f', 'cp -r d d/x', 'echo s=$?', 'cp -r /tmp/d d/x', 'echo s=$?', 'cp -r d/ /tmp/./d/y/', 'echo s=$?',
    'ls d', 'cp -r /tmp/d e', 'echo s=$?', 'ls e', 'cat e/f', 'echo alive',
  ]);
  assert.equal(stdout, ['s=1', 's=1', 's=1', 'f', 's=0', 'f', 'x', 'alive', ''].join('\n'));
  assert.equal(stderr, [
    "cp: cannot copy a directory, 'd', into itself, 'd/x'",
    "cp: cannot copy a directory, '/tmp/d', into itself, 'd/x'",
    "cp: cannot copy a directory, 'd/', into itself, '/tmp/./d/y/'",
    '',
  ].join('\n'));
});

test('pgrep and pkill report an invalid pattern with status 2', () => {
  const { stdout, stderr } = run(['pgrep "("', 'echo s=$?', 'pkill "("', 'echo s=$?', 'pgrep -f "a["', 'echo s=$?']);
  assert.equal(stdout, ['s=2', 's=2', 's=2', ''].join('\n'));
  assert.equal(stderr, [
    "pgrep: invalid pattern '(': Unterminated group",
    "pkill: invalid pattern '(': Unterminated group",
    "pgrep: invalid pattern 'a[': Unterminated character class",
    '',
  ].join('\n'));
});
