/**
 * Figures from the raw phase reports: pure functions, no I/O. Every comparison is Shoal vs plain hls.js
 * from the same invocation on the same machine.
 */
import { VOD_START_WRAP_SEC } from './options';
import type { ComparisonFigures, PhaseFigures, PhaseReport, SwarmScenarioResult } from './types';

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
const mean = (values: number[]): number | null => (values.length === 0 ? null : sum(values) / values.length);
const present = <T>(values: Array<T | null>): T[] => values.filter((v): v is T => v !== null);

export function phaseFigures(phase: PhaseReport): PhaseFigures {
  const v = phase.viewers;
  const httpBytes = sum(v.map((r) => r.httpBytes));
  const p2pBytes = sum(v.map((r) => r.p2pBytes));
  const loadedBytes = httpBytes + p2pBytes;
  const heaps = present(v.map((r) => r.heapUsedBytes));
  const browserCpuSeconds = sum(present(v.map((r) => r.cpuSeconds)));
  return {
    loadedBytes,
    httpBytes,
    p2pBytes,
    p2pShare: loadedBytes === 0 ? 0 : p2pBytes / loadedBytes,
    originImpliedShare: loadedBytes === 0 ? 0 : 1 - phase.origin.segments.bytes / loadedBytes,
    p2pShareBound: loadedBytes === 0 ? 0 : Math.max(0, 1 - phase.origin.segments.distinctBytes / loadedBytes),
    originSegmentBytes: phase.origin.segments.bytes,
    originRequestsPerSegment: phase.origin.segments.requestsPerSegment,
    stalls: sum(v.map((r) => r.stalls)),
    stallSeconds: sum(v.map((r) => r.stallSeconds)),
    meanStartupMs: mean(present(v.map((r) => r.startupMs))),
    meanLatencySec: mean(present(v.map((r) => r.meanLatencySec))),
    // Per round: a pooled report holds every round's viewers.
    peerConnectionsAtEnd: sum(v.filter((r) => !r.churned).map((r) => r.peersAtEnd)) / 2 / Math.max(1, new Set(v.map((r) => r.round)).size),
    meanHeapBytes: mean(heaps),
    maxHeapBytes: heaps.length === 0 ? null : Math.max(...heaps),
    browserCpuSeconds,
    browserCores: phase.wallSeconds === 0 ? 0 : browserCpuSeconds / phase.wallSeconds,
    nodeCpuSeconds: phase.nodeCpuSeconds,
    errors: sum(v.map((r) => r.errors.length)),
  };
}

export function computeFigures(shoal: PhaseReport, plain: PhaseReport, viewers: number): SwarmScenarioResult['figures'] {
  const s = phaseFigures(shoal);
  const p = phaseFigures(plain);
  const p2pShareLimit = 1 - 1 / viewers;
  const comparison: ComparisonFigures = {
    p2pShareLimit,
    shareOfLimit: p2pShareLimit === 0 ? 0 : s.p2pShare / p2pShareLimit,
    shareOfBound: s.p2pShareBound === 0 ? 0 : s.p2pShare / s.p2pShareBound,
    originBytesRatio: p.originSegmentBytes === 0 ? 0 : s.originSegmentBytes / p.originSegmentBytes,
    startupRatio: s.meanStartupMs !== null && p.meanStartupMs ? s.meanStartupMs / p.meanStartupMs : null,
    latencyDifferenceSec: s.meanLatencySec !== null && p.meanLatencySec !== null ? s.meanLatencySec - p.meanLatencySec : null,
  };
  return { shoal: s, plain: p, comparison };
}

const pct = (x: number): string => `${(x * 100).toFixed(0)} %`;
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
const num = (x: number | null, digits: number, unit = ''): string => (x === null ? '–' : `${x.toFixed(digits)}${unit}`);

/** Seconds behind the live edge, signed; '–' when unknown, and always for VOD (no live edge). */
function latencyText(o: SwarmScenarioResult['options'], differenceSec: number | null): string {
  if (o.stream === 'vod' || differenceSec === null) return '–';
  return `${differenceSec >= 0 ? '+' : ''}${differenceSec.toFixed(1)} s`;
}

/** Which audience ran: live, VOD viewers within seconds (a push notification), or minutes apart. */
export function modeText(o: SwarmScenarioResult['options']): string {
  const stagger = `joins ${o.staggerMs / 1000} s apart`;
  if (o.stream === 'live') return `live (${stagger})`;
  if (o.vodApart) return `vod apart (${stagger}, each from 0 s, earlier pages kept open)`;
  return `vod together (${stagger}, viewer i from (i × ${o.vodStartStepSec}) mod ${VOD_START_WRAP_SEC} s)`;
}

/** The one-line summary of a scenario. */
export function summaryLine(result: SwarmScenarioResult): string {
  const { options: o, figures } = result;
  const { shoal: s, plain: p, comparison: c } = figures;
  const signed = latencyText(o, c.latencyDifferenceSec);
  return [
    `swarm ${modeText(o)} ${o.player} ${o.streamName} N=${o.viewers} ${o.seconds}s${o.integrity ? '' : ' no-integrity'}${o.churn ? ' churn' : ''}:`,
    `P2P share ${pct(s.p2pShare)} (origin-implied ${pct(s.originImpliedShare)}; limit ${pct(c.p2pShareLimit)}, ${c.shareOfLimit.toFixed(2)} of it; this run's bound ${pct(s.p2pShareBound)}, ${c.shareOfBound.toFixed(2)} of it)`,
    `| origin ${mb(s.originSegmentBytes)} vs ${mb(p.originSegmentBytes)} plain (×${c.originBytesRatio.toFixed(2)}), ${s.originRequestsPerSegment.toFixed(2)} vs ${p.originRequestsPerSegment.toFixed(2)} req/segment`,
    `| stalls ${s.stalls} (${s.stallSeconds.toFixed(1)} s) vs ${p.stalls} (${p.stallSeconds.toFixed(1)} s)`,
    `| startup ×${num(c.startupRatio, 2)} (${num(s.meanStartupMs, 0, ' ms')} vs ${num(p.meanStartupMs, 0, ' ms')})`,
    `| latency ${signed}`,
    `| ${s.peerConnectionsAtEnd} peer connections at end`,
    `| heap ${num(s.meanHeapBytes === null ? null : s.meanHeapBytes / 1e6, 1, ' MB')}/page vs ${num(p.meanHeapBytes === null ? null : p.meanHeapBytes / 1e6, 1, ' MB')}`,
    `| browser CPU ${s.browserCpuSeconds.toFixed(0)} s (${s.browserCores.toFixed(2)} cores) vs ${p.browserCpuSeconds.toFixed(0)} s (${p.browserCores.toFixed(2)} cores) on ${result.machine.cpus}`,
    `| errors ${s.errors}/${p.errors}`,
    `| ${roundsText(result)}`,
  ].join(' ');
}

/** How many rounds were pooled, and each one's startup ratio and latency difference: the spread. */
function roundsText(result: SwarmScenarioResult): string {
  const rounds = result.roundComparisons;
  if (rounds.length <= 1) return '1 round';
  const each = rounds.map((c) => `×${num(c.startupRatio, 2)} ${latencyText(result.options, c.latencyDifferenceSec)}`);
  return `${rounds.length} rounds, alternating order (startup, latency per round: ${each.join('; ')})`;
}

/**
 * Every arm side by side, the plain player's last: P2P share against the arm's own bound (what its run
 * allowed, see `PhaseFigures.p2pShareBound`), origin requests per segment, startup and latency against
 * the plain player (latency: live only), stalls. A header line and one line per arm.
 */
export function armsTable(result: SwarmScenarioResult): string[] {
  const { options: o, figures } = result;
  const plain = figures.plain;
  const arms: Array<{ name: string; f: typeof plain; c: ComparisonFigures | null }> = [
    { name: 'Shoal', f: figures.shoal, c: figures.comparison },
    ...(result.anchorFigures ? [{ name: 'p2p-media-loader', f: result.anchorFigures.anchor, c: result.anchorFigures.comparison }] : []),
    { name: `plain ${o.player}`, f: plain, c: null },
  ];
  const columns = ['arm', 'share', 'bound', 'share/bound', 'origin req/segment', 'startup vs plain', 'latency vs plain', 'stalls'];
  const rows = arms.map(({ name, f, c }) => [
    name,
    c ? pct(f.p2pShare) : '–',
    c ? pct(f.p2pShareBound) : '–',
    c ? c.shareOfBound.toFixed(2) : '–',
    f.originRequestsPerSegment.toFixed(2),
    `${c ? `×${num(c.startupRatio, 2)}` : '×1'} (${num(f.meanStartupMs, 0, ' ms')})`,
    c ? latencyText(o, c.latencyDifferenceSec) : o.stream === 'vod' ? '–' : `${num(f.meanLatencySec, 1, ' s')} behind`,
    `${f.stalls} (${f.stallSeconds.toFixed(1)} s)`,
  ]);
  const widths = columns.map((title, i) => Math.max(title.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [`arms, ${modeText(o)}, N=${o.viewers} (limit 1 − 1/N = ${pct(figures.comparison.p2pShareLimit)}):`, line(columns), ...rows.map(line)];
}

/** One line per viewer of a phase (of every round pooled in it). */
export function viewerLines(phase: PhaseReport): string[] {
  return phase.viewers.map((r) => {
    const renditions = Object.entries(r.renditions).map(([level, seconds]) => `${level} ${seconds}s`).join(', ') || '–';
    return `  ${r.p2p ? 'shoal' : 'plain'} viewer ${r.id}${r.round > 0 ? ` (round ${r.round + 1})` : ''}${r.churned ? ' (left)' : ''}: P2P ${pct(r.p2pShare)} (${mb(r.p2pBytes)} peers, ${mb(r.httpBytes)} HTTP, ${mb(r.uploadedBytes)} up), peers ${r.peersAtEnd}, stalls ${r.stalls} (${r.stallSeconds.toFixed(1)} s), startup ${num(r.startupMs, 0, ' ms')}, latency ${num(r.meanLatencySec, 1, ' s')}, heap ${num(r.heapUsedBytes === null ? null : r.heapUsedBytes / 1e6, 1, ' MB')}, CPU ${num(r.cpuSeconds, 1, ' s')}, renditions ${renditions}${r.errors.length ? `, errors: ${r.errors.join('; ')}` : ''}`;
  });
}
