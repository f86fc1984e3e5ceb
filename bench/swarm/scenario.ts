/**
 * The swarm scenario: the demo origin (throttled like a CDN) and tracker, N Chromium viewers (launched
 * before the phase) joining staggered, optionally churning, run with Shoal and with the plain player back
 * to back, on one origin whose counters are reset in between; in rounds whose order alternates (Shoal first, then plain first),
 * after a warm-up page, so that neither side always meets a colder machine. `runSwarmScenario` is what
 * the CLI and tests call.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MEDIA_DIR } from '../../demo/src/origin';
import { startDemo, type RunningDemo } from '../../demo/src/server';
import { computeFigures } from './metrics';
import { mediaStartByte, originSegmentCounts, repeatedSegments, singleFilePaths } from './origin-counts';
import { churnCount, resolveOptions, startSecOf, streamNameOf, type ResolvedOptions } from './options';
import type { PhaseReport, SwarmScenarioOptions, SwarmScenarioResult, ViewerReport } from './types';
import { Viewer, ViewerBrowser } from './viewer';

const SAMPLE_INTERVAL_MS = 1000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * Live: waits for the origin to publish its next segment, so every phase starts at the same point of the
 * segment clock. How far behind the live edge a player starts depends on how old the newest segment is
 * when it joins (0 to one segment duration); without this, that draw alone moves a phase's mean latency
 * by a few tenths of a second either way.
 */
async function alignToLiveSegment(demo: RunningDemo): Promise<void> {
  const edge = (): number => Object.values(demo.origin.stats().live).reduce((a, l) => a + l.publishedCount, 0);
  const before = edge();
  const giveUpAtMs = Date.now() + 5000;
  while (edge() === before && Date.now() < giveUpAtMs) await sleep(10);
}

/** One arm of the comparison: Shoal, p2p-media-loader (`compare: 'p2pml'`) or the plain player. */
export type Arm = 'shoal' | 'p2pml' | 'plain';

/** The arms of round `round`, in its order: rotated one place per round, so each arm runs first in turn. */
export function armsOfRound(round: number, compare: ResolvedOptions['compare']): Arm[] {
  const arms: Arm[] = compare === 'p2pml' ? ['shoal', 'p2pml', 'plain'] : ['shoal', 'plain'];
  const shift = round % arms.length;
  return [...arms.slice(shift), ...arms.slice(0, shift)];
}

async function runPhase(demo: RunningDemo, options: ResolvedOptions, arm: Arm, round: number, log: (line: string) => void): Promise<PhaseReport> {
  const p2p = arm !== 'plain';
  // Every browser of the phase is launched before it starts (see viewer.ts): a launch mid-phase would
  // take the CPU the playing pages need.
  const launched: ViewerBrowser[] = [];
  const browserCount = options.viewers + (options.churn ? churnCount(options.viewers) : 0);
  try {
    for (let i = 0; i < browserCount; i++) launched.push(await ViewerBrowser.launch());
  } catch (error) {
    await Promise.all(launched.map((b) => b.close()));
    throw error;
  }
  if (options.stream === 'live') await alignToLiveSegment(demo);
  demo.origin.resetStats();
  const startMs = Date.now();
  const clock = (): number => Date.now() - startMs;
  const cpuStart = process.cpuUsage();
  const active: Viewer[] = [];
  const reports: ViewerReport[] = [];
  const originBytes: number[] = [];
  let nextId = 0;

  const join = async (): Promise<void> => {
    const id = nextId++;
    const startSec = startSecOf(options, id);
    const browser = launched.shift()!;
    const viewer = await browser
      .join({
        id,
        round,
        url: demo.url,
        p2p,
        ...(arm === 'p2pml' ? { anchor: 'p2pml' as const } : {}),
        live: options.stream === 'live',
        player: options.player,
        streamName: options.streamName,
        integrity: options.integrity,
        ...(startSec !== undefined ? { startSec } : {}),
        clock,
      })
      .catch(async (error: unknown) => {
        await browser.close();
        throw error;
      });
    active.push(viewer);
    log(`  ${arm} viewer ${id} joined at ${(clock() / 1000).toFixed(1)} s`);
  };
  const leave = async (viewer: Viewer): Promise<void> => {
    active.splice(active.indexOf(viewer), 1);
    reports.push(await viewer.finish(true));
    log(`  ${arm} viewer left at ${(clock() / 1000).toFixed(1)} s`);
  };

  let sampling = false;
  const sampler = setInterval(() => {
    originBytes.push(demo.origin.stats().total.bytes);
    if (sampling) return; // the previous round is still waiting on a busy page
    sampling = true;
    void Promise.all(active.map((v) => v.sample())).finally(() => (sampling = false));
  }, SAMPLE_INTERVAL_MS);

  const endMs = options.seconds * 1000;
  try {
    for (let i = 0; i < options.viewers; i++) {
      await sleep(i * options.staggerMs - clock());
      await join();
    }
    if (options.churn) {
      await sleep(endMs / 2 - clock());
      const leaving = churnCount(options.viewers);
      // The earliest joiners leave: they hold the most segments, the hardest case for the swarm.
      for (const viewer of active.slice(0, leaving)) await leave(viewer);
      for (let i = 0; i < leaving; i++) {
        await sleep(endMs / 2 + (i + 1) * options.staggerMs - clock());
        await join();
      }
    }
    await sleep(endMs - clock());
  } catch (error) {
    clearInterval(sampler);
    await Promise.all([...active.map((v) => v.close()), ...launched.map((b) => b.close())]);
    throw error;
  }
  clearInterval(sampler);
  reports.push(...(await Promise.all(active.map((v) => v.finish(false)))));
  const wallSeconds = clock() / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const stats = demo.origin.stats();
  const mediaStarts = mediaStartBytesOf(demo, singleFilePaths(stats.byRange));
  reports.sort((a, b) => a.id - b.id);
  return {
    p2p,
    ...(arm === 'p2pml' ? { anchor: 'p2pml' as const } : {}),
    wallSeconds,
    viewers: reports,
    origin: {
      totalBytes: stats.total.bytes,
      totalRequests: stats.total.requests,
      segments: originSegmentCounts(stats.byPath, stats.byRange, mediaStarts),
      repeatedSegments: repeatedSegments(stats.byPath, stats.byRange, mediaStarts),
      bytesPerSecond: originBytes.map((bytes, i) => bytes - (originBytes[i - 1] ?? 0)),
    },
    timeline: timeline(reports),
    nodeCpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

/** First media byte of each single-file path (its init and `sidx` come before), read from the demo's media. */
function mediaStartBytesOf(demo: RunningDemo, paths: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const path of paths) {
    const [, mode, ...rest] = path.split('/');
    const file = mode === 'vod' ? rest.join('/') : demo.origin.resolveLivePath(rest.join('/'))?.vodPath;
    if (!file) continue;
    try {
      out[path] = mediaStartByte(readFileSync(join(DEFAULT_MEDIA_DIR, ...file.split('/'))));
    } catch {
      // Not a media file after all: counted from byte 0.
    }
  }
  return out;
}

/** Per second of the phase, bytes loaded over HTTP and from peers, summed over viewers. */
function timeline(reports: ViewerReport[]): PhaseReport['timeline'] {
  const seconds = Math.ceil(Math.max(0, ...reports.flatMap((r) => r.samples.map((s) => s.tMs))) / 1000) + 1;
  const out = Array.from({ length: seconds }, (_, second) => ({ second, httpBytes: 0, p2pBytes: 0 }));
  for (const r of reports) {
    let http = 0;
    let p2p = 0;
    for (const s of r.samples) {
      const bucket = out[Math.floor(s.tMs / 1000)]!;
      bucket.httpBytes += s.httpBytes - http;
      bucket.p2pBytes += s.p2pBytes - p2p;
      http = s.httpBytes;
      p2p = s.p2pBytes;
    }
  }
  return out;
}

async function checkPeerBytes(demo: RunningDemo, reports: ViewerReport[]): Promise<void> {
  demo.origin.setThrottle({ firstByteDelayMs: 0, bytesPerSec: 0 });
  for (const segment of reports.flatMap((r) => r.p2pSegments)) {
    const headers: Record<string, string> = segment.startByte === undefined ? {} : { Range: `bytes=${segment.startByte}-${segment.endByte}` };
    const response = await fetch(segment.url, { headers });
    const sha256 = createHash('sha256').update(new Uint8Array(await response.arrayBuffer())).digest('hex');
    segment.matchesOrigin = response.ok && sha256 === segment.sha256;
  }
}

/**
 * The first page of a fresh demo loads slower than any later one (the server's first responses, the
 * browser binary and the player bundle still cold): one page plays briefly, unmeasured, before round 0.
 */
async function warmUp(demo: RunningDemo, options: ResolvedOptions): Promise<void> {
  const viewer = await Viewer.open({
    id: -1,
    round: -1,
    url: demo.url,
    p2p: false,
    live: options.stream === 'live',
    player: options.player,
    streamName: options.streamName,
    integrity: options.integrity,
    clock: () => 0,
  });
  await sleep(WARM_UP_MS);
  await viewer.close();
}

const WARM_UP_MS = 3000;

/** Rounds of one side pooled into one report: viewers of every round, origin counts summed, timelines averaged. */
export function poolPhases(phases: PhaseReport[]): PhaseReport {
  if (phases.length === 1) return phases[0]!;
  const origins = phases.map((p) => p.origin.segments);
  const segments = origins.reduce((a, o) => a + o.segments, 0);
  const requests = origins.reduce((a, o) => a + o.requests, 0);
  const averaged = (series: number[][]): number[] =>
    Array.from({ length: Math.max(...series.map((s) => s.length)) }, (_, i) => series.reduce((a, s) => a + (s[i] ?? 0), 0) / series.length);
  const http = averaged(phases.map((p) => p.timeline.map((t) => t.httpBytes)));
  const p2p = averaged(phases.map((p) => p.timeline.map((t) => t.p2pBytes)));
  return {
    p2p: phases[0]!.p2p,
    ...(phases[0]!.anchor ? { anchor: phases[0]!.anchor } : {}),
    wallSeconds: phases.reduce((a, p) => a + p.wallSeconds, 0),
    viewers: phases.flatMap((p) => p.viewers),
    origin: {
      totalBytes: phases.reduce((a, p) => a + p.origin.totalBytes, 0),
      totalRequests: phases.reduce((a, p) => a + p.origin.totalRequests, 0),
      segments: {
        segments,
        requests,
        bytes: origins.reduce((a, o) => a + o.bytes, 0),
        distinctBytes: origins.reduce((a, o) => a + o.distinctBytes, 0),
        requestsPerSegment: segments === 0 ? 0 : requests / segments,
      },
      bytesPerSecond: averaged(phases.map((p) => p.origin.bytesPerSecond)),
      repeatedSegments: Object.fromEntries(
        phases.flatMap((p, round) => Object.entries(p.origin.repeatedSegments).map(([path, n]) => [`round ${round + 1} ${path}`, n])),
      ),
    },
    timeline: http.map((httpBytes, second) => ({ second, httpBytes, p2pBytes: p2p[second] ?? 0 })),
    nodeCpuSeconds: phases.reduce((a, p) => a + p.nodeCpuSeconds, 0),
  };
}

/**
 * Runs the scenario's rounds (Shoal then plain, then plain then Shoal, …) and returns the pooled reports
 * and the figures. Starts its own demo origin and tracker on free ports and closes them at the end.
 */
export async function runSwarmScenario(options: SwarmScenarioOptions = {}): Promise<SwarmScenarioResult> {
  const resolved = resolveOptions(options);
  const log = options.log ?? (() => {});
  const startedAt = new Date().toISOString();
  const demo = await startDemo({ port: 0, trackerPort: 0, throttle: resolved.throttle });
  resolved.streamName = streamNameOf(resolved, demo.config.streams);
  try {
    await warmUp(demo, resolved);
    const rounds: Record<Arm, PhaseReport[]> = { shoal: [], p2pml: [], plain: [] };
    for (let round = 0; round < resolved.rounds; round++) {
      for (const arm of armsOfRound(resolved.firstRound + round, resolved.compare)) {
        const what = `${arm === 'plain' ? `plain ${resolved.player}` : arm} phase${resolved.rounds > 1 ? ` (round ${round + 1}/${resolved.rounds})` : ''}`;
        log(`${what}: ${resolved.viewers} ${resolved.player} viewers of ${resolved.streamName}, ${resolved.seconds} s${resolved.churn ? ', churn' : ''}`);
        rounds[arm].push(await runPhase(demo, resolved, arm, round, log));
      }
    }
    const shoalRounds = rounds.shoal;
    const plainRounds = rounds.plain;
    const shoal = poolPhases(shoalRounds);
    const plain = poolPhases(plainRounds);
    const anchor = rounds.p2pml.length > 0 ? poolPhases(rounds.p2pml) : undefined;
    const anchorFigures = anchor && computeFigures(anchor, plain, resolved.viewers);
    if (resolved.checkPeerBytes) await checkPeerBytes(demo, shoal.viewers);
    const notes = [
      'P2P share limit 1 − 1/N assumes one swarm: ABR may split viewers across renditions (one swarm each); see renditions per viewer (seconds sampled on each).',
      'Shoal HTTP bytes are the engine\'s; plain hls.js bytes are hls.js FRAG_LOADED totals; origin figures count media segments only: a path per segment file, a requested byte range per segment of single-file media (init and sidx ranges left out; bench/swarm/origin-counts.ts).',
      'CPU: utime+stime from /proc of each viewer\'s Chromium process tree, from its join (browsers are launched before the phase) to just before it closed; node = this process (origin, tracker, driver).',
    ];
    return {
      options: resolved,
      startedAt,
      machine: { cpus: cpus().length, loadAverage: loadavg() },
      shoal,
      plain,
      figures: computeFigures(shoal, plain, resolved.viewers),
      ...(anchor && anchorFigures ? { anchor, anchorFigures: { anchor: anchorFigures.shoal, comparison: anchorFigures.comparison } } : {}),
      roundComparisons: shoalRounds.map((s, i) => computeFigures(s, plainRounds[i]!, resolved.viewers).comparison),
      notes,
    };
  } finally {
    await demo.close();
  }
}
