/**
 * hls.js's `Loader` for media fragments (`fLoader`). A fragment the engine can serve is loaded through
 * `engine.loadSegment` (cache, peers or HTTP); every other request (init segments, LL-HLS parts,
 * subtitles, unknown levels, a load the engine fails for a reason other than the origin) goes untouched
 * to the player's own default loader (`config.loader`), by the one rule of core's `loader-handoff.ts`.
 *
 * Contract kept, as hls.js's XhrLoader and FetchLoader keep it:
 * - `stats` is the object hls.js shares with the fragment (`frag.stats = loader.stats`); it is filled in
 *   place from `performance.now()`: `loading.start ≤ first ≤ end`, `loaded === total` = bytes delivered.
 *   On success the loading timestamps are those of an origin transfer of the bytes at the engine's HTTP
 *   estimates, whatever the source (`reportAsHttpTransfer`): what hls.js's ABR learns is what HTTP sustains.
 * - One terminal callback per load: `onSuccess`, `onError`, `onTimeout` or `onAbort`, and nothing after it.
 * - `onProgress` gets the whole payload once, before `onSuccess` (hls.js feeds its transmuxer from it).
 * - `abort()` marks `stats.aborted` and calls `onAbort`; `destroy()` cancels silently; both are idempotent.
 */
import { estimateHttpTransfer, isOriginFailure, type HttpEstimates, type Segment, type ShoalEngine } from '@shoal/core';
import type {
  FragmentLoaderContext,
  HlsConfig,
  Loader,
  LoaderCallbacks,
  LoaderConfiguration,
  LoaderContext,
  LoaderStats,
} from 'hls.js';
import { firstByteLimitMs, LoadDeadline } from './load-deadline';

/** Decides, per request, whether the engine serves it. */
export interface FragmentRoute {
  readonly engine: ShoalEngine;
  /** The engine segment for this request, or undefined to leave it to hls.js's own loader. */
  engineSegment(context: FragmentLoaderContext): Segment | undefined;
}

/**
 * `engine`: the request is in flight; `delivering`: the engine answered and the result is being handed to
 * hls.js (its callbacks may abort or destroy this loader meanwhile); `default-loader`: hls.js's own loader
 * has the request; `done`: a terminal callback was made, or the loader was aborted or destroyed.
 */
type Phase = 'idle' | 'engine' | 'delivering' | 'default-loader' | 'done';

export class ShoalFragmentLoader implements Loader<FragmentLoaderContext> {
  context: FragmentLoaderContext | null = null;
  stats: LoaderStats = createLoaderStats();
  private phase: Phase = 'idle';
  private callbacks: LoaderCallbacks<FragmentLoaderContext> | null = null;
  private defaultLoader: Loader<LoaderContext> | null = null;
  private controller: AbortController | null = null;
  private deadline: LoadDeadline | null = null;

  constructor(
    private readonly hlsConfig: HlsConfig,
    private readonly route: FragmentRoute,
  ) {}

  load(
    context: FragmentLoaderContext,
    config: LoaderConfiguration,
    callbacks: LoaderCallbacks<FragmentLoaderContext>,
  ): void {
    this.context = context;
    this.callbacks = callbacks;
    const segment = this.route.engineSegment(context);
    if (segment) this.loadThroughEngine(segment, context, config);
    else this.loadWithDefaultLoader(context, config, callbacks);
  }

  abort(): void {
    if (this.phase === 'default-loader') {
      this.defaultLoader?.abort();
      return;
    }
    if (this.phase !== 'engine' && this.phase !== 'delivering') return; // nothing to abort: no callback
    this.cancelEngineLoad();
    const { callbacks, context } = this;
    if (callbacks && context) callbacks.onAbort?.(this.stats, context, null);
  }

  destroy(): void {
    if (this.phase === 'engine') this.cancelEngineLoad();
    this.phase = 'done';
    this.callbacks = null;
    this.context = null;
    this.defaultLoader?.destroy();
    this.defaultLoader = null;
  }

  getCacheAge(): number | null {
    return this.defaultLoader?.getCacheAge?.() ?? null;
  }

  getResponseHeader(name: string): string | null {
    return this.defaultLoader?.getResponseHeader?.(name) ?? null;
  }

  private loadThroughEngine(segment: Segment, context: FragmentLoaderContext, config: LoaderConfiguration): void {
    const { engine } = this.route;
    const stats = this.stats;
    stats.loading.start = performance.now();
    stats.loading.first = 0;
    stats.loaded = 0;
    stats.aborted = false;
    this.phase = 'engine';
    const controller = (this.controller = new AbortController());
    const bytesAtStart = engineBytes(engine);
    config.timeout = firstByteLimitMs(config.loadPolicy);
    this.deadline = new LoadDeadline({
      limits: config.loadPolicy,
      hasProgressed: () => engineBytes(engine) > bytesAtStart,
      onTimeout: (limitMs) => {
        config.timeout = limitMs;
        this.timeOut();
      },
    });
    engine.loadSegment(segment, { signal: controller.signal }).then(
      (result) => {
        if (this.controller === controller) this.succeed(result.bytes);
      },
      (error: unknown) => {
        if (this.controller === controller) this.fail(error, context, config);
      },
    );
  }

  private succeed(bytes: Uint8Array): void {
    this.endEngineLoad();
    const { stats, context } = this;
    if (!context) return;
    // A copy: hls.js transfers the buffer to its transmuxer worker (detaching it), and the engine's bytes
    // may be a view into its cache or a larger response.
    const data = bytes.slice().buffer;
    stats.loaded = stats.total = data.byteLength;
    reportAsHttpTransfer(stats, this.route.engine, performance.now());
    this.callbacks?.onProgress?.(stats, context, data, null);
    if (this.phase !== 'delivering') return; // aborted or destroyed from within onProgress
    this.phase = 'done';
    this.callbacks?.onSuccess({ url: context.url, data, code: 200 }, stats, context, null);
  }

  private fail(error: unknown, context: FragmentLoaderContext, config: LoaderConfiguration): void {
    this.endEngineLoad();
    const callbacks = this.callbacks;
    if (!callbacks) return;
    if (!isOriginFailure(error)) {
      // Not an origin failure (the engine was destroyed, its storage failed): hls.js's own loader serves
      // this fragment, as it would without Shoal (core's `loader-handoff.ts`, rule 3).
      this.stats.loading.start = 0; // hls.js's loaders refuse a stats object that has already started
      this.loadWithDefaultLoader(context, config, callbacks);
    } else if (error.code === 'http-timeout') {
      this.phase = 'done';
      this.stats.aborted = true;
      callbacks.onTimeout(this.stats, context, null);
    } else {
      this.phase = 'done';
      callbacks.onError({ code: error.status ?? 0, text: error.message }, context, null, this.stats);
    }
  }

  private timeOut(): void {
    if (this.phase !== 'engine') return;
    this.cancelEngineLoad();
    const { callbacks, context } = this;
    if (callbacks && context) callbacks.onTimeout(this.stats, context, null);
  }

  private loadWithDefaultLoader(
    context: FragmentLoaderContext,
    config: LoaderConfiguration,
    callbacks: LoaderCallbacks<FragmentLoaderContext>,
  ): void {
    const DefaultLoader = this.hlsConfig.loader;
    const loader = new DefaultLoader(this.hlsConfig);
    // hls.js already holds this loader's stats object (`frag.stats = loader.stats`): the default loader
    // fills that one.
    loader.stats = this.stats;
    this.defaultLoader = loader;
    this.phase = 'default-loader';
    loader.load(context, config, callbacks as unknown as LoaderCallbacks<LoaderContext>);
  }

  /** The engine answered: stop the timers; the result is being delivered. */
  private endEngineLoad(): void {
    this.deadline?.clear();
    this.deadline = null;
    this.controller = null;
    this.phase = 'delivering';
  }

  /** Abort the engine request in flight, as hls.js's loaders do on abort, timeout and destroy. */
  private cancelEngineLoad(): void {
    this.deadline?.clear();
    this.deadline = null;
    this.stats.aborted = true;
    this.controller?.abort();
    this.controller = null;
    this.phase = 'done';
  }
}

/**
 * The timestamps hls.js's ABR learns from, for a segment delivered at `endMs`: those of an origin transfer
 * of its bytes at the engine's HTTP estimates (core's `estimateHttpTransfer` says why), whatever the
 * segment's real source and elapsed time. hls.js samples `loaded / (end − start − ttfb)`.
 */
export function reportAsHttpTransfer(stats: LoaderStats, engine: HttpEstimates, endMs: number): void {
  const { bandwidthBps, ttfbMs, transferMs } = estimateHttpTransfer(engine, stats.loaded);
  // Timestamps stay positive (hls.js treats a 0 start as "not started") and ordered start ≤ first ≤ end.
  const minMs = Math.min(endMs, 0.001);
  stats.loading.end = endMs;
  stats.loading.first = Math.max(endMs - transferMs, minMs);
  stats.loading.start = Math.max(stats.loading.first - ttfbMs, minMs);
  stats.bwEstimate = bandwidthBps;
}

/** A fresh `LoaderStats`, shaped like hls.js's `LoadStats`. */
export function createLoaderStats(): LoaderStats {
  return {
    aborted: false,
    loaded: 0,
    retry: 0,
    total: 0,
    chunkCount: 0,
    bwEstimate: 0,
    loading: { start: 0, first: 0, end: 0 },
    parsing: { start: 0, end: 0 },
    buffering: { start: 0, first: 0, end: 0 },
  };
}

/** Bytes the engine has downloaded so far, from any source: moves whenever any transfer progresses. */
function engineBytes(engine: ShoalEngine): number {
  const { httpBytes, p2pBytes } = engine.stats();
  return httpBytes + p2pBytes;
}
