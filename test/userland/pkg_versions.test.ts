/**
 * pkg's version order (compareVersions, docs/packages.md §4 *Versions*), which decides what
 * `pkg upgrade` installs and what it refuses as a downgrade. Pure code: no OS boot.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareVersions } from '../../src/userland/lib/pkg_sources.ts';

/** Asserts that `versions` are in strictly increasing order, every pair both ways. */
function assertAscending(versions: string[]): void {
  for (let i = 0; i < versions.length; i++) {
    for (let j = 0; j < versions.length; j++) {
      const expected = Math.sign(i - j);
      assert.equal(compareVersions(versions[i]!, versions[j]!), expected, `${versions[i]} vs ${versions[j]}: expected ${expected}`);
    }
  }
}

test('dotted numbers compare as numbers, and the shorter of two equal prefixes is older', () => {
  assertAscending(['0.9', '0.10', '1.0', '1.0.1', '1.2', '1.10', '2']);
});

test('a prerelease sorts before its release, and prereleases compare by identifier', () => {
  assertAscending(['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0']);
  assertAscending(['2.0-rc1', '2.0-rc2', '2.0', '2.0.1-rc1', '2.0.1']);
});

test('numeric components of any length compare exactly, leading zeros aside', () => {
  const huge = '9'.repeat(400);
  assertAscending([`1.${huge}`, `1.1${'0'.repeat(400)}`, '2']);
  // Above 2^53 a Number cannot tell these apart.
  assertAscending(['1.9007199254740992', '1.9007199254740993']);
  assert.equal(compareVersions('1.007', '1.7'), 0);
  assert.equal(compareVersions(`1.0${huge}`, `1.${huge}`), 0);
  assert.equal(compareVersions('1.0.0', '1.0.0'), 0);
});
