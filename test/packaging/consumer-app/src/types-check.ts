// Type-checked by the packaging test against the installed tarballs' declarations (`tsc --noEmit` with the
// consumer's tsconfig.json): the `types` conditions resolve and the public API types are usable.
import Hls from 'hls.js';
import { ShoalEngine, ShoalError, type ShoalConfig, type ShoalStats, type Transport } from '@shoal/core';
import { createMemoryTransportPair, VirtualClock, type MemoryTransport } from '@shoal/core/testing';
import { attachShoal, shoalHlsConfig, type ShoalHlsAttachment } from '@shoal/hlsjs-loader';
import { registerShoal, type ShoalShakaAttachment } from '@shoal/shaka-loader';
import { registerShoalSourceHandler, type ShoalSourceHandlerRegistration } from '@shoal/videojs';
import videojs from 'video.js';

const config: Partial<ShoalConfig> = { trackerUrls: ['wss://tracker.example.com'] };
const engine = new ShoalEngine(config);
const hls = new Hls({ ...shoalHlsConfig(engine) });
const attachment: ShoalHlsAttachment = attachShoal(hls, engine);
const stats: ShoalStats = engine.stats();
engine.on('segment:loaded', ({ source, p2pBytes }) => console.log(source, p2pBytes, stats.p2pShare, attachment.active));
const registration: ShoalSourceHandlerRegistration = registerShoalSourceHandler(videojs, { Hls, createEngine: () => new ShoalEngine(config) });
registration.unregister();
const failure: ShoalError | undefined = undefined;
const register: typeof registerShoal = registerShoal;
const shaka: ShoalShakaAttachment | undefined = undefined;
// The simulator and test helpers: their own entry, not the page's.
const clock = new VirtualClock();
const simulated = new ShoalEngine(config, { clock });
const pair: [MemoryTransport, MemoryTransport] = createMemoryTransportPair({ clock, peerIds: ['a'.repeat(40), 'b'.repeat(40)] });
const transport: Transport = pair[0];
export { failure, register, shaka, simulated, transport };
