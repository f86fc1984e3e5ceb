/**
 * The two calls that put Shoal under an hls.js player:
 *
 *   const hls = new Hls({ ...shoalHlsConfig(engine) });
 *   attachShoal(hls, engine);
 *
 * `shoalHlsConfig` builds, in a closure, a fragment loader class bound to this engine (hls.js makes one
 * loader per request and gives it only its config, so the class itself carries the engine: no global).
 * `attachShoal` binds that class to the Hls instance it was given to and feeds the engine from hls.js's
 * events. Which requests Shoal carries and which go to hls.js's own loader follows the one rule of core's
 * `loader-handoff.ts`: when Shoal cannot or may not run (no WebRTC, `p2pEnabled: false`) both calls do
 * nothing and the player is plain hls.js.
 */
import { attachLifecycle, INACTIVE_ATTACHMENT, isShoalActive, ShoalError, type ShoalEngine } from '@shoal/core';
import type Hls from 'hls.js';
import type { FragmentLoaderConstructor, HlsConfig } from 'hls.js';
import { EngineFeed } from './engine-feed';
import { HlsEvents } from './hls-events';
import { ShoalFragmentLoader } from './loader';
import { fragmentRenditionId } from './rendition';
import { engineSegmentFor } from './segments';

/** Spread into the Hls config. Empty when Shoal is inactive. */
export type ShoalHlsConfig = Pick<Partial<HlsConfig>, 'fLoader'>;

export interface ShoalHlsAttachment {
  /** Whether Shoal serves this player's fragments (false: plain hls.js). */
  readonly active: boolean;
  /** Stop feeding the engine; later fragments load as in plain hls.js. Idempotent; `hls.destroy()` does it too. */
  destroy(): void;
}

/** What the loader class built for one engine shares with `attachShoal`. */
interface Binding {
  readonly engine: ShoalEngine;
  hls: Hls | undefined;
  attachment: ShoalHlsAttachment | undefined;
}

/** Where a loader class built by `shoalHlsConfig` keeps its binding. */
const BINDING = Symbol('shoal.hlsjs.binding');

interface BoundLoaderClass {
  [BINDING]?: Binding;
}

/** The Hls config entries that route media fragments through `engine`. One call per Hls instance. */
export function shoalHlsConfig(engine: ShoalEngine): ShoalHlsConfig {
  if (!isShoalActive(engine)) return {};
  const binding: Binding = { engine, hls: undefined, attachment: undefined };
  const route = {
    engine,
    engineSegment: (context: Parameters<typeof engineSegmentFor>[0]) => {
      const hls = binding.hls;
      return hls ? engineSegmentFor(context, (frag) => fragmentRenditionId(hls, frag)) : undefined;
    },
  };
  class ShoalHlsFragmentLoader extends ShoalFragmentLoader {
    static readonly [BINDING] = binding;
    constructor(config: HlsConfig) {
      super(config, route);
    }
  }
  const fLoader: FragmentLoaderConstructor = ShoalHlsFragmentLoader;
  return { fLoader };
}

/**
 * Feed `engine` from `hls` (created with `shoalHlsConfig(engine)`): call it before `loadSource`, or any
 * time after (it catches up). Calling it again for the same pair returns the same attachment.
 */
export function attachShoal(hls: Hls, engine: ShoalEngine): ShoalHlsAttachment {
  if (!isShoalActive(engine)) return INACTIVE_ATTACHMENT;
  const binding = (hls.config.fLoader as BoundLoaderClass | undefined)?.[BINDING];
  if (!binding || binding.engine !== engine) {
    throw new ShoalError('config-invalid', 'attachShoal(hls, engine) needs an Hls created with new Hls({ ...shoalHlsConfig(engine) }) for the same engine', { source: 'config', fatal: true });
  }
  if (binding.hls && binding.hls !== hls) {
    throw new ShoalError('config-invalid', 'One shoalHlsConfig(engine) per Hls instance: this config is already attached to another Hls', { source: 'config', fatal: true });
  }
  if (binding.attachment) return binding.attachment;
  binding.hls = hls;
  const feed = new EngineFeed(hls, engine);
  const attachment: ShoalHlsAttachment = attachLifecycle(engine, [
    // Unbound, the loader class sends every later fragment to hls.js's own loader.
    () => {
      binding.hls = undefined;
      binding.attachment = undefined;
    },
    () => hls.off(HlsEvents.DESTROYING, attachment.destroy),
    () => feed.destroy(),
  ]);
  binding.attachment = attachment;
  hls.once(HlsEvents.DESTROYING, attachment.destroy);
  return attachment;
}
