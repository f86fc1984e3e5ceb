/**
 * WebRTC for Node: the `webrtc-polyfill` (node-datachannel) that `@thaunknown/simple-peer` and so the
 * bittorrent-tracker client use in Node, with one fix.
 *
 * libdatachannel reports the end of ICE gathering only as `iceGatheringState === 'complete'`; the
 * polyfill never fires the `icecandidate` event with a null candidate that browsers fire. simple-peer
 * (the tracker client makes non-trickle peers) waits for that null candidate and, missing it, falls back
 * to its 5 s ice-complete timeout — twice per connection, ~10 s. simple-peer's lite build ignores its
 * `wrtc` option (it always uses the polyfill's class), and the tracker client does not forward
 * `iceCompleteTimeout`, so the fix goes on the polyfill's class itself: once a local description is set,
 * fire the null candidate as soon as gathering is complete. Browsers are untouched.
 *
 * Node only: it is exported from `@shoal/core/node`, never from browser code.
 */
import { RTCPeerConnection } from 'webrtc-polyfill';

const PATCHED = Symbol.for('shoal.endOfCandidatesPatch');

interface PatchablePeerConnection {
  iceGatheringState: string;
  onicecandidate: ((event: { candidate: null }) => void) | null;
  addEventListener(type: string, listener: () => void): void;
  setLocalDescription(description?: unknown): Promise<void>;
}

/**
 * Makes Node WebRTC peers signal the end of ICE gathering like browsers do. Idempotent; call before
 * creating peers (the Node tracker client does).
 */
export function installNodeEndOfCandidatesFix(): void {
  const prototype = (RTCPeerConnection as unknown as { prototype: PatchablePeerConnection & Record<symbol, unknown> })
    .prototype;
  if (prototype[PATCHED]) return;
  prototype[PATCHED] = true;
  const setLocalDescription = prototype.setLocalDescription;
  const announced = new WeakSet<object>();
  prototype.setLocalDescription = async function (this: PatchablePeerConnection, description?: unknown) {
    await setLocalDescription.call(this, description);
    if (announced.has(this)) return;
    announced.add(this);
    const fireWhenComplete = (): void => {
      if (this.iceGatheringState !== 'complete') return;
      // After the caller's own `.then` of setLocalDescription (it starts waiting for the null candidate there).
      setTimeout(() => this.onicecandidate?.({ candidate: null }), 0);
    };
    this.addEventListener('icegatheringstatechange', fireWhenComplete);
    fireWhenComplete();
  };
}
