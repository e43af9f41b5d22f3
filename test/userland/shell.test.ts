/**
 * The shell inside the booted OS: what the differential test cannot compare with dash (our error
 * messages with line and column, the interactive prompt, large data through pipes and
 * substitutions, stdin offsets shared with children, subshells that run as processes). Each test
 * boots once and runs many checks in one script.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runInOs } from '../helpers.ts';

test('syntax errors name the line and column, and stop a script with status 2', () => {
  const r = runInOs([
    "sh -c 'echo ok; fi' 2>&1; echo st=$?",
    "sh -c 'if true; then echo x' 2>&1; echo st=$?",
    `sh -c 'echo "open' 2>&1; echo st=$?`,
    "printf 'echo one\\necho two\\nwhile true; do\\n  echo x\\n' > /tmp/bad.sh; sh /tmp/bad.sh 2>&1; echo st=$?",
    "printf 'echo a\\necho b |\\n' > /tmp/bad2.sh; sh /tmp/bad2.sh 2>&1; echo st=$?",
    "sh -c 'case x in a) echo;; esac; for' 2>&1; echo st=$?",
    "sh -c 'echo ${x' 2>&1; echo st=$?",
    "sh -c 'a=$(echo (' 2>&1; echo st=$?",
  ].join('\n'));
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, [
    "sh: syntax error at line 1, column 10: unexpected 'fi'", 'st=2',
    "sh: syntax error at line 1, column 21: unexpected end of input (expected 'elif' or 'else' or 'fi' after 'then')", 'st=2',
    'sh: syntax error at line 1, column 6: unterminated double quote', 'st=2',
    'one', 'two', "/tmp/bad.sh: syntax error at line 5, column 1: unexpected end of input (expected 'done' to close 'do')", 'st=2',
    'a', "/tmp/bad2.sh: syntax error at line 3, column 1: unexpected end of input (expected a command after '|')", 'st=2',
    "sh: syntax error at line 1, column 30: unexpected end of input (expected a variable name after 'for')", 'st=2',
    "sh: syntax error at line 1, column 9: unexpected end of input (expected '}' to close '${')", 'st=2',
    "sh: syntax error at line 1, column 10: unexpected '(' (expected ')' to close '$(')", 'st=2',
    '',
  ].join('\n'));
});

test('large data: pipes, substitutions and here-documents do not stall; read leaves the offset for the next reader', () => {
  const r = runInOs([
    'x=$(seq 200000 | sort -rn | head -1); echo "max $x"',
    'y=$(seq 150000); echo "len ${#y}"',
    'z=$(echo start; seq 300000; echo end); echo "mixed ${#z}"',
    'cat <<EOF | wc -l\n$y\nEOF',
    'seq 2000 | { n=0; while read l; do n=$((n+1)); done; echo "lines $n"; }',
    'seq 10 > /tmp/ten; { read a; read b; cat; } < /tmp/ten | tr "\\n" " "; echo',
    '{ read a; sh -c "read b; echo child \\$b"; read c; echo "parent $a $c"; } < /tmp/ten',
    'while read l; do [ $l = 3 ] && break; done < /tmp/ten; echo "stopped at $l"',
  ].join('\n'), { timeoutMs: 120_000 });
  assert.equal(r.stdout, [
    'max 200000', 'len 938894', 'mixed 1988904', '150000', 'lines 2000', '3 4 5 6 7 8 9 10 ', 'child 2', 'parent 1 3', 'stopped at 3', '',
  ].join('\n'));
});

test('subshells: state stays inside, concurrent ones run as processes', () => {
  const r = runInOs([
    'x=outer; (x=inner; cd /tmp; echo "in $x $(pwd)"); echo "out $x $(pwd)"',
    'f() { echo "f $1"; }; g() { while read l; do echo "g<$l>"; done; }; f one | g',
    'f two | g | g',
    'h() { sleep 0.1; echo "bg $1"; }; h a > /tmp/bg.out & h b; wait; cat /tmp/bg.out',
    'n=0; echo x | n=1; echo "n $n"',
    'v=$(exit 3; echo no); echo "subst $? [$v]"',
    'echo "$(f three)" "$(cd /tmp && pwd)" "$(pwd)"',
    'trap "echo parent-exit" EXIT; (echo sub) ; echo main',
  ].join('\n'));
  assert.equal(r.stdout, [
    'in inner /tmp', 'out outer /', 'g<f one>', 'g<g<f two>>', 'bg b', 'bg a', 'n 0', 'subst 3 []', 'f three /tmp /', 'sub', 'main',
    'parent-exit', '',
  ].join('\n'));
});

test('interactive: prompts on stderr, continuation lines, status kept across lines', () => {
  const r = runInOs('sh -i 2>&1', { input: 'echo one\nfor i in a b\ndo echo $i\ndone\nfalse\necho st=$?\nexit 4\n' });
  assert.equal(r.stdout, '# one\n# > > a\nb\n# # st=1\n# ');
  assert.equal(r.status, 4);
});

test('line editor on a pty: tab completes a command, up-arrow recalls, history is saved in $HOME', () => {
  // Drives `sh -i` on the first pty pair (this shell opens the master as fd 3; no other pty exists).
  const r = runInOs([
    'exec 3<>/scheme/pty 2>/dev/null || { echo no-pty; exit 0; }',
    'HOME=/tmp; export HOME; rm -f /tmp/.sh_history',
    'sh -i </scheme/pty/0 >/scheme/pty/0 2>&1 &',
    "sleep 1; printf 'echo hi\\r' >&3",
    "sleep 0.5; printf 'ech\\t there\\r' >&3",
    "sleep 0.5; printf '\\033[A\\033[A\\r' >&3",
    "sleep 0.5; printf 'exit 3\\r' >&3",
    'wait $!; echo "status $?"',
    'timeout 1 cat <&3 | tr -d "\\r" | grep -v "^#" ; cat /tmp/.sh_history',
  ].join('\n'), { timeoutMs: 30_000 });
  if (r.stdout.startsWith('no-pty')) return;
  assert.equal(r.stdout, ['status 3', 'hi', 'there', 'hi', 'echo hi', 'echo  there', 'echo hi', 'exit 3', ''].join('\n'));
});

test('job control on a pty: ^Z stops the foreground job, jobs lists it, fg resumes it', () => {
  const r = runInOs([
    'exec 3<>/scheme/pty 2>/dev/null || { echo no-pty; exit 0; }',
    'sh -i </scheme/pty/0 >/scheme/pty/0 2>&1 &',
    "sleep 1; printf 'sleep 2; echo after-sleep\\r' >&3",
    "sleep 1; printf '\\032' >&3",
    "sleep 0.5; printf 'jobs\\r' >&3",
    "sleep 0.5; printf 'fg\\r' >&3",
    "sleep 3; printf 'jobs; exit 0\\r' >&3",
    'wait $!; echo "status $?"',
    'timeout 1 cat <&3 | tr -d "\\r" | grep -v "^$"',
  ].join('\n'), { timeoutMs: 40_000 });
  if (r.stdout.startsWith('no-pty')) return;
  assert.equal(r.stdout, [
    'status 0', '# sleep 2; echo after-sleep', '^Z', '[1]+  Stopped                 sleep 2; echo after-sleep', 'after-sleep', '# jobs',
    '[1]  Stopped                 sleep 2; echo after-sleep', '# fg', 'sleep 2; echo after-sleep', '# jobs; exit 0',
    '[1]  Done                    sleep 2; echo after-sleep', '',
  ].join('\n'));
});

test('a reversed range in a bracket expression matches nothing, as in dash, and never aborts the shell', () => {
  const script = [
    'case ab in [b-a]*) echo 2;; *) echo 3;; esac',
    'case ab in [!b-a]*) echo 4;; *) echo 5;; esac',
    'case - in [z-a-]) echo 6;; *) echo 7;; esac',
    'x=abc; echo "${x#[c-a]}" "${x%[!c-a]}" "${x#[]a]}"',
    'case "]" in [\\]]) echo 8;; esac',
    'cd /tmp && mkdir -p rr && cd rr && touch a b && echo [b-a] [a-b] [!b-a]',
    'echo st=$?',
  ].join('\n');
  const r = runInOs(script);
  const expected = ['3', '4', '6', 'abc ab bc', '8', '[b-a] a b a b', 'st=0', ''].join('\n');
  assert.equal(r.stdout, expected);
  assert.equal(r.status, 0);
});
