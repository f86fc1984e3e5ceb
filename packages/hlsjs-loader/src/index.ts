/** `@shoal/hlsjs-loader`: the hls.js loader. A stub until the hls.js issue fills it; it re-exports the engine. */
export { ShoalEngine } from '@shoal/core';
