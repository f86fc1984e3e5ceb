/** The hls.js page's `FragmentRecord`: which main fragments hls.js asked for, which it got, and its retries. */
import Hls, { type Fragment } from 'hls.js';
import type { FragmentRecord } from '../state';

/** A main-stream media fragment's sequence number (not an init segment, audio or subtitle track). */
function mainSequence(frag: Fragment): number | undefined {
  return frag.type === 'main' && typeof frag.sn === 'number' ? frag.sn : undefined;
}

export function recordFragments(hls: Hls, record: FragmentRecord): void {
  const once = (list: number[], seen: Set<number>, frag: Fragment): void => {
    const sn = mainSequence(frag);
    if (sn === undefined || seen.has(sn)) return;
    seen.add(sn);
    list.push(sn);
  };
  const requested = new Set<number>();
  const loaded = new Set<number>();
  hls.on(Hls.Events.FRAG_LOADING, (_event, { frag }) => once(record.requested, requested, frag));
  hls.on(Hls.Events.FRAG_LOADED, (_event, { frag }) => once(record.loaded, loaded, frag));
  hls.on(Hls.Events.ERROR, (_event, data) => {
    if (!data.fatal) record.nonFatalErrors[data.details] = (record.nonFatalErrors[data.details] ?? 0) + 1;
  });
}
