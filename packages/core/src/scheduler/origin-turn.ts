/**
 * When a viewer's origin turn for a new live segment comes (policy rule 3): the moment it fetches the
 * segment itself if no peer has announced it by then. Pure; every time is in clock milliseconds.
 */

/**
 * Rule 3's fast uploaders: a viewer whose measured uplink sends this many copies of a new live segment
 * within its slack draws its origin turn from the first `FAST_UPLOADER_TURN_SHARE` of that slack. Who
 * fetches a segment first is the root of its relay tree, and with uplinks spread as home and mobile lines
 * are (log-normal), a random root is usually a slow one. Simulator, live, N = 50 seeds 1–4 and N = 100
 * over 180 s: share +0.04 to +0.09 (8 copies, a tenth; 4 copies or a quarter or 16 copies did less).
 */
export const FAST_UPLOADER_COPIES = 8;
export const FAST_UPLOADER_TURN_SHARE = 0.1;

/**
 * Rule 3's turns are drawn as √lottery of the slack (`liveOriginTurnMs`) by a viewer with at least this many
 * peers; with fewer, uniformly. Measured (share of the bound): in the simulator (`npm run sim --
 * --duration 120 --arrival-window 10`, viewers with 6–12 peers) uniform → this rule gave N = 100 seeds 1–3
 * 0.752 → 0.781, 0.711 → 0.761, 0.781 → 0.819 and N = 50 seeds 1–2 0.729 → 0.748, 0.653 → 0.674; startup
 * identical (rule 10 sends a starting viewer's segment at once); one short stall (≤ 0.1 s) in 3 of the 5
 * runs against 2 of 5 uniform. The square root for every viewer did about as well there (exponents 0.3
 * and 0.2: less). But where every viewer hears of a fetch directly, the square root only delays the
 * first fetch and leaves the relays less time; in real Chromium, 6 viewers (5 peers each at most;
 * `bench:swarm --stream liveTs --throttle 40,1000000 --rounds 2`), builds with it for every viewer gave
 * 0.86 and 0.88 of the bound against 0.91 uniform — those builds also requested missing HTTP ranges side
 * by side, since reverted for the same symptom, so the two were not separated. Below 6 peers the turns
 * stay as they were measured in real browsers. The threshold itself is not measured: 6 is half the
 * default `maxPeers`.
 */
export const SPARSE_TURNS_FROM_PEERS = 6;

export interface OriginTurnInput {
  /** When the segment was first wanted. */
  wantedSinceAtMs: number;
  /** The last moment HTTP still makes the deadline with the margin: no turn falls later. */
  latestHttpStartMs: number;
  sizeBytes: number;
  /** This viewer's stable draw in [0, 1) for the segment. */
  originLottery: number;
  /** Connected peers (the swarm less this viewer). */
  peerCount: number;
  /** This viewer's measured uplink; undefined before it is measured. */
  uplinkBytesPerSec: number | undefined;
}

/**
 * The turn: at `originLottery` of the slack between `wantedSinceAtMs` and the last HTTP start, or — with
 * `SPARSE_TURNS_FROM_PEERS` peers or more — at `√originLottery` (the later of two uniform draws), so turns
 * are sparse at the start of the slack and denser towards its end. In a large swarm news of the first
 * fetch reaches only the fetcher's neighbours at first, and the rest a hop per relay later (the relays
 * wait for the fetcher's first byte, which carries the segment's size); with uniform turns the swarm's
 * second, third… turns fell in that time and each fetched the segment again (~6 origin requests per
 * segment and rendition at N = 100).
 */
export function liveOriginTurnMs(input: OriginTurnInput): number {
  const latestMs = input.latestHttpStartMs;
  const sinceMs = Math.min(input.wantedSinceAtMs, latestMs);
  const slackMs = latestMs - sinceMs;
  const share = isFastUploader(input.sizeBytes, slackMs, input.uplinkBytesPerSec) ? FAST_UPLOADER_TURN_SHARE : 1;
  const draw = input.peerCount >= SPARSE_TURNS_FROM_PEERS ? Math.sqrt(input.originLottery) : input.originLottery;
  return sinceMs + draw * share * slackMs;
}

/**
 * A viewer whose measured uplink sends `FAST_UPLOADER_COPIES` copies of the segment within the slack: it
 * can feed a large part of the swarm before the deadline, so it should be the one to fetch a new segment.
 */
function isFastUploader(sizeBytes: number, slackMs: number, uplinkBytesPerSec: number | undefined): boolean {
  if (uplinkBytesPerSec === undefined || uplinkBytesPerSec <= 0) return false;
  return ((FAST_UPLOADER_COPIES * sizeBytes) / uplinkBytesPerSec) * 1000 < slackMs;
}
