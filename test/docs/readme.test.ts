/**
 * The README against the code: the configuration reference between the config-reference markers is exactly
 * what scripts/config-reference.ts generates from `ShoalConfig`'s JSDoc, so every key of `DEFAULT_CONFIG`
 * is there with its default and unit (after changing config.ts: `npm run docs:config`); every event of
 * `ShoalEvents` has a row in the events table and every field of `ShoalStats` is named.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONFIG } from '../../packages/core/src/config';
import { interfaceBody } from '../../scripts/config-docs';
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

/** The member names of `export interface <name>` in a core source file: `'peer:connected'`, `httpBytes`, … */
function interfaceMembers(file: string, name: string): string[] {
  const body = interfaceBody(fileURLToPath(new URL(`../../packages/core/src/${file}`, import.meta.url)), name);
  return [...body.matchAll(/^ {2}'?([\w:-]+)'?\??:/gm)].map((match) => match[1]!);
}

test('every ShoalEvents event has a row in the README events table', () => {
  const events = interfaceMembers('events.ts', 'ShoalEvents');
  assert.ok(events.length >= 7, `found the events: ${events.join(', ')}`);
  for (const event of events) assert.ok(readme.includes(`| \`${event}\` |`), `README.md documents ${event}`);
});

test('every ShoalStats field is named in the README', () => {
  const fields = interfaceMembers('engine/transfer-stats.ts', 'ShoalStats');
  assert.ok(fields.length >= 7, `found the fields: ${fields.join(', ')}`);
  for (const field of fields) assert.ok(readme.includes(`\`${field}\``), `README.md names stats().${field}`);
});
