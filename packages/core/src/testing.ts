/**
 * `@shoal/core/testing`: the simulator and test helpers, apart from the product so that pages never load
 * them (they are in neither `@shoal/core` nor `shoal.min.js`). For simulations and tests, not for pages.
 *
 * - `VirtualClock`: a `Clock` whose time moves only when told to; inject it as `ShoalPlatform.clock`.
 * - `createMemoryTransportPair` / `MemoryTransport`: two connected in-process `Transport`s with a latency
 *   and a rate per direction on an injected clock; a tracker client of your own hands them to engines.
 *
 * The built file imports `ShoalError` from `@shoal/core` rather than bundling a second copy, so
 * `isShoalError` holds for the errors these helpers raise (webpack.config.cjs, `testing` build).
 */
export { VirtualClock } from './clock/virtual-clock';
export type { VirtualClockOptions, RunUntilOptions, AutoAdvanceOptions, VirtualTimerHandle } from './clock/virtual-clock';
export { createMemoryTransportPair, MemoryTransport, DEFAULT_MEMORY_LINK } from './transport/memory-transport';
export type { MemoryLinkConditions, MemoryLinkDirection, MemoryTransportPairOptions } from './transport/memory-transport';
