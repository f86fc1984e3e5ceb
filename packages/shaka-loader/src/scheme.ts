/**
 * Shoal's http/https scheme plugin in Shaka's networking engine, and its reference-counted registration.
 *
 * Shaka keeps one scheme registry per `shaka` namespace (a global of the page). The first attached player
 * registers the plugin (priority APPLICATION, above Shaka's own); the last one to detach re-registers Shaka's
 * default (`HttpFetchPlugin`, or `HttpXHRPlugin` where fetch is missing), exactly as Shaka registers it at
 * load. A plugin the application registered itself for http/https is not restored: Shaka's public API does
 * not say which plugin a scheme had.
 *
 * The plugin serves a request through the engine only when an attached player's request filter tagged it
 * (a WeakMap from the request object, which Shaka passes unchanged from filters to plugin and across
 * retries); everything else goes to Shaka's default plugin untouched, and so does a tagged request whose
 * engine load fails for a reason other than the origin (core's `loader-handoff.ts` states the rule).
 */
import { estimateHttpTransfer, isOriginFailure, type HttpEstimates, type Segment, type ShoalEngine } from '@shoal/core';
import { abortedError, toShakaError } from './errors';
import type { Shaka, ShakaRequest, ShakaRequestType, ShakaResponse, ShakaSchemePlugin } from './shaka';

const SCHEMES = ['http', 'https'] as const;

/** What the request filter learned about a media-segment request: the engine and segment to load. */
export interface EngineRoute {
  engine: ShoalEngine;
  /** The engine segment without its URL: the URL is the one Shaka hands the plugin (it may try several). */
  segment: Omit<Segment, 'url'>;
}

interface SchemeState {
  attached: number;
  readonly routes: WeakMap<ShakaRequest, EngineRoute>;
  readonly plugin: ShakaSchemePlugin;
}

const states = new WeakMap<Shaka, SchemeState>();

/** Tag a request for the engine (called from an attached player's request filter). */
export function routeRequest(shaka: Shaka, request: ShakaRequest, route: EngineRoute): void {
  stateOf(shaka).routes.set(request, route);
}

/** Whether Shoal's plugin is registered for http/https in this namespace (some player attached). */
export function isSchemeInstalled(shaka: Shaka): boolean {
  return (states.get(shaka)?.attached ?? 0) > 0;
}

/** Register the plugin if no player had; returns the matching release (idempotent). */
export function acquireScheme(shaka: Shaka): () => void {
  const state = stateOf(shaka);
  if (state.attached++ === 0) {
    const { PluginPriority } = shaka.net.NetworkingEngine;
    for (const scheme of SCHEMES) {
      // progressSupport: Shaka's stall and connection timers and per-chunk progress keep working for the
      // requests passed through; engine loads report no progress, so Shaka samples their `timeMs` once.
      shaka.net.NetworkingEngine.registerScheme(scheme, state.plugin, PluginPriority.APPLICATION, true);
    }
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--state.attached === 0) restoreDefaultScheme(shaka);
  };
}

function restoreDefaultScheme(shaka: Shaka): void {
  const { NetworkingEngine } = shaka.net;
  for (const scheme of SCHEMES) {
    NetworkingEngine.unregisterScheme(scheme);
    if (shaka.net.HttpFetchPlugin.isSupported()) {
      NetworkingEngine.registerScheme(scheme, shaka.net.HttpFetchPlugin.parse, NetworkingEngine.PluginPriority.PREFERRED, true);
    } else {
      NetworkingEngine.registerScheme(scheme, shaka.net.HttpXHRPlugin.parse, NetworkingEngine.PluginPriority.FALLBACK, true);
    }
  }
}

function stateOf(shaka: Shaka): SchemeState {
  let state = states.get(shaka);
  if (!state) {
    const routes = new WeakMap<ShakaRequest, EngineRoute>();
    const plugin: ShakaSchemePlugin = (uri, request, requestType, progressUpdated, headersReceived, config) => {
      const route = routes.get(request);
      const viaShaka = () => {
        const defaultPlugin = shaka.net.HttpFetchPlugin.isSupported() ? shaka.net.HttpFetchPlugin : shaka.net.HttpXHRPlugin;
        return defaultPlugin.parse(uri, request, requestType, progressUpdated, headersReceived, config);
      };
      if (route && requestType === shaka.net.NetworkingEngine.RequestType.SEGMENT) {
        return loadThroughEngine(shaka, route, { uri, request, requestType }, viaShaka);
      }
      return viaShaka();
    };
    states.set(shaka, (state = { attached: 0, routes, plugin }));
  }
  return state;
}

type ShakaOperation = ReturnType<ShakaSchemePlugin>;

interface PluginRequest {
  uri: string;
  request: ShakaRequest;
  requestType: ShakaRequestType;
}

/** Shaka's `timeMs` for a segment of `sizeBytes`: an origin transfer at the engine's HTTP estimates. */
function httpTimeMs(engine: HttpEstimates, sizeBytes: number): number {
  const { ttfbMs, transferMs } = estimateHttpTransfer(engine, sizeBytes);
  return ttfbMs + transferMs;
}

/**
 * One engine load as Shaka's `AbortableOperation`; failures are `shaka.util.Error`s only. An origin failure
 * is reported as Shaka's fetch plugin would report it; any other failure (the engine destroyed before or
 * during this load, its storage failing) sends the request to Shaka's own plugin (`viaShaka`) instead, and
 * playback goes on from the origin: the one rule of core's `loader-handoff.ts`.
 */
function loadThroughEngine(shaka: Shaka, route: EngineRoute, { uri, request, requestType }: PluginRequest, viaShaka: () => ShakaOperation): ShakaOperation {
  const controller = new AbortController();
  const failure = { uri, requestType };
  const segment: Segment = { ...route.segment, url: uri };
  let fallback: ShakaOperation | undefined;
  const fallBack = (): Promise<ShakaResponse> => {
    fallback = viaShaka();
    return fallback.promise;
  };
  let promise: Promise<ShakaResponse>;
  try {
    promise = route.engine.loadSegment(segment, { signal: controller.signal }).then(
      (result) => {
        if (controller.signal.aborted) throw abortedError(shaka, failure);
        const response: ShakaResponse = {
          uri,
          originalUri: uri,
          // A copy: the engine's bytes may be a view into its cache or into a larger response.
          data: result.bytes.slice().buffer,
          status: segment.byteRange ? 206 : 200,
          headers: {},
          // What an origin transfer of these bytes takes at the engine's HTTP estimates, whatever the source
          // (core's `estimateHttpTransfer` says why): elapsed time would count the scheduler's wait for the
          // swarm as a slow link, and Shaka would switch down, out of its rendition's swarm. A cache hit is
          // marked `fromCache` and left out of the estimate, as Shaka does for its own cache.
          timeMs: httpTimeMs(route.engine, result.bytes.byteLength),
          fromCache: result.source === 'cache',
          originalRequest: request,
        };
        return response;
      },
      (error: unknown) => {
        if (controller.signal.aborted) throw abortedError(shaka, failure);
        if (!isOriginFailure(error)) return fallBack();
        throw toShakaError(shaka, error, failure);
      },
    );
  } catch (error) {
    promise = isOriginFailure(error) ? Promise.reject(toShakaError(shaka, error, failure)) : fallBack();
  }
  return new shaka.util.AbortableOperation(promise, () => {
    controller.abort();
    return fallback ? fallback.abort() : Promise.resolve();
  });
}
