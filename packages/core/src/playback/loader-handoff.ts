/**
 * When Shoal carries a player's request, and when the player's own loader takes over. One rule for every
 * adapter (hls.js, Shaka, and video.js through hls.js):
 *
 * Shoal carries a request only when
 *   1. Shoal is active: the engine may use peers (`p2pEnabled`) and the browser has WebRTC
 *      (`isShoalActive`); otherwise the adapter installs nothing and the player runs exactly as without it;
 *   2. it is a media segment of a player attached to the engine (`attachShoal`, not yet detached or
 *      destroyed) whose rendition and segment the adapter can name as every viewer names them (a rendition
 *      of the manifest; a segment id; a byte range the engine can express);
 *   3. the engine is alive: its load does not fail for a reason other than the origin (`isOriginFailure`).
 *
 * Everything else goes to the player's own loader, unchanged: manifests, playlists, init segments, keys
 * and licenses, subtitles, LL-HLS parts, segments the adapter cannot name, requests made before
 * `attachShoal` or after the attachment ended, and a request whose engine load fails for any reason but
 * the origin (the engine destroyed, its storage failing): that one is started again by the player's loader,
 * so playback goes on from the origin. An origin failure (`http-status`, `http-network`, `http-timeout`, and
 * `http-length-mismatch`: a body longer or shorter than declared, a network error to the player) reaches the player as its own loader would have reported it, so its retries and error handling work as
 * without Shoal; a load the player aborted ends as an abort.
 */
import { isShoalError, type ShoalError, type ShoalErrorCode } from '../errors';

/** The codes of failures that are the origin's (rule 3). */
const ORIGIN_FAILURE_CODES: ReadonlySet<ShoalErrorCode> = new Set(['http-status', 'http-network', 'http-timeout', 'http-length-mismatch']);

/** The engine's switch, as `ShoalEngine.config` exposes it. */
export interface P2pSwitch {
  readonly config: { readonly p2pEnabled: boolean };
}

/**
 * Whether Shoal takes part at all (rule 1): the engine may use peers and the browser has WebRTC. When it
 * does not, the adapter stays out of the way: no loader, no plugin, no engine traffic.
 */
export function isShoalActive(engine: P2pSwitch): boolean {
  return engine.config.p2pEnabled && hasWebRtc();
}

/**
 * Whether a failed engine load is the origin's failure, for the player to see as its own loader's (rule 3).
 * Any other failure hands the request to the player's own loader.
 */
export function isOriginFailure(error: unknown): error is ShoalError {
  return isShoalError(error) && ORIGIN_FAILURE_CODES.has(error.code);
}

/** Feature detection only: core reads no other browser global. */
function hasWebRtc(): boolean {
  return typeof (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection === 'function';
}
