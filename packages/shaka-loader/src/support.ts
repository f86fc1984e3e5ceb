/** Whether Shoal takes part at all: when it does not, the player runs exactly as plain Shaka. */
import type { ShoalEngine } from '@shoal/core';

/**
 * True when the engine may use peers (`p2pEnabled`) and the browser has WebRTC. Otherwise the adapter
 * stays out of the way: no plugin, no engine traffic.
 */
export function isShoalActive(engine: Pick<ShoalEngine, 'config'>): boolean {
  return engine.config.p2pEnabled && hasWebRtc();
}

function hasWebRtc(): boolean {
  return typeof (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection === 'function';
}
