/** `@shoal/shaka-loader`: the Shaka Player plugin. A stub until the Shaka issue fills it; it re-exports the engine. */
export { ShoalEngine } from '@shoal/core';
