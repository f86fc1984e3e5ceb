/**
 * The fault test's figures (test/browser/faults.test.ts): one line per page of each run, then the faults
 * run against the fault-free one. Printed, never asserted, except `lostFragments`.
 */
import type { FragmentRecord, PageReport } from './demo-pages';

export interface PageRow {
  run: string;
  label: string;
  report: PageReport;
  /** The page's `performance.now()` when a fault began, if one did: the zero of `retryTimeline`. */
  outageAtPageMs?: number;
}

/**
 * Main fragments hls.js started loading and never loaded, among those older than the newest it loaded
 * (a newer one still in flight at the reading is not lost).
 */
export function lostFragments(fragments: FragmentRecord): number[] {
  const loaded = new Set(fragments.loaded);
  const newest = Math.max(-1, ...fragments.loaded);
  return fragments.requested.filter((sn) => sn < newest && !loaded.has(sn));
}

/** Media sequence numbers between the first and newest loaded fragment that hls.js never asked for (skipped). */
export function skippedFragments(fragments: FragmentRecord): number[] {
  if (fragments.loaded.length === 0) return [];
  const requested = new Set(fragments.requested);
  const skipped: number[] = [];
  for (let sn = Math.min(...fragments.loaded); sn < Math.max(...fragments.loaded); sn++) if (!requested.has(sn)) skipped.push(sn);
  return skipped;
}

/** When, on the page's clock, hls.js reported each failed main-fragment load (its retries included). */
export function fragmentErrorsAtMs(fragments: FragmentRecord): number[] {
  return fragments.failures.filter(([, , event]) => event === 'error').map(([atMs]) => atMs);
}

/** Fragments a page did not play from a load: lost and skipped, in order. */
export function missedFragments(fragments: FragmentRecord): number[] {
  return [...lostFragments(fragments), ...skippedFragments(fragments)].sort((a, b) => a - b);
}

const percent = (share: number) => `${(share * 100).toFixed(0)} %`;
const seconds = (ms: number) => (ms / 1000).toFixed(1);

function retries(r: PageReport): string {
  const entries = Object.entries(r.fragments.nonFatalErrors);
  return entries.length === 0 ? '–' : entries.map(([details, count]) => `${details}×${count}`).join(' ');
}

function line(cells: string[]): string {
  const widths = [11, 26, 10, 7, 10, 6, 8, 7];
  return `# ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' ')}`.trimEnd();
}

interface Totals {
  share: number;
  stalls: number;
  stalledMs: number;
}

/** Mean P2P share, total stalls and stalled time of a run's Shoal pages. */
function shoalTotals(rows: readonly PageRow[]): Totals {
  const shoal = rows.filter((row) => row.report.p2p);
  return {
    share: shoal.reduce((sum, row) => sum + row.report.p2pShare, 0) / Math.max(1, shoal.length),
    stalls: shoal.reduce((sum, row) => sum + row.report.stalls, 0),
    stalledMs: shoal.reduce((sum, row) => sum + row.report.stalledMs, 0),
  };
}

const ratio = (faults: number, faultFree: number) => (faultFree === 0 ? (faults === 0 ? '×1' : '×∞') : `×${(faults / faultFree).toFixed(2)}`);

export function faultTable(faultFree: readonly PageRow[], faults: readonly PageRow[]): string[] {
  const lines = [line(['run', 'page', 'P2P share', 'stalls', 'stalled s', 'lost', 'skipped', 'errors', 'hls.js non-fatal errors (retried)'])];
  for (const { run, label, report: r } of [...faultFree, ...faults]) {
    lines.push(line([
      run, label, r.p2p ? percent(r.p2pShare) : '–', String(r.stalls), seconds(r.stalledMs),
      String(lostFragments(r.fragments).length), String(skippedFragments(r.fragments).length), String(r.errors.length), retries(r),
    ]));
  }
  const [free, faulty] = [shoalTotals(faultFree), shoalTotals(faults)];
  lines.push(
    `# Shoal pages, faults vs fault-free: mean P2P share ${percent(free.share)} → ${percent(faulty.share)} (${ratio(faulty.share, free.share)}), ` +
      `stalls ${free.stalls} → ${faulty.stalls} (${ratio(faulty.stalls, free.stalls)}), stalled ${seconds(free.stalledMs)} s → ${seconds(faulty.stalledMs)} s`,
  );
  return lines;
}

const EVENT_MARK = { loading: 'L', loaded: 'OK', error: 'x' } as const;

/**
 * Each page's retries of the fragments that failed, one line per page: `sn: x+0.0 L+1.0 x+1.1 … OK+9.8`
 * (x error, L loading, OK loaded), seconds from the fault's start (else the page's first failure). Read against the plain page's
 * line, it shows whether a Shoal page failed later or retried on another schedule than hls.js alone.
 */
export function retryTimeline(rows: readonly PageRow[]): string[] {
  const lines: string[] = [];
  for (const { run, label, report, outageAtPageMs } of rows) {
    const events = report.fragments.failures;
    if (events.length === 0) continue;
    const firstMs = outageAtPageMs ?? events[0]![0];
    const bySn = new Map<number, string[]>();
    for (const [atMs, sn, event] of events) {
      const list = bySn.get(sn) ?? [];
      list.push(`${EVENT_MARK[event]}+${seconds(atMs - firstMs)}`);
      bySn.set(sn, list);
    }
    const cells = [...bySn].map(([sn, list]) => `${sn}: ${list.join(' ')}`);
    lines.push(`# ${run}, ${label}, retries: ${cells.join(' | ')}`);
  }
  return lines;
}
