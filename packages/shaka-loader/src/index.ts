/**
 * `@shoal/shaka-loader`: Shoal under Shaka Player 4.4+ and 5.x (karma specs run against 4.16 and 5.2; 4.4.3
 * checked once; 4.3 lacks the request context's `AdvancedRequestType` the plugin routes by).
 *
 *   const engine = new ShoalEngine({ trackerUrls: ['wss://tracker.example.com'] });
 *   registerShoal(shaka);
 *   const shoal = attachShoal(player, engine);
 */
export { registerShoal, attachShoal } from './shoal-shaka';
export type { ShoalShakaAttachment } from './shoal-shaka';
export { isShoalActive } from '@shoal/core';
export { isSchemeInstalled } from './scheme';
