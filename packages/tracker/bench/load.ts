/**
 * `npm run bench:tracker`: how many viewers one `@shoal/tracker` process carries. For each K (stepping
 * up) it starts a fresh tracker process (`dist/cli.js`) on loopback, forks worker processes running K
 * simulated viewers (`load-clients.ts`), lets them connect and announce, measures for a window, and prints
 * announces/s and offers relayed/s (the tracker's own counters), the p99 latency of a relayed offer, the
 * tracker's CPU and memory per connected peer — then the largest K whose p99 stayed under 1 s.
 *
 * Environment: BENCH_TRACKER_STEPS (250,500,1000,2000,4000,8000,16000), BENCH_TRACKER_WINDOW_SEC (20),
 * BENCH_TRACKER_SWARM (20 viewers per swarm), BENCH_TRACKER_ANNOUNCE_SEC (20: the engine's announce
 * interval while under maxPeers — the worst case: every viewer offering on every announce),
 * BENCH_TRACKER_OFFERS (5: the engine's offers per announce), BENCH_TRACKER_WORKERS (2 client processes).
 * Linux only (CPU and RSS from /proc). The clients share the machine with the tracker: on a small
 * machine they, not the tracker, may be the limit — the output says how busy the tracker process was.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WorkerArgs, WorkerResult } from './load-clients';

const env = (name: string, fallback: string): string => process.env[name] || fallback;
const STEPS = env('BENCH_TRACKER_STEPS', '250,500,1000,2000,4000,8000,16000').split(',').map(Number);
const WINDOW_SEC = Number(env('BENCH_TRACKER_WINDOW_SEC', '20'));
const SWARM_SIZE = Number(env('BENCH_TRACKER_SWARM', '20'));
const ANNOUNCE_SEC = Number(env('BENCH_TRACKER_ANNOUNCE_SEC', '20'));
const OFFERS = Number(env('BENCH_TRACKER_OFFERS', '5'));
const WORKERS = Number(env('BENCH_TRACKER_WORKERS', '2'));
/** A p99 relayed-offer latency under this (ms) counts as "held": an offer waits well within its 15 s timeout and peers meet within a second. */
const P99_TARGET_MS = 1000;
/** Connections per second the workers ramp up at (so the tracker is not measured on a connect storm). */
const CONNECTS_PER_SEC = 1000;
/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const CLOCK_TICKS_PER_SEC = 100;

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const WORKER = fileURLToPath(new URL('./load-clients.ts', import.meta.url));

interface Tracker {
  child: ChildProcess;
  url: string;
  httpUrl: string;
}

async function startTrackerProcess(): Promise<Tracker> {
  // Every simulated viewer is 127.0.0.1, and one worker connects many: the per-IP cap is lifted.
  const child = spawn(process.execPath, [CLI, '--port', '0', '--max-connections-per-ip', '1000000'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    child.once('exit', (code) => reject(new Error(`tracker exited (${code})`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += String(chunk);
      const match = /"event":"tracker:started"[^\n]*"port":(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
      if (output.length > 100_000) output = output.slice(-10_000);
    });
  });
  return { child, url: `ws://127.0.0.1:${port}`, httpUrl: `http://127.0.0.1:${port}` };
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SEC; // utime, stime (fields 14, 15)
}

function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) * 1024;
}

async function counter(httpUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1] ?? 0);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface StepResult {
  k: number;
  connected: number;
  announcesPerSec: number;
  offersRelayedPerSec: number;
  p50Ms: number;
  p99Ms: number;
  cpuPercent: number;
  cpuMsPerPeerSec: number;
  rssPerPeerBytes: number;
  failures: number;
}

async function runStep(k: number): Promise<StepResult> {
  const tracker = await startTrackerProcess();
  const pid = tracker.child.pid!;
  await new Promise((resolve) => setTimeout(resolve, 500));
  const idleRss = rssBytes(pid);
  const rampSec = Math.max(1, k / CONNECTS_PER_SEC);
  const workers = Array.from({ length: Math.min(WORKERS, k) }, (_, w) => {
    const first = Math.floor((w * k) / WORKERS);
    const count = Math.floor(((w + 1) * k) / WORKERS) - first;
    const args: WorkerArgs = { url: tracker.url, first, count, swarmSize: SWARM_SIZE, offersPerAnnounce: OFFERS, announceSec: ANNOUNCE_SEC, rampSec };
    return fork(WORKER, [JSON.stringify(args)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  });
  const message = (child: ChildProcess, type: string): Promise<{ result?: WorkerResult }> =>
    new Promise((resolve) => child.on('message', (m: { type: string; result?: WorkerResult }) => m.type === type && resolve(m)));
  await Promise.all(workers.map((w) => message(w, 'ready')));
  // Let the first announces (a burst of the ramp) settle into the steady re-announce pattern.
  await new Promise((resolve) => setTimeout(resolve, Math.min(ANNOUNCE_SEC, 10) * 1000));
  const [announces0, offers0, cpu0] = [await counter(tracker.httpUrl, 'shoal_tracker_announces_total'), await counter(tracker.httpUrl, 'shoal_tracker_offers_relayed_total'), cpuSeconds(pid)];
  const t0 = performance.now();
  for (const w of workers) w.send({ type: 'measure' });
  await new Promise((resolve) => setTimeout(resolve, WINDOW_SEC * 1000));
  const results = Promise.all(workers.map((w) => message(w, 'result')));
  for (const w of workers) w.send({ type: 'stop' });
  const seconds = (performance.now() - t0) / 1000;
  const [announces1, offers1, cpu1, rss] = [await counter(tracker.httpUrl, 'shoal_tracker_announces_total'), await counter(tracker.httpUrl, 'shoal_tracker_offers_relayed_total'), cpuSeconds(pid), rssBytes(pid)];
  const merged = (await results).map((m) => m.result!);
  tracker.child.kill('SIGTERM');
  await new Promise((resolve) => tracker.child.once('exit', resolve));
  const latencies = merged.flatMap((r) => r.offerLatencyMs).sort((a, b) => a - b);
  const connected = merged.reduce((sum, r) => sum + r.connected, 0);
  const cpu = (cpu1 - cpu0) / seconds;
  return {
    k,
    connected,
    announcesPerSec: (announces1 - announces0) / seconds,
    offersRelayedPerSec: (offers1 - offers0) / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    cpuPercent: cpu * 100,
    cpuMsPerPeerSec: (cpu * 1000) / Math.max(1, connected),
    rssPerPeerBytes: (rss - idleRss) / Math.max(1, connected),
    failures: merged.reduce((sum, r) => sum + r.failedConnections + r.closedByTracker, 0),
  };
}

async function main(): Promise<void> {
  console.log(`@shoal/tracker load: swarms of ${SWARM_SIZE}, ${OFFERS} offers per announce every ${ANNOUNCE_SEC} s, ${WINDOW_SEC} s windows, ${WORKERS} client processes`);
  console.log('K\tconnected\tannounces/s\toffers relayed/s\tp50 ms\tp99 ms\ttracker CPU %\tCPU ms/peer/s\tRSS/peer\tfailures');
  let held = 0;
  for (const k of STEPS) {
    const r = await runStep(k);
    console.log([r.k, r.connected, r.announcesPerSec.toFixed(0), r.offersRelayedPerSec.toFixed(0), r.p50Ms.toFixed(1), r.p99Ms.toFixed(1), r.cpuPercent.toFixed(0), r.cpuMsPerPeerSec.toFixed(3), `${(r.rssPerPeerBytes / 1024).toFixed(1)} KiB`, r.failures].join('\t'));
    const ok = r.p99Ms < P99_TARGET_MS && r.connected === k && r.failures === 0;
    if (!ok) break;
    held = k;
  }
  console.log(held ? `largest K held with p99 < ${P99_TARGET_MS} ms: ${held}` : `no step held p99 < ${P99_TARGET_MS} ms`);
  console.log('Announce rate scales with the interval: real viewers with maxPeers connected announce without offers (or not at all).');
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
