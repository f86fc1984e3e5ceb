/**
 * `@shoal/shaka-loader`: Shoal under Shaka Player (checked with 5.2; written against the 4.x/5.x API).
 *
 *   const engine = new ShoalEngine({ trackerUrls: ['wss://tracker.example.com'] });
 *   registerShoal(shaka);
 *   const shoal = attachShoal(player, engine);
 */
export { registerShoal, attachShoal } from './shoal-shaka';
export type { ShoalShakaAttachment } from './shoal-shaka';
export { isShoalActive } from './support';
export { isSchemeInstalled } from './scheme';
