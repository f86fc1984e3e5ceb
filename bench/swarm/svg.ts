/**
 * The picture of a run: for each phase (Shoal above, plain hls.js below, same scale), bytes loaded per
 * second summed over viewers as stacked areas — HTTP at the bottom, peers on top — with the origin's
 * own bytes per second as a dashed line and viewer joins/leaves as ticks. Pure: result in, SVG text out.
 */
import type { PhaseReport, SwarmScenarioResult } from './types';

const WIDTH = 960;
const PANEL_HEIGHT = 250;
const MARGIN = { left: 70, right: 20, top: 40, bottom: 36 };
const COLORS = { http: '#e8590c', p2p: '#2b8a3e', origin: '#212529', join: '#1971c2', leave: '#c92a2a' } as const;

/** Segments arrive in 2 s bursts: a centered 4 s mean shows the rate rather than the bursts. */
const SMOOTHING_SECONDS = 4;

function smooth(values: number[]): number[] {
  const half = SMOOTHING_SECONDS / 2;
  return values.map((_, i) => {
    const window = values.slice(Math.max(0, i - half + 1), Math.min(values.length, i + half + 1));
    return window.reduce((a, b) => a + b, 0) / window.length;
  });
}

const escape = (text: string): string => text.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!);

/** A round step for axis ticks: 1, 2 or 5 × 10^k, giving about `count` ticks up to `max`. */
function niceStep(max: number, count: number): number {
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((step) => step >= raw) ?? raw;
}

function panel(phase: PhaseReport, title: string, top: number, maxBytesPerSec: number, seconds: number): string {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const y0 = top + MARGIN.top + plotH;
  const x = (second: number): number => MARGIN.left + (second / seconds) * plotW;
  const y = (bytes: number): number => y0 - (bytes / maxBytesPerSec) * plotH;
  const http = smooth(phase.timeline.map((p) => p.httpBytes));
  const p2p = smooth(phase.timeline.map((p) => p.p2pBytes));
  const points = phase.timeline.map((p, i) => ({ second: p.second, httpBytes: http[i]!, p2pBytes: p2p[i]! }));
  // Bucket `second` covers [second, second + 1): plot it at its middle.
  const steps = (value: (p: (typeof points)[number]) => number): Array<[number, number]> =>
    points.map((p) => [x(Math.min(p.second + 0.5, seconds)), y(value(p))]);
  const area = (upper: Array<[number, number]>, lower: Array<[number, number]>): string =>
    [...upper, ...lower.slice().reverse()].map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${px.toFixed(1)},${py.toFixed(1)}`).join(' ') + ' Z';
  const base = points.map((p) => [x(Math.min(p.second + 0.5, seconds)), y0] as [number, number]);
  const httpTop = steps((p) => p.httpBytes);
  const allTop = steps((p) => p.httpBytes + p.p2pBytes);
  const origin = smooth(phase.origin.bytesPerSecond)
    .map((bytes, i) => `${i === 0 ? 'M' : 'L'}${x(i + 0.5).toFixed(1)},${y(bytes).toFixed(1)}`)
    .join(' ');

  const out: string[] = [];
  out.push(`<text x="${MARGIN.left}" y="${top + 20}" font-size="16" font-weight="bold">${escape(title)}</text>`);
  const yStep = niceStep(maxBytesPerSec, 4);
  for (let v = 0; v <= maxBytesPerSec; v += yStep) {
    out.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(v)}" y2="${y(v)}" stroke="#dee2e6"/>`);
    out.push(`<text x="${MARGIN.left - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end">${(v / 1e6).toFixed(v < 1e6 && v > 0 ? 2 : 1)} MB/s</text>`);
  }
  const xStep = niceStep(seconds, 10);
  for (let s = 0; s <= seconds; s += xStep) {
    out.push(`<text x="${x(s)}" y="${y0 + 16}" font-size="11" text-anchor="middle">${s} s</text>`);
  }
  if (points.length > 0) {
    out.push(`<path d="${area(httpTop, base)}" fill="${COLORS.http}" fill-opacity="0.85"/>`);
    out.push(`<path d="${area(allTop, httpTop)}" fill="${COLORS.p2p}" fill-opacity="0.85"/>`);
  }
  if (origin) out.push(`<path d="${origin}" fill="none" stroke="${COLORS.origin}" stroke-width="1.5" stroke-dasharray="5 3"/>`);
  for (const viewer of phase.viewers) {
    const jx = x(viewer.joinedAtMs / 1000);
    const plotTop = top + MARGIN.top;
    out.push(`<line x1="${jx}" x2="${jx}" y1="${plotTop}" y2="${y0}" stroke="${COLORS.join}" stroke-opacity="0.35"/>`);
    out.push(`<path d="M${jx},${plotTop} l-4,-7 h8 Z" fill="${COLORS.join}"><title>viewer ${viewer.id} joined</title></path>`);
    if (viewer.churned) {
      const lx = x(viewer.leftAtMs / 1000);
      out.push(`<line x1="${lx}" x2="${lx}" y1="${plotTop}" y2="${y0}" stroke="${COLORS.leave}" stroke-opacity="0.35"/>`);
      out.push(`<path d="M${lx},${plotTop - 7} l-4,7 h8 Z" fill="${COLORS.leave}"><title>viewer ${viewer.id} left</title></path>`);
    }
  }
  out.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y0}" y2="${y0}" stroke="#495057"/>`);
  return out.join('\n');
}

function caption({ options, figures: { shoal: s, plain: p } }: SwarmScenarioResult): string {
  const throttle = `${options.throttle.firstByteDelayMs} ms, ${(options.throttle.bytesPerSec / 1e6).toFixed(1)} MB/s per response`;
  return `bytes per second over all viewers (${SMOOTHING_SECONDS} s mean); ${options.stream} ${options.player}${options.churn ? ', churn' : ''}; origin ${throttle}; ` +
    `origin requests per segment ${s.originRequestsPerSegment.toFixed(2)} vs ${p.originRequestsPerSegment.toFixed(2)}; stalls ${s.stalls} vs ${p.stalls}`;
}

export function renderSvg(result: SwarmScenarioResult): string {
  const { shoal, plain, options, figures } = result;
  const seconds = Math.max(options.seconds, shoal.timeline.length, plain.timeline.length);
  const peak = Math.max(
    1,
    ...[shoal, plain].flatMap((phase) => [...smooth(phase.timeline.map((p) => p.httpBytes + p.p2pBytes)), ...smooth(phase.origin.bytesPerSecond)]),
  );
  const maxBytesPerSec = niceStep(peak, 4) * Math.ceil(peak / niceStep(peak, 4));
  const legendY = 2 * PANEL_HEIGHT + 20;
  const height = legendY + 44;
  const share = `${(figures.shoal.p2pShare * 100).toFixed(0)} % from peers`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" fill="#212529">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    panel(shoal, `With Shoal: ${options.viewers} viewers, ${share}, origin ×${figures.comparison.originBytesRatio.toFixed(2)} of plain`, 0, maxBytesPerSec, seconds),
    panel(plain, `Plain hls.js: ${options.viewers} viewers, everything from the origin`, PANEL_HEIGHT, maxBytesPerSec, seconds),
    `<g font-size="13" transform="translate(${MARGIN.left},${legendY})">`,
    `<rect width="14" height="14" fill="${COLORS.http}"/><text x="20" y="12">from HTTP (origin)</text>`,
    `<rect x="170" width="14" height="14" fill="${COLORS.p2p}"/><text x="190" y="12">from peers</text>`,
    `<line x1="300" x2="330" y1="7" y2="7" stroke="${COLORS.origin}" stroke-width="1.5" stroke-dasharray="5 3"/><text x="336" y="12">origin's own byte counter</text>`,
    `<path d="M510,14 l-5,-9 h10 Z" fill="${COLORS.join}"/><text x="520" y="12">viewer joins</text>`,
    `<path d="M615,5 l-5,9 h10 Z" fill="${COLORS.leave}"/><text x="625" y="12">viewer leaves</text>`,
    `<text y="34" font-size="11" fill="#868e96">${escape(caption(result))}</text>`,
    `</g>`,
    `</svg>`,
  ];
  return parts.join('\n');
}
