/**
 * `npm run bench -w @shoal/core` (after the throughput bench): the in-memory live scenario of
 * `sim/live-simulation.ts` with N real engines on one virtual clock, for several N, at the simulation's
 * defaults. Prints a table and writes the figures to `.bench/live-swarm.json` at the repo root.
 *
 * Goals: P2P share ≥ 0.95 of its limit 1 − 1/N (the share if the origin served each segment once), and
 * no deadline misses (the simulated player never stalls).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LIVE_SIMULATION, runLiveSimulation } from '../sim/live-simulation';

const VIEWER_COUNTS = [4, 8, 16, 32];
const DURATION_SEC = 60;
const SHARE_OF_LIMIT_GOAL = 0.95;
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const OUTPUT_DIR = `${REPO_ROOT}.bench`;
const OUTPUT_PATH = `${OUTPUT_DIR}/live-swarm.json`;

interface Row {
  viewers: number;
  p2pShare: number;
  limit: number;
  shareOfLimit: number;
  stalls: number;
  originRequestsPerSegment: number;
  wallClockSec: number;
}

const kB = (bytes: number): string => `${Math.round(bytes / 1000)} kB`;
const rate = (bytesPerSec: number): string => `${(bytesPerSec / 1e6).toFixed(1)} MB/s (${((bytesPerSec * 8) / 1e6).toFixed(0)} Mbit/s)`;

function scenarioNote(): string {
  const d = DEFAULT_LIVE_SIMULATION;
  return (
    `scenario: ${DURATION_SEC} s of live, ${d.segmentDurationSec} s segments of ${kB(d.segmentSizeBytes)}; ` +
    `peer links ${d.link.latencyMs} ms, ${rate(d.link.bandwidthBytesPerSec)} each; ` +
    `origin TTFB ${d.origin.ttfbMs} ms, ${rate(d.origin.bandwidthBytesPerSec)} per request; ` +
    `viewer i joins at i × ${d.joinStaggerMs} ms, ${d.liveSyncSegments} segments behind the live edge`
  );
}

async function measure(viewers: number): Promise<Row> {
  const start = performance.now();
  const result = await runLiveSimulation({ viewers, durationSec: DURATION_SEC });
  return {
    viewers,
    p2pShare: result.p2pShare,
    limit: result.limit,
    shareOfLimit: result.p2pShare / result.limit,
    stalls: result.stalls,
    originRequestsPerSegment: result.originRequestsPerSegment,
    wallClockSec: (performance.now() - start) / 1000,
  };
}

function printTable(rows: Row[]): void {
  const header = ['N', 'P2P share', 'limit 1−1/N', `share/limit (≥ ${SHARE_OF_LIMIT_GOAL})`, 'deadline misses (0)', 'origin req/segment', 'wall-clock s'];
  const cells = rows.map((r) => [
    String(r.viewers),
    r.p2pShare.toFixed(3),
    r.limit.toFixed(3),
    `${r.shareOfLimit.toFixed(3)} ${r.shareOfLimit >= SHARE_OF_LIMIT_GOAL ? 'ok' : 'MISS'}`,
    `${r.stalls} ${r.stalls === 0 ? 'ok' : 'MISS'}`,
    r.originRequestsPerSegment.toFixed(2),
    r.wallClockSec.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (values: string[]): string => `  ${values.map((v, i) => v.padStart(widths[i]!)).join(' | ')}`;
  console.log(line(header));
  console.log(`  ${widths.map((w) => '-'.repeat(w)).join('-+-')}`);
  for (const c of cells) console.log(line(c));
}

console.log(`live swarm, in-memory network on a virtual clock, N engines`);
console.log(`  ${scenarioNote()}`);
const rows: Row[] = [];
for (const viewers of VIEWER_COUNTS) rows.push(await measure(viewers));
printTable(rows);
mkdirSync(OUTPUT_DIR, { recursive: true });
writeFileSync(
  OUTPUT_PATH,
  `${JSON.stringify({ scenario: { durationSec: DURATION_SEC, ...DEFAULT_LIVE_SIMULATION }, goals: { shareOfLimit: SHARE_OF_LIMIT_GOAL, stalls: 0 }, rows }, null, 2)}\n`,
);
console.log(`  written to ${OUTPUT_PATH}`);
