/**
 * What both adapters share (core's `playback/`): the playback feed from a media element to a real engine,
 * the attachment's teardown order and pagehide, and the loader hand-off rule. The media element is the one
 * stand-in: an `EventTarget` with a playhead and buffered ranges (Node has no media element).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShoalEngine, type PlaybackState } from '../../src/engine';
import { ShoalError } from '../../src/errors';
import { isOriginFailure, isShoalActive } from '../../src/playback/loader-handoff';
import { PLAYBACK_EVENTS, type TimeRangesLike } from '../../src/playback/media-element';
import { PlaybackFeed, type PlaybackFeedOptions } from '../../src/playback/playback-feed';
import { attachLifecycle, INACTIVE_ATTACHMENT } from '../../src/playback/player-attachment';
import { compactMetadata } from '../../src/playback/rendition-metadata';

class MediaStandIn extends EventTarget {
  currentTime = 0;
  playbackRate = 1;
  ranges: Array<[number, number]> = [];
  get buffered(): TimeRangesLike {
    const ranges = this.ranges;
    return { length: ranges.length, start: (i) => ranges[i]![0], end: (i) => ranges[i]![1] };
  }
  fire(type: (typeof PLAYBACK_EVENTS)[number]): void {
    this.dispatchEvent(new Event(type));
  }
}

/** A real engine (no peers: `p2pEnabled: false`) whose `setPlayback` calls are recorded. */
function recordingEngine(): { engine: ShoalEngine; reports: PlaybackState[] } {
  const engine = new ShoalEngine({ p2pEnabled: false });
  const reports: PlaybackState[] = [];
  const setPlayback = engine.setPlayback.bind(engine);
  engine.setPlayback = (playback) => {
    setPlayback(playback);
    reports.push(playback);
  };
  engine.setStreams({ manifestUrl: 'https://origin.example/master.m3u8' });
  return { engine, reports };
}

function feedOf(engine: ShoalEngine, options: Partial<PlaybackFeedOptions> = {}): PlaybackFeed {
  return new PlaybackFeed({ engine, holeToleranceSec: () => 0.5, activeRenditions: () => ['v1', undefined, 'a1', 'v1'], ...options });
}

test('setMedia reports at once and on every playback event: playhead, rate, buffer across small holes, active renditions', () => {
  const { engine, reports } = recordingEngine();
  const feed = feedOf(engine);
  const media = new MediaStandIn();
  media.currentTime = 3;
  media.ranges = [[0, 4], [4.3, 8], [9, 12]];
  feed.setMedia(media);
  assert.deepEqual(reports, [{ positionSec: 3, rate: 1, bufferedUntilSec: 8, activeRenditions: ['v1', 'a1'] }]);
  for (const type of PLAYBACK_EVENTS) media.fire(type);
  assert.equal(reports.length, 1 + PLAYBACK_EVENTS.length);
  feed.setMedia(media); // the same element: nothing new
  assert.equal(reports.length, 1 + PLAYBACK_EVENTS.length);
  feed.setMedia(null);
  media.fire('timeupdate');
  assert.equal(reports.length, 1 + PLAYBACK_EVENTS.length, 'no report once the element is let go');
  feed.destroy();
  engine.destroy();
});

test('beforeReport runs before each report and may skip it', () => {
  const { engine, reports } = recordingEngine();
  let ready = false;
  let asked = 0;
  const feed = feedOf(engine, { beforeReport: () => (asked++, ready) });
  const media = new MediaStandIn();
  feed.setMedia(media);
  media.fire('timeupdate');
  assert.equal(reports.length, 0);
  ready = true;
  media.fire('timeupdate');
  assert.equal(reports.length, 1);
  assert.equal(asked, 3);
  feed.destroy();
  engine.destroy();
});

test('an engine destroyed under the feed ends it: no throw into the player, onDestroy once, listeners gone', () => {
  const { engine, reports } = recordingEngine();
  let teardowns = 0;
  const feed = feedOf(engine, { onDestroy: () => teardowns++ });
  const media = new MediaStandIn();
  feed.setMedia(media);
  engine.destroy();
  media.fire('timeupdate'); // setPlayback throws ShoalError('destroyed') inside: swallowed
  assert.equal(feed.destroyed, true);
  assert.equal(teardowns, 1);
  let called = false;
  feed.toEngine(() => (called = true));
  assert.equal(called, false, 'no engine call after the end');
  feed.destroy();
  assert.equal(teardowns, 1, 'destroy() is idempotent');
  assert.equal(reports.length, 1, 'only the report before the engine went');
});

test('toEngine rethrows anything but the engine being destroyed', () => {
  const { engine } = recordingEngine();
  const feed = feedOf(engine);
  assert.throws(() => feed.toEngine(() => {
    throw new ShoalError('config-invalid', 'a bad call', { source: 'config' });
  }), (error: unknown) => error instanceof ShoalError && error.code === 'config-invalid');
  assert.equal(feed.destroyed, false);
  feed.destroy();
  engine.destroy();
});

test('attachLifecycle: pagehide destroys the engine while attached; destroy() runs each step once, in order, even past a throw', () => {
  const page = new EventTarget();
  const globals = globalThis as { addEventListener?: unknown; removeEventListener?: unknown };
  globals.addEventListener = page.addEventListener.bind(page);
  globals.removeEventListener = page.removeEventListener.bind(page);
  try {
    let engineDestroys = 0;
    const engine = { destroy: () => engineDestroys++ };
    const steps: string[] = [];
    const attachment = attachLifecycle(engine, [
      () => steps.push('routing'),
      () => {
        steps.push('feed');
        throw new Error('feed teardown failed');
      },
      () => steps.push('registrations'),
    ]);
    assert.equal(attachment.active, true);
    page.dispatchEvent(new Event('pagehide'));
    assert.equal(engineDestroys, 1);
    assert.throws(() => attachment.destroy(), /feed teardown failed/);
    assert.deepEqual(steps, ['routing', 'feed', 'registrations']);
    attachment.destroy();
    assert.deepEqual(steps, ['routing', 'feed', 'registrations'], 'idempotent');
    page.dispatchEvent(new Event('pagehide'));
    assert.equal(engineDestroys, 1, 'pagehide no longer destroys the engine once detached');
  } finally {
    delete globals.addEventListener;
    delete globals.removeEventListener;
  }
  assert.equal(INACTIVE_ATTACHMENT.active, false);
  INACTIVE_ATTACHMENT.destroy();
});

test('the hand-off rule: only origin failures reach the player; Shoal is active only with p2pEnabled and WebRTC', () => {
  const table: Array<[unknown, boolean]> = [
    [new ShoalError('http-status', '404', { source: 'http', status: 404 }), true],
    [new ShoalError('http-network', 'reset', { source: 'http' }), true],
    [new ShoalError('http-length-mismatch', 'short body', { source: 'http' }), true],
    [new ShoalError('peer-wrong-size', 'lied', { source: 'p2p' }), false],
    [new ShoalError('http-timeout', 'slow', { source: 'http' }), true],
    [new ShoalError('destroyed', 'gone', { source: 'engine' }), false],
    [new ShoalError('storage-failed', 'disk', { source: 'storage' }), false],
    [new ShoalError('aborted', 'aborted', { source: 'engine' }), false],
    [new TypeError('a bug'), false],
  ];
  for (const [error, origin] of table) assert.equal(isOriginFailure(error), origin, String(error));

  const globals = globalThis as { RTCPeerConnection?: unknown };
  const had = 'RTCPeerConnection' in globals;
  const original = globals.RTCPeerConnection;
  try {
    delete globals.RTCPeerConnection;
    assert.equal(isShoalActive({ config: { p2pEnabled: true } }), false, 'no WebRTC');
    globals.RTCPeerConnection = function RTCPeerConnection() {};
    assert.equal(isShoalActive({ config: { p2pEnabled: true } }), true);
    assert.equal(isShoalActive({ config: { p2pEnabled: false } }), false, 'p2pEnabled: false');
  } finally {
    if (had) globals.RTCPeerConnection = original;
    else delete globals.RTCPeerConnection;
  }
});

test('compactMetadata drops absent fields only', () => {
  assert.deepEqual(compactMetadata({ type: 'main', bandwidthBps: 0, codecs: undefined, name: '' }), { type: 'main', bandwidthBps: 0, name: '' });
});
