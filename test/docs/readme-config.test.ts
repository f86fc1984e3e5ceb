/**
 * The README's configuration reference is the typed config's: the table between the config-reference
 * markers is exactly what scripts/config-reference.ts generates from `ShoalConfig`'s JSDoc, so every key of
 * `DEFAULT_CONFIG` is there with its default and unit. After changing config.ts: `npm run docs:config`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DEFAULT_CONFIG } from '../../packages/core/src/config';
import { README_PATH, readmeWithReference, unitOf } from '../../scripts/config-reference';

const readme = readFileSync(README_PATH, 'utf8');

test('README.md has the configuration reference generated from config.ts (else run `npm run docs:config`)', () => {
  assert.equal(readme, readmeWithReference(readme));
});

test('every ShoalConfig key is a README table row with its unit', () => {
  for (const [key, value] of Object.entries(DEFAULT_CONFIG)) {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${key}\` |`));
    assert.ok(row, `README.md has a row for ${key}`);
    assert.equal(row.split(' | ')[2], unitOf(key, value), `${key}'s unit`);
  }
});
