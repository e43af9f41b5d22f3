import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runInOs } from '../helpers.ts';

test('users: su runs as the account, files carry their creator, /etc/shadow is root-only', () => {
  const result = runInOs("su user -c 'whoami; id; echo hi > /tmp/u; cat /etc/shadow'; ls -l /tmp/u; su user -c 'su -c whoami root' < /scheme/null");
  assert.match(result.stdout, /^user\nuid=1000\(user\) gid=1000\(user\)/);
  assert.match(result.stdout, /cat: \/etc\/shadow: Permission denied/);
  assert.match(result.stdout, /-rw-r--r-- 1 user user 3 .* \/tmp\/u/);
  assert.match(result.stdout, /su: Authentication failure/, 'a user must give root\'s password');
});

test('terminals and the console belong to root and the logged-in user only', () => {
  // Root makes a pty pair (as init does for the console); another user may not read its slave or aim its signals.
  const result = runInOs("cat /scheme/pty > /scheme/null & sleep 0.3; su user -c 'cat /scheme/pty/0; echo 1 > /scheme/pty/0/pgrp; cat /scheme/debug/raw; echo 2 > /scheme/debug/pgrp'; kill $!");
  const denied = result.stdout.match(/Permission denied/g) ?? [];
  assert.equal(denied.length, 4, result.stdout);
});

test("a user's own pty signals only the user's own process groups, never group 1 or root's", () => {
  // ptyd sends a terminal's signals as root: before, a user could point their pty at any group (1 = every process).
  const result = runInOs(
    "su user -c 'exec 3<>/scheme/pty; echo 1 > /scheme/pty/0/pgrp; echo one=$?; echo 2 > /scheme/pty/0/pgrp; echo daemon=$?; " +
      "g=$(grep Pgid /scheme/proc/$$/status | cut -d\" \" -f2); echo $g > /scheme/pty/0/pgrp; echo root-shell=$?; printf \"\\003\" >&3; exec 3>&-'; " +
      'sleep 0.2; pgrep redoxfsd > /scheme/null && echo filesystem-alive',
  );
  assert.match(result.stdout, /write error: Invalid argument\none=1\n/);
  assert.match(result.stdout, /write error: Operation not permitted\ndaemon=1\n/);
  assert.match(result.stdout, /write error: Operation not permitted\nroot-shell=1\n/);
  assert.match(result.stdout, /filesystem-alive\n/);
  assert.doesNotMatch(result.stdout, /init: 10_redoxfs exited/);
  assert.equal(result.status, 0);
});
