/**
 * How often the WebTorrent tracker client announces, and how many offers an announce carries: the
 * client's own pacing (`announce-schedule.ts`), kept apart from it so the simulator's tracker
 * model (`sim/memory-tracker.ts`) paces its clients the same way without importing bittorrent-tracker.
 */

/**
 * Shortest time between two announces we trigger. Each announce makes up to `OFFERS_PER_ANNOUNCE`
 * RTCPeerConnections per tracker, so a wanted-peer count that changes every few hundred ms must not
 * announce each time.
 */
export const MIN_ANNOUNCE_GAP_MS = 2_000;

/** Offers one announce makes per tracker URL: bittorrent-tracker's client makes 5 (library 11.2.3). */
export const OFFERS_PER_ANNOUNCE = 5;
