// /metrics parses as Prometheus text exposition and moves with traffic; /health reports the live counts;
// close() tells connected clients the tracker is going away (1001) and /health then says draining.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLOSE_CODES } from '../src/index.js';
import { announceAndReply, connect, id, startQuietTracker } from './ws-test-client';

/**
 * Parses Prometheus text format 0.0.4 strictly enough to fail on a malformed line: `name{labels} value`.
 * Values are Go floats, so `NaN` in any case (prom-client writes `Nan` for an idle event-loop histogram).
 */
function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?(?:[0-9.e+-]+|[Nn][Aa][Nn]|\+Inf|-Inf))( -?[0-9]+)?$/;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const match = sample.exec(line);
    assert.ok(match, `not a Prometheus sample line: ${line}`);
    samples.set(match[1]! + (match[2] ?? ''), Number(match[3]));
  }
  return samples;
}

async function scrape(httpUrl: string): Promise<Map<string, number>> {
  const response = await fetch(`${httpUrl}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parsePrometheus(await response.text());
}

test('/metrics is Prometheus text that moves with announces, offers, answers and rejections; /health counts', async () => {
  const tracker = await startQuietTracker({ allowedOrigins: ['https://ok.example'] });
  try {
    const before = await scrape(tracker.httpUrl);
    assert.equal(before.get('shoal_tracker_connections'), 0);
    assert.ok((before.get('process_resident_memory_bytes') ?? 0) > 0, 'memory is exported');
    const infoHash = id('metrics');
    const a = await connect(tracker.url, 'https://ok.example');
    const b = await connect(tracker.url, 'https://ok.example');
    await announceAndReply(a, { infoHash, peerId: id('a'), event: 'started' });
    await announceAndReply(b, { infoHash, peerId: id('b'), event: 'started', offers: 1 });
    const offer = await a.next((m) => m.offer !== undefined, 'b\'s offer');
    a.send({ action: 'announce', info_hash: infoHash, peer_id: id('a'), to_peer_id: id('b'), offer_id: offer.offer_id, answer: { type: 'answer', sdp: 'opaque' } });
    await b.next((m) => m.answer !== undefined, 'a\'s answer');
    await assert.rejects(connect(tracker.url, 'https://elsewhere.example'), /status 403/);
    const during = await scrape(tracker.httpUrl);
    assert.equal(during.get('shoal_tracker_connections'), 2);
    assert.equal(during.get('shoal_tracker_swarms'), 1);
    assert.equal(during.get('shoal_tracker_peers'), 2);
    assert.equal(during.get('shoal_tracker_announces_total'), 2);
    assert.equal(during.get('shoal_tracker_offers_relayed_total'), 1);
    assert.equal(during.get('shoal_tracker_answers_relayed_total'), 1);
    assert.equal(during.get('shoal_tracker_rejections_total{reason="origin"}'), 1);
    const health = (await (await fetch(`${tracker.httpUrl}/health`)).json()) as Record<string, unknown>;
    assert.deepEqual({ ...health, uptimeSec: 0 }, { status: 'ok', connections: 2, swarms: 1, peers: 2, uptimeSec: 0 });
    a.close();
    b.close();
    await Promise.all([a.closed, b.closed]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const afterLeave = await scrape(tracker.httpUrl);
    assert.equal(afterLeave.get('shoal_tracker_swarms'), 0, 'an empty swarm is dropped');
    assert.equal(afterLeave.get('shoal_tracker_peers'), 0);
  } finally {
    await tracker.close();
  }
});

test('close(): connected clients get 1001 (going away), new upgrades are refused, close() twice is fine', async () => {
  const tracker = await startQuietTracker();
  const client = await connect(tracker.url);
  await announceAndReply(client, { infoHash: id('bye'), peerId: id('bye'), event: 'started' });
  const closing = tracker.close();
  assert.equal(tracker.health().status, 'draining');
  assert.equal(await client.closed, CLOSE_CODES.goingAway);
  await closing;
  await tracker.close();
  await assert.rejects(connect(tracker.url));
});
