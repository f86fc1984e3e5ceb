/**
 * `@shoal/hlsjs-loader`: Shoal under hls.js 1.x (1.6, 1.7).
 *
 *   const engine = new ShoalEngine({ trackerUrls: ['wss://tracker.example.com'] });
 *   const hls = new Hls({ ...shoalHlsConfig(engine) });
 *   attachShoal(hls, engine);
 */
export { shoalHlsConfig, attachShoal } from './shoal-hls';
export type { ShoalHlsConfig, ShoalHlsAttachment } from './shoal-hls';
export { isShoalActive } from '@shoal/core';
