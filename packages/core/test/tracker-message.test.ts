/** `screenTrackerMessage` and `reconnectDelayMs` by table. Pure: network-free (unit tier). */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  MAX_TRACKER_INTERVAL_S,
  MIN_TRACKER_INTERVAL_S,
  RECONNECT_MAX_MS,
  reconnectDelayMs,
  screenTrackerMessage,
} from '../src/tracker/tracker-message';

const ID = 'a'.repeat(20);
const accept = { acceptRemoteOffer: () => true };
const screen = (message: unknown, options = accept) => screenTrackerMessage(JSON.stringify(message), options);

test('unknown actions, non-objects and non-JSON are ignored with a reason', () => {
  for (const text of ['not json', '[1,2]', 'null', '42', '{"action":"bogus"}', '{}', '{"action":"announce"}']) {
    const screened = screenTrackerMessage(text, accept);
    assert.equal(screened.accepted, false, text);
    if (!screened.accepted) assert.ok(screened.reason.length > 0);
  }
});

test('the interval is clamped to the documented range; invalid ones are dropped', () => {
  const cases: Array<[unknown, number | undefined]> = [
    [0.001, MIN_TRACKER_INTERVAL_S],
    [120, 120],
    [1e9, MAX_TRACKER_INTERVAL_S],
    [-5, undefined],
    ['120', undefined],
    [null, undefined],
  ];
  for (const [interval, expected] of cases) {
    const screened = screen({ action: 'announce', info_hash: ID, interval, 'min interval': interval });
    assert.ok(screened.accepted);
    assert.equal(screened.message['interval'], expected, String(interval));
    assert.equal(screened.message['min interval'], expected, String(interval));
  }
});

test('a signal with a numeric or odd peer_id or offer_id loses its offer and answer, the rest is kept', () => {
  const offer = { type: 'offer', sdp: 'v=0' };
  for (const fields of [{ peer_id: 42 }, { peer_id: 'short' }, { peer_id: { x: 1 } }, { offer_id: 7 }]) {
    const screened = screen({ action: 'announce', info_hash: ID, peer_id: ID, offer_id: ID, offer, complete: 3, ...fields });
    assert.ok(screened.accepted);
    assert.equal(screened.message['offer'], undefined);
    assert.equal(screened.message['complete'], 3);
    assert.ok(screened.warnings.length > 0);
  }
  const malformed = screen({ action: 'announce', info_hash: ID, peer_id: ID, offer_id: ID, offer: { sdp: 1 }, answer: 'x' });
  assert.ok(malformed.accepted);
  assert.equal(malformed.message['offer'], undefined);
  assert.equal(malformed.message['answer'], undefined);
  const good = screen({ action: 'announce', info_hash: ID, peer_id: ID, offer_id: ID, offer });
  assert.ok(good.accepted);
  assert.deepEqual(good.message['offer'], offer);
  assert.deepEqual(good.warnings, []);
});

test('a remote offer beyond the cap is dropped with a warning', () => {
  const screened = screen(
    { action: 'announce', info_hash: ID, peer_id: ID, offer_id: ID, offer: { type: 'offer', sdp: 'v=0' } },
    { acceptRemoteOffer: () => false },
  );
  assert.ok(screened.accepted);
  assert.equal(screened.message['offer'], undefined);
  assert.match(screened.warnings.join(), /too many/);
});

test('non-string failure reasons and non-numeric counts are dropped', () => {
  const screened = screen({ action: 'announce', info_hash: ID, 'failure reason': { a: 1 }, complete: 'x', incomplete: -1 });
  assert.ok(screened.accepted);
  assert.equal(screened.message['failure reason'], undefined);
  assert.equal(screened.message['complete'], undefined);
  assert.equal(screened.message['incomplete'], undefined);
});

test('reconnect backoff doubles from 1 s to the cap, with jitter in its upper half', () => {
  assert.equal(reconnectDelayMs(0, 0), 500);
  assert.equal(reconnectDelayMs(0, 0.999_999), 1_000);
  assert.equal(reconnectDelayMs(3, 0), 4_000);
  assert.equal(reconnectDelayMs(100, 0.5), RECONNECT_MAX_MS * 0.75);
  assert.equal(reconnectDelayMs(Number.NaN, 0), 500);
  assert.ok(reconnectDelayMs(1, 0.2) !== reconnectDelayMs(1, 0.8), 'jittered');
});
