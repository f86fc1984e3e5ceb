/**
 * Issue 20: every stream layout the demo origin serves, played by two Shoal pages (each its own Chromium
 * process, real tracker and WebRTC, the origin throttled like a CDN): the second page, joining behind the
 * first on the same VOD or live stream, takes segments from it, and every segment that came from peers is byte-identical
 * to the origin's (SHA-256; byte-range segments are compared with the origin's bytes of their range).
 * Short on purpose: one layout per test, a few segments each. `SHOAL_LAYOUT=<stream>` runs one.
 *   sh scripts/netns-run.sh node scripts/run-tests.mjs browser/stream-layouts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertPeerBytesMatchOrigin, currentTime, readReport, reportLine, useDemoFixture } from './demo-pages';

/** Long enough for the second page to buffer several segments the first holds (2 s segments; 6 s for hls-ts-6s). */
const RUN_MS = 12_000;
/** The second page joins this long after the first: it finds the first's segments held. */
const JOIN_STAGGER_MS = 3_000;

const LAYOUTS: ReadonlyArray<{ player: 'hlsjs' | 'shaka'; stream: string; what: string }> = [
  { player: 'hlsjs', stream: 'vodTs', what: 'HLS TS, a file per segment' },
  { player: 'hlsjs', stream: 'vodFmp4', what: 'HLS fMP4, a file per segment' },
  { player: 'hlsjs', stream: 'vodTs6s', what: 'HLS TS, 6 s segments, 3 renditions' },
  { player: 'hlsjs', stream: 'vodTsAudioGroup', what: 'HLS TS, video-only renditions and a separate audio group' },
  { player: 'hlsjs', stream: 'vodTsByteRange', what: 'HLS TS, one file per rendition (EXT-X-BYTERANGE)' },
  { player: 'hlsjs', stream: 'vodFmp4ByteRange', what: 'HLS fMP4, one file per rendition (EXT-X-BYTERANGE)' },
  { player: 'hlsjs', stream: 'liveTsByteRange', what: 'live HLS TS, one file per loop of the rendition (EXT-X-BYTERANGE)' },
  { player: 'hlsjs', stream: 'liveFmp4ByteRange', what: 'live HLS fMP4, one file per loop of the rendition (EXT-X-BYTERANGE)' },
  { player: 'shaka', stream: 'vodTsAudioGroup', what: 'HLS TS, video-only renditions and a separate audio group' },
  { player: 'shaka', stream: 'vodDash', what: 'DASH SegmentTemplate $Number$' },
  { player: 'shaka', stream: 'vodDashTime', what: 'DASH SegmentTimeline' },
  { player: 'shaka', stream: 'vodDashSegmentBase', what: 'DASH SegmentBase (sidx)' },
  { player: 'shaka', stream: 'vodDashSegmentList', what: 'DASH SegmentList with mediaRange' },
];

const fixture = useDemoFixture();
const only = process.env['SHOAL_LAYOUT'];

for (const { player, stream, what } of LAYOUTS) {
  test(`${what} (${stream}, ${player}): the second page takes segments from the first, origin-identical`, { timeout: 90_000, skip: only !== undefined && only !== stream }, async () => {
    const first = await fixture.viewers.open(`player=${player}&stream=${stream}&p2p=1`);
    await new Promise((resolve) => setTimeout(resolve, JOIN_STAGGER_MS));
    const second = await fixture.viewers.open(`player=${player}&stream=${stream}&p2p=1`);
    const startTime = await currentTime(second);
    await new Promise((resolve) => setTimeout(resolve, RUN_MS));
    const reports = await Promise.all([first, second].map(readReport));
    console.log(reports.map((r, i) => reportLine(`${stream} page ${i + 1}`, r)).join('\n'));
    reports.forEach((r, i) => assert.deepEqual(r.errors, [], `page ${i + 1} had no error`));
    assert.ok(reports[1]!.currentTime > startTime + 3, `the second page played (currentTime ${startTime} → ${reports[1]!.currentTime})`);
    assert.ok(reports[1]!.p2pBytes > 0, 'the second page took bytes from the first');
    const checked = await assertPeerBytesMatchOrigin(reports);
    assert.ok(checked > 0, 'segments from peers were recorded');
    console.log(`# ${stream}: ${checked} segments from peers, all identical to the origin's`);
    await fixture.viewers.closeAll();
  });
}
