/**
 * Issue 17, faults in real Chromium: two 60 s runs of the live demo stream, each with four Shoal viewers
 * and one plain hls.js viewer (the control: what hls.js does without Shoal in the same run), each page in
 * its own browser process, on a tracker in its own process (`tracker-process.ts`).
 *
 * - fault-free: nothing happens.
 * - faults, in sequence: the tracker SIGKILLed at 12 s and started again on its port at 22 s; the origin
 *   answering 503 to every media segment from 28 s to 38 s; the first Shoal viewer's browser SIGKILLed at
 *   45 s (no goodbye of any kind).
 *
 * Why segments only: with a whole-CDN outage (playlists too, `scope: 'all'`) hls.js 1.x itself gives up:
 * after five level-playlist retries it raises a fatal `levelLoadError 503` and stops, the plain player as
 * the Shoal ones (measured: every page of the run had that one fatal error and stalled 26 s, to the end).
 * No segment loader can keep a player whose playlists are gone, so that case shows only parity; the
 * segment outage is the one where Shoal could fail or lose a fragment, and it is the one asserted.
 *
 * Asserted: no player error on any page still running (fatal hls.js error or video element error);
 * playback went on after the last fault; no fragment missed in the fault-free run; in the faults run, every
 * fragment failure of every Shoal page (the crashed one's too) falls inside the origin outage: none before
 * it, none from the tracker's death, none after the origin came back or from the crashed peer (Shoal
 * neither adds failures nor prolongs the outage: each load its player starts once the origin is back
 * succeeds, from peers or the origin). Peer bytes are identical to the origin's (SHA-256); the restarted
 * tracker knows the Shoal pages at the end (they announced again). The origin is not hammered: in the
 * outage it refuses no more requests than twice the plain page's (its retries) for every page.
 *
 * Not asserted, printed: how many fragments each page missed against the plain page. A fragment failing
 * for the whole outage can leave the 12 s live window before hls.js's backoff (1, 2, 4, 8 s after its
 * first failure) retries it, and hls.js then jumps into the window: how many a page misses depends on when
 * its first failure came, which differs from page to page by up to ~3.5 s (when its playlist refresh
 * showed the fragment; whether it was waiting for a peer's origin fetch). Measured over six runs of the
 * same code (five here, one in CI), the plain page missing 3 in each: every Shoal page 0 in one run, three
 * of four 0 in another, the same 3 in three runs, and one page 6 in the CI run — a lottery in both
 * directions, which an assertion on the count turned into a flaky test. Printed: per page P2P share, stalls, stalled seconds, missed fragments and hls.js's
 * non-fatal errors (its retries), each failed fragment's loads and failures from the outage's start; the
 * faults run against the fault-free one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { assertPeerBytesMatchOrigin, currentTime, readReport, useDemoFixture, type PageReport } from './demo-pages';
import { TrackerProcess } from './tracker-process';
import { faultTable, fragmentErrorsAtMs, missedFragments, retryTimeline, type PageRow } from './fault-table';

const RUN_MS = 60_000;
const SHOAL_VIEWERS = 4;
const JOIN_STAGGER_MS = 1_000;
/** When each fault happens, from the moment the last viewer joined. */
const FAULT_SCHEDULE = {
  trackerKilledAtMs: 12_000,
  trackerRestartedAtMs: 22_000,
  originOutageAtMs: 28_000,
  originOutageMs: 10_000,
  viewerCrashedAtMs: 45_000,
} as const;
const OUTAGE_STATUS = 503;
/**
 * How many times the plain page's own asks each page may put to the failing origin, in all: a page's
 * retry may fetch two fragments where the plain one fetches one (a prefetch it started just before).
 */
const OUTAGE_ASKS_SLACK = 2;
/**
 * How long after the outage's end, on a page's clock, a fragment failure still counts as the outage's: the
 * pages' clocks are read one after another before it begins (a few ms each), and a 503 sent in its last
 * moment arrives after it.
 */
const OUTAGE_END_MARGIN_MS = 1_000;
/** Played media seconds, after the last fault, that show a page kept playing (not a frame's jitter). */
const PLAYED_ON_SEC = 1;

const fixture = useDemoFixture();

type RunName = 'fault-free' | 'faults';

interface RunResult {
  rows: PageRow[];
  /** Reports of the pages still running at the end, plain control first. */
  survivors: PageReport[];
  /** Every Shoal page's report: survivors at the end, the crashed page just before its crash. */
  shoalReports: PageReport[];
  /** currentTime of every survivor after the last fault, and at the end. */
  played: Array<{ label: string; fromSec: number; toSec: number }>;
  /** Peers the tracker knows at the end: after a restart, only those that announced to it again. */
  trackerPeersAtEnd: number;
  /** Media segment requests the origin answered with the outage's status (faults run only). */
  outageRefusals?: number;
  log: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runSwarm(run: RunName, tracker: TrackerProcess): Promise<RunResult> {
  const { viewers, demo } = fixture;
  // Its own swarm per run (streams differing in their query are different swarms), on the test's tracker.
  const query = (p2p: boolean) => `stream=liveTs&p2p=${p2p ? 1 : 0}&tracker=${encodeURIComponent(tracker.url)}&streamQuery=${encodeURIComponent(`run=${run}`)}`;
  const plain = await viewers.open(query(false));
  const shoal: Page[] = [];
  for (let i = 0; i < SHOAL_VIEWERS; i++) {
    await sleep(JOIN_STAGGER_MS);
    shoal.push(await viewers.open(query(true)));
  }
  const startedMs = Date.now();
  const at = (ms: number) => sleep(Math.max(0, startedMs + ms - Date.now()));
  const log: string[] = [];
  const note = (what: string) => log.push(`${((Date.now() - startedMs) / 1000).toFixed(1)} s: ${what}`);
  let crashed: { page: Page; report: PageReport } | undefined;
  let outageRefusals: number | undefined;
  /** Each page's `performance.now()` when the origin outage began, to read its retries against. */
  const outageAtPageMs = new Map<Page, number>();

  if (run === 'faults') {
    await at(FAULT_SCHEDULE.trackerKilledAtMs);
    await tracker.kill();
    note('tracker SIGKILLed');
    await at(FAULT_SCHEDULE.trackerRestartedAtMs);
    await tracker.restart();
    note(`tracker restarted on port ${tracker.port}`);
    await at(FAULT_SCHEDULE.originOutageAtMs);
    // Each page's clock is read just before the outage begins: no failure of it can come earlier.
    for (const page of [plain, ...shoal]) outageAtPageMs.set(page, await page.evaluate(() => performance.now()));
    const failedBefore = demo.origin.stats().outage.failedRequests;
    demo.origin.failWith({ status: OUTAGE_STATUS, durationMs: FAULT_SCHEDULE.originOutageMs, scope: 'segments' });
    note(`origin answers ${OUTAGE_STATUS} to every media segment for ${FAULT_SCHEDULE.originOutageMs / 1000} s`);
    await at(FAULT_SCHEDULE.viewerCrashedAtMs);
    outageRefusals = demo.origin.stats().outage.failedRequests - failedBefore;
    note(`origin outage over: ${outageRefusals} requests answered ${OUTAGE_STATUS}`);
    const page = shoal[0]!;
    crashed = { page, report: await readReport(page) };
    viewers.crash(page);
    note('Shoal page 0: its browser SIGKILLed');
  }
  const running = [plain, ...shoal.filter((page) => page !== crashed?.page)];
  const fromSec = await Promise.all(running.map(currentTime));
  await at(RUN_MS);
  const survivors = await Promise.all(running.map(readReport));
  const health = await tracker.health();
  const trackerPeersAtEnd = health?.peers ?? 0;
  note(`tracker: ${health?.connections ?? 0} connections, ${health?.swarms ?? 0} swarms, ${health?.peers ?? 0} peers`);
  await viewers.closeAll();

  const labelOf = (page: Page) => (page === plain ? 'plain hls.js' : `Shoal page ${shoal.indexOf(page)}`);
  const rows: PageRow[] = running.map((page, i) => ({ run, label: labelOf(page), report: survivors[i]!, outageAtPageMs: outageAtPageMs.get(page) }));
  if (crashed) rows.splice(1, 0, { run, label: `${labelOf(crashed.page)} (crashed)`, report: crashed.report, outageAtPageMs: outageAtPageMs.get(crashed.page) });
  return {
    rows,
    survivors,
    shoalReports: [...(crashed ? [crashed.report] : []), ...survivors.slice(1)],
    played: running.map((page, i) => ({ label: labelOf(page), fromSec: fromSec[i]!, toSec: survivors[i]!.currentTime })),
    trackerPeersAtEnd,
    ...(outageRefusals !== undefined ? { outageRefusals } : {}),
    log,
  };
}

function assertRun(name: RunName, result: RunResult): void {
  for (const [i, r] of result.survivors.entries()) {
    const label = result.played[i]!.label;
    assert.deepEqual(r.errors, [], `${name}: ${label} had no player error`);
    if (name === 'fault-free') assert.deepEqual(missedFragments(r.fragments), [], `fault-free: ${label} missed no fragment`);
  }
  if (name === 'faults') {
    // Every Shoal page's fragment failures, the crashed page's included, fall inside the outage: none
    // after the origin came back (Shoal did not prolong the outage: each load its player started then
    // succeeded, from peers or the origin), none before it or from the tracker's death.
    for (const row of result.rows.filter((row) => row.report.p2p)) {
      const outageAtMs = row.outageAtPageMs!;
      const outside = fragmentErrorsAtMs(row.report.fragments).filter((atMs) => atMs < outageAtMs || atMs > outageAtMs + FAULT_SCHEDULE.originOutageMs + OUTAGE_END_MARGIN_MS);
      assert.deepEqual(outside.map((atMs) => `${((atMs - outageAtMs) / 1000).toFixed(1)} s`), [], `faults: ${row.label}'s fragment failures, in seconds from the outage's start (it lasted ${FAULT_SCHEDULE.originOutageMs / 1000} s)`);
    }
  }
  for (const { label, fromSec, toSec } of result.played) {
    assert.ok(toSec > fromSec + PLAYED_ON_SEC, `${name}: ${label} kept playing (${fromSec.toFixed(1)} → ${toSec.toFixed(1)} s)`);
  }
  if (result.outageRefusals !== undefined) {
    // Each page asks the failing origin about as often as the plain page does (once per player retry):
    // no prefetch loop, no peer download falling back to it (measured before the fix: ~1,100 in 10 s).
    const plain = result.survivors[0];
    const plainAsks = (plain!.fragments.nonFatalErrors.fragLoadError ?? 0) + 1;
    const pages = result.rows.length;
    assert.ok(result.outageRefusals <= OUTAGE_ASKS_SLACK * pages * plainAsks, `${name}: the origin refused ${result.outageRefusals} requests in the outage; ${pages} pages at the plain page's ${plainAsks} would be ${pages * plainAsks}`);
  }
  const shoalSurvivors = result.survivors.length - 1;
  assert.ok(result.trackerPeersAtEnd >= shoalSurvivors, `${name}: the ${shoalSurvivors} Shoal pages announced to the tracker (it knows ${result.trackerPeersAtEnd} peers at the end)`);
}

test('live swarm under faults: tracker killed and restarted, origin 5xx for 10 s, a viewer crashed; no player error, no fragment failure outside the outage', { timeout: 360_000 }, async () => {
  const tracker = await TrackerProcess.start();
  try {
    const faultFree = await runSwarm('fault-free', tracker);
    const faults = await runSwarm('faults', tracker);
    const logLines = [...faultFree.log.map((line) => `# fault-free run, ${line}`), ...faults.log.map((line) => `# faults run, ${line}`)];
    console.log([...logLines, ...faultTable(faultFree.rows, faults.rows), ...retryTimeline(faults.rows)].join('\n'));

    assertRun('fault-free', faultFree);
    assertRun('faults', faults);
    const shoalReports = [...faultFree.shoalReports, ...faults.shoalReports];
    assert.ok(faults.shoalReports.some((r) => r.p2pBytes > 0), 'peers delivered bytes in the faults run');
    const checked = await assertPeerBytesMatchOrigin(shoalReports);
    console.log(`# ${checked} segments from peers over both runs, all identical to the origin's`);
  } finally {
    await tracker.kill();
  }
});
