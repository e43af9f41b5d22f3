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
