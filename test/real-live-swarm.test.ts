/**
 * Issue requirement: the real Node swarm (a bittorrent-tracker server, node-datachannel, a real HTTP
 * origin) plays a live timeline with 4 engines. Each engine is driven by the simulator's player model
 * (`packages/core/sim/player-model.ts`, hls.js's defaults) on real timers (`systemClock`), reading the media
 * playlist over HTTP from a live origin that publishes a 2 s segment every 2 s (`support/live-origin.ts`). Asserted: every engine kept playing, no segment arrived after playback
 * reached it, peers carried some of the bytes, and every segment is byte-identical to the origin's.
 * Printed, not asserted: the P2P share per engine, each segment's source and slack (media seconds between
 * the playhead and the segment's start when it arrived), and the origin's requests per segment.
 *
 * `LIVE_TRACE=1` prints every engine's scheduling decisions, loads and peer changes as they happen, in wall
 * seconds since the origin started; a late segment's assertion message carries its part of that trace.
 */
import { test } from 'node:test';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import assert from 'node:assert/strict';
import { ShoalEngine, systemClock } from '@shoal/core';
import { installNodeEndOfCandidatesFix } from '../packages/core/src/node';
import { mediaPlaylistManifest } from '../packages/core/sim/hls-playlist';
import { PlayerModel, type LoadedSegment } from '../packages/core/sim/player-model';
import { sleep } from '../packages/core/test/support/wait';
import { sha256 } from './support/origin';
import { startLiveOrigin, type LiveOrigin } from './support/live-origin';
import { startTracker, type TestTracker } from './support/tracker-server';

installNodeEndOfCandidatesFix();

const VIEWERS = 4;
const SEGMENT_SEC = 2;
/** Viewer i joins i × this after the first. */
const JOIN_STAGGER_MS = 750;
/**
 * Re-announce period. Joiners' first announces already carry the offers that connect the swarm; every
 * announce after that makes up to 10 more RTCPeerConnections per engine, so a short period only adds churn.
 */
const ANNOUNCE_INTERVAL_MS = 5_000;
/** Wall time from the first viewer's join to the end of the run. */
const RUN_MS = 26_000;
/** The last viewer plays ~23 s: 3 segments at once, then one per 2 s; this leaves room for a slow start. */
const MIN_SEGMENTS_PER_VIEWER = 8;
/** 300–600 KB, varying per segment. */
const segmentSize = (segmentId: number): number => 300_000 + ((segmentId * 104_729) % 300_000);

const short = (peerId: string): string => peerId.slice(-6);

test('4 engines on a real swarm play a live timeline: P2P share > 0, no missed deadline, bytes identical to the origin', { timeout: 90_000 }, async () => {
  let origin: LiveOrigin | undefined;
  let tracker: TestTracker | undefined;
  const engines: ShoalEngine[] = [];
  const players: PlayerModel[] = [];
  /** SHA-256 of every segment each viewer got, by segment id. */
  const hashes: Array<Map<number, string>> = [];
  /** Decisions, loads and peer changes of every engine, by wall seconds since the origin started. */
  const trace: string[] = [];
  // Every engine, player and server shares this one event loop: its delays say how busy the machine was.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  try {
    origin = await startLiveOrigin({ segmentDurationSec: SEGMENT_SEC, sizeOf: segmentSize });
    tracker = await startTracker();
    const startedAtMs = origin.startedAtMs;
    const at = (ms: number): string => `${((ms - startedAtMs) / 1000).toFixed(2)}s`;
    const firstEdge = origin.liveEdge();
    for (let i = 0; i < VIEWERS; i++) {
      if (i > 0) await sleep(JOIN_STAGGER_MS);
      const log = (what: string): void => {
        const line = `@${at(performance.now())} viewer ${i} ${what}`;
        trace.push(line);
        if (process.env.LIVE_TRACE) console.log(`# ${line}`);
      };
      const engine = new ShoalEngine(
        { trackerUrls: [tracker.url], rtcConfig: { iceServers: [] }, announceIntervalMs: ANNOUNCE_INTERVAL_MS },
        { onDecision: (decision) => log(JSON.stringify(decision)) },
      );
      engine.on('segment:loaded', ({ key, source, durationMs, peerIds }) =>
        log(`loaded ${JSON.stringify(key)} from ${source} in ${durationMs.toFixed(0)} ms${peerIds.length ? ` (peers ${peerIds.map(short).join(' ')})` : ''}`));
      engine.on('peer:connected', ({ peerId }) => log(`peer ${short(peerId)} connected`));
      engine.on('peer:closed', ({ peerId, reason }) => log(`peer ${short(peerId)} closed ${reason?.code ?? ''}`));
      engine.on('tracker:warning', () => {});
      log(`is peer ${short(engine.peerId)}`);
      engines.push(engine);
      const hashesOfViewer = new Map<number, string>();
      hashes.push(hashesOfViewer);
      const player = new PlayerModel({
        engine,
        clock: systemClock,
        manifest: mediaPlaylistManifest(origin.playlistUrl),
        onSegment: ({ segmentId }, { bytes }) => void hashesOfViewer.set(segmentId, sha256(bytes)),
      });
      players.push(player);
      player.start();
    }
    await sleep(RUN_MS - (VIEWERS - 1) * JOIN_STAGGER_MS);
    for (const player of players) player.stop();

    const reports = players.map((player) => player.report);
    engines.forEach((engine, i) => {
      const stats = engine.stats();
      const loaded = reports[i]!.loaded;
      const slack = (s: LoadedSegment): string => (s.slackSec === undefined ? '' : `${s.slackSec >= 0 ? '+' : ''}${s.slackSec.toFixed(1)}s`);
      console.log(
        `# viewer ${i}: P2P share ${stats.p2pShare.toFixed(3)} (p2p ${stats.p2pBytes} B, http ${stats.httpBytes} B, uploaded ${stats.uploadedBytes} B), ` +
          `peers ${stats.peerCount}, stalls ${reports[i]!.stalls}; segments ${loaded.length} as id:source+slack ` +
          `[${loaded.map((s) => `${s.segmentId}:${s.source}${slack(s)}`).join(' ')}]`,
      );
    });
    const p2p = engines.reduce((sum, e) => sum + e.stats().p2pBytes, 0);
    const http = engines.reduce((sum, e) => sum + e.stats().httpBytes, 0);
    // Segments published after the first viewer joined, up to the last one any viewer played.
    const lastPlayed = Math.max(firstEdge, ...reports.flatMap((r) => r.loaded.map((s) => s.segmentId)));
    const during = [...origin.segmentRequests].filter(([id]) => id > firstEdge && id <= lastPlayed).sort(([a], [b]) => a - b);
    const perSegment = during.reduce((sum, [, n]) => sum + n, 0) / Math.max(1, lastPlayed - firstEdge);
    console.log(
      `# total P2P share ${(p2p / Math.max(1, p2p + http)).toFixed(3)} (limit ${(1 - 1 / VIEWERS).toFixed(3)}); origin requests per segment ` +
        `published during the run ${perSegment.toFixed(2)} [${during.map(([id, n]) => `${id}:${n}`).join(' ')}]; ` +
        `all requests [${[...origin.segmentRequests].sort(([a], [b]) => a - b).map(([id, n]) => `${id}:${n}`).join(' ')}]; ` +
        `requests before publication ${origin.unpublishedRequests}`,
    );
    loopDelay.disable();
    console.log(`# event loop delay: p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms, max ${(loopDelay.max / 1e6).toFixed(0)} ms`);

    reports.forEach((report, i) => {
      assert.deepEqual(report.failures, [], `viewer ${i}: no playlist or segment failure`);
      assert.ok(report.loaded.length >= MIN_SEGMENTS_PER_VIEWER, `viewer ${i} kept playing: ${report.loaded.length} segments`);
      const late = report.loaded.filter((s) => report.lateSegments.includes(s.segmentId)).map((s) => {
        const key = `"segmentId":${s.segmentId}}`;
        return (
          `segment ${s.segmentId}: published @${at(origin!.publishedAtMs(s.segmentId))}, listed @${at(s.listedAtMs)}, ` +
          `requested @${at(s.requestedAtMs)} at playhead ${s.positionAtRequestSec.toFixed(2)} s (its start ${s.segmentId * SEGMENT_SEC} s), ` +
          `arrived @${at(s.arrivedAtMs)} from ${s.source}; every engine's trace of it:\n${trace.filter((line) => line.includes(key)).join('\n')}`
        );
      });
      assert.deepEqual(report.lateSegments, [], `viewer ${i}: segments arrived after playback reached them\n${late.join('\n')}`);
      assert.equal(report.stalls, 0, `viewer ${i} never stalled after its first segment (${report.stallSec.toFixed(2)} s stalled)`);
      for (const segment of report.loaded) {
        assert.equal(hashes[i]!.get(segment.segmentId), sha256(origin!.bytesOf(segment.segmentId)), `viewer ${i}, segment ${segment.segmentId} (${segment.source}): bytes as the origin's`);
      }
    });
    assert.ok(p2p > 0, 'peers carried some of the bytes');
  } finally {
    loopDelay.disable();
    for (const player of players) player.stop();
    for (const engine of engines) engine.destroy();
    await tracker?.close();
    await origin?.close();
  }
});
