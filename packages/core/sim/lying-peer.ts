/**
 * A lying peer for tests and simulations: wraps a tracker client factory so that every connection it
 * hands out corrupts the segment bytes this engine uploads (`data` frames), the rest of the wire protocol
 * untouched. Test-only: it lives in `sim/`, outside the product and `@shoal/core/testing`.
 */
import type { TrackerClient, TrackerClientOptions } from '../src/tracker/tracker-client';
import type { Transport } from '../src/transport/transport';
import { MessageType } from '../src/wire/messages';
import { DATA_HEADER_BYTES } from '../src/wire/layout';
import { decodeMessage, encodeHoldings } from '../src/wire/codec';

/** Rewrites a `data` frame's payload in place (the frame is a copy). */
export type Corruption = (payload: Uint8Array) => void;

/** Flips one byte of every block. */
export const flipOneByte: Corruption = (payload) => {
  const middle = payload.length >> 1;
  payload[middle] = payload[middle]! ^ 0xff;
};

/** Replaces the whole block (a wrong segment of the right size). */
export const wrongBytes: Corruption = (payload) => {
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 7 + 13) & 0xff;
};

/** The transport, with every outgoing `data` frame's payload corrupted. */
export function corruptUploads(transport: Transport, corrupt: Corruption): Transport {
  const send = transport.send.bind(transport);
  transport.send = (frame: Uint8Array) => {
    if (frame[0] !== MessageType.data || frame.length <= DATA_HEADER_BYTES) return send(frame);
    const copy = frame.slice();
    corrupt(copy.subarray(DATA_HEADER_BYTES));
    send(copy);
  };
  return transport;
}

/** A `createTrackerClient` whose connections all corrupt what this engine uploads. */
export function lyingTrackerClients(
  create: (options: TrackerClientOptions) => TrackerClient,
  corrupt: Corruption,
): (options: TrackerClientOptions) => TrackerClient {
  return wrapPeerTransports(create, (transport) => corruptUploads(transport, corrupt));
}

/** `create`, with every transport its clients hand over passed through `wrap` first. */
function wrapPeerTransports(
  create: (options: TrackerClientOptions) => TrackerClient,
  wrap: (transport: Transport) => Transport,
): (options: TrackerClientOptions) => TrackerClient {
  return (options) => {
    const client = create(options);
    const on = client.on.bind(client);
    client.on = ((event: string, listener: (...args: never[]) => void) => {
      if (event !== 'peer') return on(event as 'warning', listener as never);
      return on('peer', (transport: Transport) => (listener as (t: Transport) => void)(wrap(transport)));
    }) as TrackerClient['on'];
    return client;
  };
}

/**
 * The transport, with the commitments of its `have`/`haveSet` announcements replaced by `commitmentOf`
 * (undefined: left as they are): a liar whose commitments match the wrong bytes it uploads.
 */
export function rewriteCommitments(transport: Transport, commitmentOf: (renditionId: string, segmentId: number) => string | undefined): Transport {
  const send = transport.send.bind(transport);
  transport.send = (frame: Uint8Array) => {
    const decoded = decodeMessage(frame);
    if (!decoded.ok || (decoded.message.type !== 'have' && decoded.message.type !== 'haveSet')) return send(frame);
    const { type, holdings } = decoded.message;
    const rewritten = holdings.map((group) => ({
      ...group,
      segments: group.segments.map((segment) => {
        const lie = segment.sha256Base64 === undefined ? undefined : commitmentOf(group.renditionId, segment.segmentId);
        return lie === undefined ? segment : { ...segment, sha256Base64: lie };
      }),
    }));
    for (const out of encodeHoldings(type, rewritten)) send(out);
  };
  return transport;
}

/** A `createTrackerClient` whose connections all corrupt uploads and, optionally, rewrite commitments. */
export function consistentLyingTrackerClients(
  create: (options: TrackerClientOptions) => TrackerClient,
  corrupt: Corruption,
  commitmentOf: (renditionId: string, segmentId: number) => string | undefined,
): (options: TrackerClientOptions) => TrackerClient {
  return wrapPeerTransports(create, (transport) => rewriteCommitments(corruptUploads(transport, corrupt), commitmentOf));
}
