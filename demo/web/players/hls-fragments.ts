/** The hls.js page's `FragmentRecord`: which main fragments hls.js asked for, which it got, and its retries. */
import Hls, { type Fragment } from 'hls.js';
import type { FragmentRecord } from '../state';

/** A main-stream media fragment's sequence number (not an init segment, audio or subtitle track). */
function mainSequence(frag: Fragment): number | undefined {
  return frag.type === 'main' && typeof frag.sn === 'number' ? frag.sn : undefined;
}

/** Events kept in `FragmentRecord.failures` (a page in a long outage stops recording there). */
const MAX_FAILURE_EVENTS = 200;
/** Fragments whose loading start is kept, to record it if they fail. */
const MAX_LOADING_KEPT = 16;

export function recordFragments(hls: Hls, record: FragmentRecord): void {
  const once = (list: number[], seen: Set<number>, frag: Fragment): void => {
    const sn = mainSequence(frag);
    if (sn === undefined || seen.has(sn)) return;
    seen.add(sn);
    list.push(sn);
  };
  const requested = new Set<number>();
  const loaded = new Set<number>();
  const failed = new Set<number>();
  /** When hls.js last started loading each recent fragment: a first failure is recorded with its start. */
  const loadingAtMs = new Map<number, number>();
  const push = (atMs: number, sn: number, event: 'loading' | 'loaded' | 'error'): void => {
    if (record.failures.length < MAX_FAILURE_EVENTS) record.failures.push([Math.round(atMs), sn, event]);
  };
  const track = (frag: Fragment, event: 'loading' | 'loaded' | 'error'): void => {
    const sn = mainSequence(frag);
    if (sn === undefined) return;
    const nowMs = performance.now();
    if (event === 'loading') {
      loadingAtMs.set(sn, nowMs);
      if (loadingAtMs.size > MAX_LOADING_KEPT) loadingAtMs.delete(loadingAtMs.keys().next().value!);
    }
    if (event === 'error' && !failed.has(sn)) {
      failed.add(sn);
      const startedMs = loadingAtMs.get(sn);
      if (startedMs !== undefined) push(startedMs, sn, 'loading');
    }
    if (failed.has(sn)) push(nowMs, sn, event);
  };
  hls.on(Hls.Events.FRAG_LOADING, (_event, { frag }) => {
    once(record.requested, requested, frag);
    track(frag, 'loading');
  });
  hls.on(Hls.Events.FRAG_LOADED, (_event, { frag }) => {
    once(record.loaded, loaded, frag);
    track(frag, 'loaded');
  });
  hls.on(Hls.Events.ERROR, (_event, data) => {
    if (data.fatal) return;
    record.nonFatalErrors[data.details] = (record.nonFatalErrors[data.details] ?? 0) + 1;
    if (data.frag && (data.details === Hls.ErrorDetails.FRAG_LOAD_ERROR || data.details === Hls.ErrorDetails.FRAG_LOAD_TIMEOUT)) track(data.frag, 'error');
  });
}
