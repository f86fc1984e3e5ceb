/**
 * The strict shape of the WebTorrent tracker messages the tracker accepts: aquatic_ws's rules
 * (`crates/ws_protocol`: ids are strings of 20 single-byte characters, an offer is `{type: "offer", sdp}`,
 * an answer `{type: "answer", sdp}` with `to_peer_id` and `offer_id`), plus the events bittorrent-tracker
 * also knows (`paused`, `empty`). Shoal's client passes the contract suite against it, so it speaks what
 * aquatic_ws accepts too. Anything else is `malformed`: the socket is closed instead of handing the
 * message to the library, whose own parser answers bad input and keeps the socket.
 */

/** Binary strings of this many characters: info_hash, peer_id, to_peer_id, offer_id (20 bytes each). */
const ID_CHARS = 20;
/** Info-hashes one scrape may ask about; a scrape with none (every swarm) is refused. */
export const MAX_SCRAPE_INFO_HASHES = 10;
const EVENTS = new Set(['started', 'stopped', 'completed', 'update', 'paused', 'empty']);

export interface CheckedMessage {
  action: 'announce' | 'scrape';
  /** Binary (20-char) peer id; absent on scrapes. */
  peerId?: string;
  offerCount: number;
  isAnswer: boolean;
}

export type MessageCheck = { ok: true; message: CheckedMessage } | { ok: false; why: string };

function isId(value: unknown): value is string {
  // eslint-disable-next-line no-control-regex
  return typeof value === 'string' && value.length === ID_CHARS && /^[\u0000-\u00ff]*$/.test(value);
}

/** `{type, sdp}` with that type and a string SDP (other fields, as browsers may add, are passed on). */
function isSdp(value: unknown, type: 'offer' | 'answer'): boolean {
  return isObject(value) && value.type === type && typeof value.sdp === 'string';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function checkMessage(raw: unknown): MessageCheck {
  let data: unknown;
  try {
    data = JSON.parse(String(raw));
  } catch {
    return { ok: false, why: 'not JSON' };
  }
  if (!isObject(data)) return { ok: false, why: 'not an object' };
  if (data.action === 'scrape') {
    const hashes = typeof data.info_hash === 'string' ? [data.info_hash] : data.info_hash;
    if (!Array.isArray(hashes) || hashes.length === 0 || hashes.length > MAX_SCRAPE_INFO_HASHES || !hashes.every(isId)) {
      return { ok: false, why: `scrape needs 1..${MAX_SCRAPE_INFO_HASHES} info_hash` };
    }
    return { ok: true, message: { action: 'scrape', offerCount: 0, isAnswer: false } };
  }
  if (data.action !== 'announce') return { ok: false, why: 'unknown action' };
  if (!isId(data.info_hash)) return { ok: false, why: 'invalid info_hash' };
  if (!isId(data.peer_id)) return { ok: false, why: 'invalid peer_id' };
  if (data.event !== undefined && !(typeof data.event === 'string' && EVENTS.has(data.event))) return { ok: false, why: 'invalid event' };
  if (data.numwant !== undefined && typeof data.numwant !== 'number') return { ok: false, why: 'invalid numwant' };
  let offerCount = 0;
  if (data.offers !== undefined) {
    if (!Array.isArray(data.offers)) return { ok: false, why: 'offers is not an array' };
    if (!data.offers.every((o) => isObject(o) && isId(o.offer_id) && isSdp(o.offer, 'offer'))) return { ok: false, why: 'invalid offer' };
    offerCount = data.offers.length;
  }
  const isAnswer = data.answer !== undefined;
  if (isAnswer) {
    if (!isSdp(data.answer, 'answer') || !isId(data.to_peer_id) || !isId(data.offer_id)) return { ok: false, why: 'invalid answer' };
    if (offerCount > 0) return { ok: false, why: 'offers and an answer in one message' };
  }
  return { ok: true, message: { action: 'announce', peerId: data.peer_id, offerCount, isAnswer } };
}
