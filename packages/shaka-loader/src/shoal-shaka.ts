/**
 * The calls that put Shoal under a Shaka player:
 *
 *   registerShoal(shaka);                       // once per page, with the application's shaka namespace
 *   const player = new shaka.Player();
 *   const shoal = attachShoal(player, engine);  // before or after player.load(); shoal.destroy() to detach
 *
 * `attachShoal` adds a request filter to the player's networking engine that tags the player's media-segment
 * requests (not init segments, LL-HLS parts, manifests, playlists, keys or licenses) with their engine
 * segment, and
 * acquires the http/https scheme plugin (see `scheme.ts`) that serves tagged requests through the engine.
 * Which requests Shoal carries and which go to Shaka's own HTTP plugin follows the one rule of core's
 * `loader-handoff.ts`: when Shoal cannot or may not run (no WebRTC, `p2pEnabled: false`) it does nothing and
 * the player is plain Shaka; when the engine is destroyed first, the player's requests go to Shaka's plugin.
 * The attachment ends itself when the player is destroyed.
 */
import { attachLifecycle, INACTIVE_ATTACHMENT, isShoalActive, ShoalError, type ShoalEngine } from '@shoal/core';
import { EngineFeed } from './engine-feed';
import { HlsMediaSequences } from './hls-media-sequence';
import { RejectionReporter } from './rejections';
import { acquireScheme, routeRequest } from './scheme';
import type { Shaka, ShakaPlayer, ShakaRequest, ShakaRequestContext, ShakaRequestType, ShakaResponse, ShakaSegmentReference } from './shaka';

export interface ShoalShakaAttachment {
  /** Whether Shoal serves this player's media segments (false: plain Shaka). */
  readonly active: boolean;
  /**
   * Stop routing this player's requests and feeding the engine; the last attachment to go restores Shaka's
   * default http/https plugin. Idempotent. `player.destroy()` does it too.
   */
  destroy(): void;
}

/** Player events fired while `player.destroy()` runs (after it marked the player DESTROYED). */
const PLAYER_TEARDOWN_EVENTS = ['onstatechange', 'unloading'] as const;

/**
 * The Shaka namespaces `registerShoal` was given (normally one per page). Shaka's scheme registry is
 * itself a global of its namespace; all of Shoal's per-namespace state lives in `scheme.ts`, keyed by it.
 */
const namespaces = new Set<Shaka>();
const attachments = new WeakMap<ShakaPlayer, { engine: ShoalEngine; attachment: ShoalShakaAttachment }>();

/** Make `shaka` known to `attachShoal`. Registers nothing in Shaka until a player is attached. Idempotent. */
export function registerShoal(shaka: Shaka): void {
  namespaces.add(shaka);
}

/**
 * Serve `player`'s media segments through `engine` and feed the engine from the player. Calling it again
 * for the same pair returns the same attachment.
 */
export function attachShoal(player: ShakaPlayer, engine: ShoalEngine): ShoalShakaAttachment {
  if (!isShoalActive(engine)) return INACTIVE_ATTACHMENT;
  const existing = attachments.get(player);
  if (existing) {
    if (existing.engine === engine) return existing.attachment;
    throw configError('attachShoal: this player is already attached to another engine');
  }
  const shaka = [...namespaces].find((candidate) => player instanceof candidate.Player);
  if (!shaka) throw configError('attachShoal(player, engine) needs registerShoal(shaka) first, with the namespace the player comes from');
  const networking = player.getNetworkingEngine();
  if (!networking) throw configError('attachShoal: the player has no networking engine (destroyed?)');

  const hlsSequences = new HlsMediaSequences();
  const feed = new EngineFeed(player, engine, hlsSequences);
  const rejections = new RejectionReporter(shaka, engine);
  player.addEventListener('error', rejections.onError);
  const { RequestType, AdvancedRequestType } = shaka.net.NetworkingEngine;
  const filter = (type: ShakaRequestType, request: ShakaRequest, context?: ShakaRequestContext): void => {
    if (type === RequestType.MANIFEST) return feed.manifestRequested(request.uris[0]);
    if (type !== RequestType.SEGMENT || context?.type !== AdvancedRequestType.MEDIA_SEGMENT || !context.segment) return;
    // LL-HLS parts (slices of a segment still being written) stay with Shaka's plugin, as with hls.js.
    // (`request.streamDataCallback` is no sign of low latency: Shaka 5's segment prefetch sets it on every
    // request, and copes with a plugin that delivers the segment whole.)
    if (isPartial(context.segment)) return;
    const rendition = feed.renditionOf(context.stream);
    const described = rendition && feed.describe(context.segment);
    if (!rendition || !described) return;
    const { url: _url, ...segment } = described;
    routeRequest(shaka, request, { engine, segment: { renditionId: rendition.id, ...segment } });
    rejections.routed(request.uris, { renditionId: rendition.id, segmentId: segment.segmentId });
  };
  // HLS playlists (master and media) arrive as MANIFEST responses, before Shaka's parser reads them.
  const playlistFilter = (type: ShakaRequestType, response: ShakaResponse): void => {
    if (type === RequestType.MANIFEST) hlsSequences.learn(playlistText(response.data), response.uri);
  };
  networking.registerRequestFilter(filter);
  networking.registerResponseFilter(playlistFilter);
  const release = acquireScheme(shaka);

  const attachment: ShoalShakaAttachment = attachLifecycle(engine, [
    () => player.getNetworkingEngine()?.unregisterRequestFilter(filter),
    () => player.getNetworkingEngine()?.unregisterResponseFilter(playlistFilter),
    () => {
      for (const type of PLAYER_TEARDOWN_EVENTS) player.removeEventListener(type, onStateChange);
    },
    () => feed.destroy(),
    () => {
      player.removeEventListener('error', rejections.onError);
      rejections.clear();
    },
    release,
    () => attachments.delete(player),
  ]);
  // Shaka has no "destroyed" event: `player.destroy()` first marks the player DESTROYED, then unloads and
  // detaches, which fire these (with or without media attached); the attachment goes with the player.
  const onStateChange = (): void => {
    if (player.getLoadMode() === shaka.Player.LoadMode.DESTROYED) attachment.destroy();
  };
  for (const type of PLAYER_TEARDOWN_EVENTS) player.addEventListener(type, onStateChange);
  attachments.set(player, { engine, attachment });
  return attachment;
}

/** The text of a manifest response when it is an HLS playlist (`#EXTM3U`), else '' (an MPD, anything else). */
function playlistText(data: ArrayBuffer | ArrayBufferView): string {
  const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
  const head = new TextDecoder().decode(bytes.subarray(0, 16)).replace(/^\uFEFF/, '');
  return head.startsWith('#EXTM3U') ? new TextDecoder().decode(bytes) : '';
}

/** An LL-HLS part (`isPartial()`, in Shaka's public `SegmentReference` API; feature-detected). */
function isPartial(reference: ShakaSegmentReference): boolean {
  return typeof reference.isPartial === 'function' && reference.isPartial();
}

function configError(message: string): ShoalError {
  return new ShoalError('config-invalid', message, { source: 'config', fatal: true });
}
