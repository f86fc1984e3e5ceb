/// <reference types="mocha" />
/**
 * The fragment loader against hls.js's `Loader` contract, driven directly with real fragments that a
 * real hls.js parsed from the demo playlists (no media element: hls.js itself loads no fragment).
 */
import Hls, {
  LoaderContextType,
  type Fragment,
  type FragmentLoaderContext,
  type Loader,
  type LoaderConfiguration,
  type LoaderStats,
  type Part,
} from 'hls.js';
import type { ShoalEngine } from '@shoal/core';
import { attachShoal, shoalHlsConfig } from '../src/index';
import { sleep } from '../../core/test/support/wait';
import { assert, assertBytesEqual, assertEqual } from './support/assert';
import { createSpiedEngine, slowFetch, type EngineCalls } from './support/engine';
import { loadLevelDetails, MEDIA } from './support/player';

type Callback = 'progress' | 'success' | 'error' | 'timeout' | 'abort';

interface Run {
  /** Every callback, in order. */
  callbacks: Callback[];
  /** Settles on the first terminal callback. */
  outcome: Promise<{ kind: Callback; data?: ArrayBuffer; error?: { code: number; text: string } }>;
}

function start(loader: Loader<FragmentLoaderContext>, context: FragmentLoaderContext, config: LoaderConfiguration): Run {
  const callbacks: Callback[] = [];
  const outcome: Run['outcome'] = new Promise((resolve) => {
    loader.load(context, config, {
      onProgress: () => callbacks.push('progress'),
      onSuccess: (response) => {
        callbacks.push('success');
        resolve({ kind: 'success', data: response.data as ArrayBuffer });
      },
      onError: (error) => {
        callbacks.push('error');
        resolve({ kind: 'error', error });
      },
      onTimeout: () => {
        callbacks.push('timeout');
        resolve({ kind: 'timeout' });
      },
      onAbort: () => {
        callbacks.push('abort');
        resolve({ kind: 'abort' });
      },
    });
  });
  return { callbacks, outcome };
}

/** The context hls.js's FragmentLoader builds for a fragment (exclusive `rangeEnd`, 0 = whole resource). */
function contextFor(frag: Fragment, overrides: Partial<FragmentLoaderContext> = {}): FragmentLoaderContext {
  return {
    type: LoaderContextType.MEDIA_FRAGMENT,
    frag,
    part: null,
    responseType: 'arraybuffer',
    url: frag.url,
    headers: {},
    rangeStart: frag.byteRangeStartOffset ?? 0,
    rangeEnd: frag.byteRangeEndOffset ?? 0,
    ...overrides,
  };
}

function loaderConfig(maxTimeToFirstByteMs = 10_000, maxLoadTimeMs = 120_000): LoaderConfiguration {
  return {
    loadPolicy: { maxTimeToFirstByteMs, maxLoadTimeMs, timeoutRetry: null, errorRetry: null },
    maxRetry: 0,
    timeout: 0,
    retryDelay: 0,
    maxRetryDelay: 0,
    highWaterMark: 16 * 1024,
  };
}

/**
 * hls.js samples loaded / (end − first) and first − start: they must be the engine's HTTP estimates, not
 * the elapsed time (which holds waiting for the swarm, or a peer's few milliseconds).
 */
function assertReportedAsHttp(stats: LoaderStats, engine: ShoalEngine, label: string): void {
  const { start, first, end } = stats.loading;
  const estimateBps = engine.getBandwidthEstimate();
  const sampledBps = (stats.loaded * 8000) / (end - first);
  assert(Math.abs(sampledBps - estimateBps) / estimateBps < 0.01, `${label}: loaded / (end − first) = ${sampledBps} bit/s, the engine's HTTP estimate ${estimateBps}`);
  assert(Math.abs(first - start - engine.getTtfbEstimateMs()) < 1, `${label}: first − start = ${first - start} ms, the engine's TTFB estimate ${engine.getTtfbEstimateMs()}`);
  assertEqual(stats.bwEstimate, estimateBps, `${label}: stats.bwEstimate`);
}

function assertStatsFilled(stats: LoaderStats, bytes: number, label: string): void {
  const { start, first, end } = stats.loading;
  assert(start > 0, `${label}: loading.start is set`);
  assert(start <= first && first <= end, `${label}: loading.start ≤ first ≤ end (${start}, ${first}, ${end})`);
  assert(end <= performance.now(), `${label}: loading.end is a past performance.now()`);
  assertEqual(stats.loaded, bytes, `${label}: stats.loaded`);
  assertEqual(stats.total, bytes, `${label}: stats.total`);
  assertEqual(stats.aborted, false, `${label}: stats.aborted`);
}

async function fetchBytes(url: string): Promise<ArrayBuffer> {
  const response = await fetch(url);
  assert(response.ok, `fetch ${url}`);
  return response.arrayBuffer();
}

describe('ShoalFragmentLoader (hls.js Loader contract)', () => {
  let hls: Hls;
  let calls: EngineCalls;
  let destroyEngine: () => void;
  let engine: ShoalEngine;

  /** A real Hls, attached to a spied engine, with `url`'s first level parsed. */
  async function setup(url: string, platform: Parameters<typeof createSpiedEngine>[1] = {}) {
    const spied = createSpiedEngine({}, platform);
    calls = spied.calls;
    engine = spied.engine;
    destroyEngine = () => spied.engine.destroy();
    hls = new Hls({ ...shoalHlsConfig(spied.engine) });
    attachShoal(hls, spied.engine);
    const details = await loadLevelDetails(hls, url);
    const FragmentLoader = hls.config.fLoader;
    assert(FragmentLoader, 'shoalHlsConfig sets fLoader');
    return { details, newLoader: () => new FragmentLoader(hls.config) };
  }

  afterEach(() => {
    hls?.destroy();
    destroyEngine?.();
  });

  it('loads a media fragment through the engine, fills the shared stats in place, progress then success', async () => {
    const { details, newLoader } = await setup(MEDIA.ts);
    const frag = details.fragments[1]!;
    const loader = newLoader();
    const stats = loader.stats;
    const before = performance.now();
    const run = start(loader, contextFor(frag), loaderConfig());
    const outcome = await run.outcome;
    assertEqual(outcome.kind, 'success', `outcome ${outcome.error?.text ?? ''}`);
    assertEqual(run.callbacks.join(','), 'progress,success', 'callbacks');
    assertEqual(loader.stats, stats, 'the stats object hls.js holds is the one filled');
    assertBytesEqual(outcome.data!, await fetchBytes(frag.url), 'payload');
    assertStatsFilled(stats, outcome.data!.byteLength, 'stats');
    assert(stats.loading.end >= before, 'loading.end is when the engine answered');
    assertReportedAsHttp(stats, engine, 'stats');
    assertEqual(calls.loadSegment.length, 1, 'engine.loadSegment calls');
    assertEqual(calls.loadSegment[0]!.segmentId, frag.sn, 'segmentId is the media sequence number');
    assertEqual(calls.loadSegment[0]!.byteRange, undefined, 'no byte range');
    assertEqual(calls.loaded[0]!.result.source, 'http', 'source');
  });

  it('byte-range fragments: rangeStart/rangeEnd (exclusive) give exactly those bytes', async () => {
    const { details, newLoader } = await setup(MEDIA.byterange);
    const whole = new Uint8Array(await fetchBytes(details.fragments[0]!.url));
    for (const index of [0, 2, details.fragments.length - 1]) {
      const frag = details.fragments[index]!;
      const [startByte, endByteExclusive] = frag.byteRange as [number, number];
      const loader = newLoader();
      const outcome = await start(loader, contextFor(frag), loaderConfig()).outcome;
      assertEqual(outcome.kind, 'success', `fragment ${index}`);
      assertBytesEqual(outcome.data!, whole.subarray(startByte, endByteExclusive), `fragment ${index} bytes`);
      assertStatsFilled(loader.stats, endByteExclusive - startByte, `fragment ${index}`);
      const asked = calls.loadSegment.at(-1)!;
      assertEqual(asked.byteRange?.startByte, startByte, `fragment ${index} engine startByte`);
      assertEqual(asked.byteRange?.endByte, endByteExclusive - 1, `fragment ${index} engine endByte (inclusive)`);
    }
  });

  it('pagehide destroys the engine (goodbye to its peers), and no longer once hls.js is destroyed', async () => {
    await setup(MEDIA.ts);
    const destroyedCode = (target: ShoalEngine): string => {
      try {
        target.updateStream('probe', []);
        return 'alive';
      } catch (error) {
        return (error as { code?: string }).code ?? String(error);
      }
    };
    assertEqual(destroyedCode(engine), 'alive', 'before pagehide');
    (globalThis as unknown as EventTarget).dispatchEvent(new Event('pagehide'));
    assertEqual(destroyedCode(engine), 'destroyed', 'after pagehide');
    hls.destroy();

    await setup(MEDIA.ts);
    hls.destroy();
    (globalThis as unknown as EventTarget).dispatchEvent(new Event('pagehide'));
    assertEqual(destroyedCode(engine), 'alive', 'pagehide after hls.destroy()');
  });

  it('a cache hit is reported to hls.js as an HTTP transfer at the engine estimate, with its real size', async () => {
    const { details, newLoader } = await setup(MEDIA.ts);
    const frag = details.fragments[0]!;
    await start(newLoader(), contextFor(frag), loaderConfig()).outcome;
    const loader = newLoader();
    const outcome = await start(loader, contextFor(frag), loaderConfig()).outcome;
    assertEqual(calls.loaded[1]!.result.source, 'cache', 'second load source');
    assertStatsFilled(loader.stats, outcome.data!.byteLength, 'cache hit');
    assertReportedAsHttp(loader.stats, engine, 'cache hit');
    assertEqual(outcome.data!.byteLength, calls.loaded[1]!.result.sizeBytes, 'size');
  });

  it('abort(): onAbort once, stats.aborted, nothing after', async () => {
    const { details, newLoader } = await setup(MEDIA.ts, { fetch: slowFetch(400) });
    const loader = newLoader();
    const run = start(loader, contextFor(details.fragments[0]!), loaderConfig());
    await sleep(50);
    loader.abort();
    loader.abort();
    assertEqual((await run.outcome).kind, 'abort', 'outcome');
    await sleep(700);
    assertEqual(run.callbacks.join(','), 'abort', 'callbacks');
    assertEqual(loader.stats.aborted, true, 'stats.aborted');
    loader.destroy();
    loader.destroy();
  });

  it('destroy(): cancels silently and is idempotent', async () => {
    const { details, newLoader } = await setup(MEDIA.ts, { fetch: slowFetch(300) });
    const loader = newLoader();
    const run = start(loader, contextFor(details.fragments[0]!), loaderConfig());
    await sleep(30);
    loader.destroy();
    loader.destroy();
    await sleep(600);
    assertEqual(run.callbacks.join(','), '', 'callbacks');
  });

  it('maxTimeToFirstByteMs: no byte in time → onTimeout, the engine request aborted', async () => {
    const { details, newLoader } = await setup(MEDIA.ts, { fetch: slowFetch(2_000) });
    const loader = newLoader();
    const config = loaderConfig(150, 10_000);
    const began = performance.now();
    const run = start(loader, contextFor(details.fragments[0]!), config);
    assertEqual((await run.outcome).kind, 'timeout', 'outcome');
    const elapsed = performance.now() - began;
    assert(elapsed >= 140 && elapsed < 1_000, `timed out after ~150 ms (${Math.round(elapsed)} ms)`);
    assertEqual(config.timeout, 150, 'config.timeout names the limit that ran out');
    assertEqual(loader.stats.aborted, true, 'stats.aborted');
    await sleep(100);
    assertEqual(run.callbacks.join(','), 'timeout', 'callbacks');
  });

  it('maxLoadTimeMs: a load that never completes → onTimeout', async () => {
    const { details, newLoader } = await setup(MEDIA.ts, { fetch: slowFetch(2_000) });
    const config = loaderConfig(0, 300);
    const began = performance.now();
    const run = start(newLoader(), contextFor(details.fragments[0]!), config);
    assertEqual((await run.outcome).kind, 'timeout', 'outcome');
    const elapsed = performance.now() - began;
    assert(elapsed >= 290 && elapsed < 1_200, `timed out after ~300 ms (${Math.round(elapsed)} ms)`);
    assertEqual(config.timeout, 300, 'config.timeout');
  });

  it('an HTTP error reaches onError with its status', async () => {
    const { details, newLoader } = await setup(MEDIA.ts);
    const frag = details.fragments[0]!;
    const run = start(newLoader(), contextFor(frag, { url: '/base/demo/media/hls-ts/v0/missing.ts' }), loaderConfig());
    const outcome = await run.outcome;
    assertEqual(outcome.kind, 'error', 'outcome');
    assertEqual(outcome.error?.code, 404, 'error.code');
    assert(outcome.error!.text.length > 0, 'error.text');
    assertEqual(run.callbacks.join(','), 'error', 'callbacks');
  });

  it('init segments go to hls.js’s own loader, never to the engine', async () => {
    const { details, newLoader } = await setup(MEDIA.fmp4);
    const init = details.fragments[0]!.initSegment;
    assert(init && init.sn === 'initSegment', 'the fMP4 playlist has an init segment');
    const loader = newLoader();
    const outcome = await start(loader, contextFor(init), loaderConfig()).outcome;
    assertEqual(outcome.kind, 'success', 'outcome');
    assertBytesEqual(outcome.data!, await fetchBytes(init.url), 'init segment bytes');
    assertStatsFilled(loader.stats, outcome.data!.byteLength, 'default loader stats');
    assertEqual(calls.loadSegment.length, 0, 'engine.loadSegment calls');
  });

  it('LL-HLS parts go to hls.js’s own loader', async () => {
    const { details, newLoader } = await setup(MEDIA.ts);
    const frag = details.fragments[0]!;
    const outcome = await start(newLoader(), contextFor(frag, { part: {} as Part }), loaderConfig()).outcome;
    assertEqual(outcome.kind, 'success', 'outcome');
    assertEqual(calls.loadSegment.length, 0, 'engine.loadSegment calls');
  });

  it('a destroyed engine: the fragment loads through hls.js’s own loader instead', async () => {
    const { details, newLoader } = await setup(MEDIA.ts);
    destroyEngine();
    const loader = newLoader();
    const outcome = await start(loader, contextFor(details.fragments[0]!), loaderConfig()).outcome;
    assertEqual(outcome.kind, 'success', 'outcome');
    assertStatsFilled(loader.stats, outcome.data!.byteLength, 'default loader stats');
  });
});
