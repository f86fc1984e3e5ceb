// Structured logs: one JSON object per line, at most one line per event class per interval, the next line
// saying how many were dropped; classes are limited apart. A virtual clock: no waiting.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLog } from '../src/log.js';

test('one JSON line per event class per interval; the next one counts the suppressed', () => {
  const lines: string[] = [];
  let nowMs = 1_000_000;
  const log = createLog((line) => lines.push(line), 10_000, () => nowMs);
  log.write('warn', 'rejected:origin', { ip: '192.0.2.1' });
  for (let i = 0; i < 50; i++) log.write('warn', 'rejected:origin', { ip: '192.0.2.2' });
  log.write('warn', 'rejected:message-rate', { ip: '192.0.2.3' });
  nowMs += 10_000;
  log.write('warn', 'rejected:origin', { ip: '192.0.2.4' });
  const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.deepEqual(parsed.map((l) => [l.event, l.ip, l.suppressed]), [
    ['rejected:origin', '192.0.2.1', undefined],
    ['rejected:message-rate', '192.0.2.3', undefined],
    ['rejected:origin', '192.0.2.4', 50],
  ]);
  assert.equal(parsed[0]!.level, 'warn');
  assert.equal(parsed[0]!.time, new Date(1_000_000).toISOString());
});

test('log: false writes nothing', () => {
  const log = createLog(false, 10_000);
  log.write('info', 'tracker:started');
});
