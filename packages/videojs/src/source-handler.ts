/**
 * A video.js 8 source handler for HLS that plays through hls.js with Shoal under it, inside video.js's
 * own Html5 tech and UI. It goes first in the Html5 tech's list of source handlers (ahead of video.js's
 * bundled VHS and of native playback) for HLS sources, and only where hls.js runs (MSE).
 *
 *   const shoal = registerShoalSourceHandler(videojs, {
 *     Hls,
 *     createEngine: () => new ShoalEngine({ trackerUrls: ['wss://tracker.example.com'] }),
 *   });
 *   videojs('my-video').src({ src: manifestUrl, type: 'application/x-mpegURL' });
 *   // later, if ever: shoal.unregister()
 *
 * Per source, `handleSource` makes an engine (`createEngine`), `new Hls({ ...hlsConfig, ...shoalHlsConfig(engine) })`,
 * `attachShoal(hls, engine)`, then loads the source on the tech's <video>. video.js disposes the handler
 * on the next source or when the player is disposed: hls.js and the engine are destroyed then.
 *
 * video.js types are not imported: the handler is typed by the few members it uses, so any video.js 8
 * build (npm, a script tag's global `videojs`) fits.
 */
import type { ShoalEngine } from '@shoal/core';
import { attachShoal, shoalHlsConfig } from '@shoal/hlsjs-loader';
import type Hls from 'hls.js';
import type { ErrorData, HlsConfig } from 'hls.js';

/** A video.js source object (`player.src({ src, type })`). */
export interface VideojsSource {
  src: string;
  type?: string;
}

/** The parts of a video.js Html5 tech the handler uses. */
export interface VideojsTechLike {
  el(): unknown;
  options_?: { playerId?: string };
}

/** The parts of a video.js player the handler uses (errors go to `player.error`). */
export interface VideojsPlayerLike {
  error(error: { code: number; message: string }): void;
}

/** A source handler as video.js's `Tech.withSourceHandlers` calls it. */
export interface VideojsSourceHandler {
  canPlayType(type: string): '' | 'maybe' | 'probably';
  canHandleSource(source: VideojsSource, options?: unknown): '' | 'maybe' | 'probably';
  handleSource(source: VideojsSource, tech: VideojsTechLike, options?: unknown): { dispose(): void };
}

/**
 * The parts of the `videojs` function the registration uses. Loosely typed on purpose: video.js's own
 * declarations type `getTech` as returning a plain `Tech`, so `videojs` itself must fit without a cast.
 */
export interface VideojsLike {
  getTech(name: string): unknown;
  getPlayer?(id: string): unknown;
}

/** What `videojs.getTech('Html5')` is at run time: a tech class with source handlers. */
interface SourceHandlerTech {
  registerSourceHandler(handler: VideojsSourceHandler, index?: number): void;
  sourceHandlers?: VideojsSourceHandler[];
}

/** What one handled source is made of: for the console, stats and tests (`shoalSessionOf`). */
export interface ShoalVideojsSession {
  readonly hls: Hls;
  readonly engine: ShoalEngine;
  readonly source: VideojsSource;
}

export interface ShoalSourceHandlerOptions {
  /** The hls.js class (the page's own build: `import Hls from 'hls.js'` or the script tag's `Hls`). */
  Hls: typeof Hls;
  /** A fresh engine for each source; destroyed with it. Keep it (or use `shoalSessionOf`) for `stats()` and events. */
  createEngine(source: VideojsSource): ShoalEngine;
  /** More hls.js config (its `fLoader` is Shoal's). */
  hlsConfig?: Partial<HlsConfig>;
  /** Called with each session when its source starts loading. */
  onSession?(session: ShoalVideojsSession): void;
}

export interface ShoalSourceHandlerRegistration {
  readonly handler: VideojsSourceHandler;
  /** Removes the handler from video.js (players already playing keep their source). Idempotent. */
  unregister(): void;
}

/** HLS MIME types, as video.js's VHS recognises them. */
const HLS_TYPE = /^(audio|video|application)\/(x-|vnd\.apple\.)?mpegurl$/i;

/** Sessions by the tech's <video> element, so a page can reach the hls.js and engine of a player. */
const sessions = new WeakMap<object, ShoalVideojsSession>();

/** The hls.js and engine playing on `player` (a video.js player, or its tech's <video>), if the handler plays it. */
export function shoalSessionOf(playerOrVideo: { tech?(options: unknown): { el(): unknown } | undefined } | object): ShoalVideojsSession | undefined {
  const withTech = playerOrVideo as { tech?(options: unknown): { el(): unknown } | undefined };
  const video = typeof withTech.tech === 'function' ? withTech.tech({ IWillNotUseThisInPlugins: true })?.el() : playerOrVideo;
  return typeof video === 'object' && video !== null ? sessions.get(video) : undefined;
}

function isHlsSource(source: VideojsSource): boolean {
  if (source.type) return HLS_TYPE.test(source.type);
  return /\.m3u8(\?|#|$)/i.test(source.src ?? '');
}

/**
 * Registers the handler first in video.js's Html5 tech (before VHS). Each call adds its own handler; its
 * `unregister` removes exactly that one. Where hls.js is not supported, nothing is registered and video.js
 * plays HLS as it would without Shoal (VHS, or natively on Safari/iOS).
 */
export function registerShoalSourceHandler(videojs: VideojsLike, options: ShoalSourceHandlerOptions): ShoalSourceHandlerRegistration {
  const { Hls: HlsClass } = options;
  const html5 = videojs.getTech('Html5') as SourceHandlerTech | undefined;
  const supported = HlsClass.isSupported();
  const handler: VideojsSourceHandler = {
    canPlayType: (type) => (supported && HLS_TYPE.test(type) ? 'probably' : ''),
    canHandleSource: (source) => (supported && isHlsSource(source) ? 'probably' : ''),
    handleSource: (source, tech) => handleSource(source, tech, options, videojs),
  };
  if (typeof html5?.registerSourceHandler !== 'function' || !supported) return { handler, unregister: () => {} };
  html5.registerSourceHandler(handler, 0);
  return {
    handler,
    unregister: () => {
      const list = html5.sourceHandlers;
      const index = list?.indexOf(handler) ?? -1;
      if (list && index >= 0) list.splice(index, 1);
    },
  };
}

function handleSource(source: VideojsSource, tech: VideojsTechLike, options: ShoalSourceHandlerOptions, videojs: VideojsLike): { dispose(): void } {
  const video = tech.el() as Parameters<Hls['attachMedia']>[0];
  const engine = options.createEngine(source);
  const HlsClass = options.Hls;
  const hls = new HlsClass({ ...options.hlsConfig, ...shoalHlsConfig(engine) });
  attachShoal(hls, engine);
  const session: ShoalVideojsSession = { hls, engine, source };
  sessions.set(video, session);
  let mediaRecoveries = 0;
  hls.on(HlsClass.Events.ERROR, (_event: string, data: ErrorData) => {
    if (!data.fatal) return;
    // One decoder recovery per source, as hls.js recommends; then the error is the player's.
    if (data.type === HlsClass.ErrorTypes.MEDIA_ERROR && mediaRecoveries++ === 0) return hls.recoverMediaError();
    const player = (tech.options_?.playerId ? videojs.getPlayer?.(tech.options_.playerId) : undefined) as VideojsPlayerLike | undefined;
    // MediaError codes: 2 network, 3 decode.
    player?.error({ code: data.type === HlsClass.ErrorTypes.NETWORK_ERROR ? 2 : 3, message: `hls.js: ${data.details}${data.error ? ` (${data.error.message})` : ''}` });
  });
  options.onSession?.(session);
  hls.loadSource(source.src);
  hls.attachMedia(video);
  let disposed = false;
  return {
    dispose: () => {
      if (disposed) return;
      disposed = true;
      if (sessions.get(video) === session) sessions.delete(video);
      hls.destroy();
      engine.destroy();
    },
  };
}
