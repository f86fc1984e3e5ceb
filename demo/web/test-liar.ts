/**
 * TEST-ONLY (`?testCorruptUploads=1`): makes this page a lying peer, to show the integrity manifest at
 * work. Every connection the tracker client hands the engine corrupts the segment bytes this page uploads
 * (one byte flipped per `data` frame); the rest of the wire protocol is untouched. Nothing in
 * `@shoal/core` knows of it: it wraps the public `WebTorrentTrackerClient` through `ShoalPlatform`.
 */
import { WebTorrentTrackerClient, type TrackerClient, type TrackerClientOptions, type Transport } from '@shoal/core';

/** The `data` message's type byte and header size (PROTOCOL.md, "data"): type u8, requestId u32, offset u32. */
const DATA_TYPE = 0x05;
const DATA_HEADER_BYTES = 9;

function corruptUploads(transport: Transport): Transport {
  const send = transport.send.bind(transport);
  transport.send = (frame: Uint8Array) => {
    if (frame[0] !== DATA_TYPE || frame.length <= DATA_HEADER_BYTES) return send(frame);
    const copy = frame.slice();
    const middle = DATA_HEADER_BYTES + ((copy.length - DATA_HEADER_BYTES) >> 1);
    copy[middle] = copy[middle]! ^ 0xff;
    send(copy);
  };
  return transport;
}

/** `ShoalPlatform.createTrackerClient` for a lying page. */
export function lyingTrackerClient(options: TrackerClientOptions): TrackerClient {
  const client: TrackerClient = new WebTorrentTrackerClient(options);
  const on = client.on.bind(client);
  client.on = ((event: string, listener: (...args: never[]) => void) => {
    if (event !== 'peer') return on(event as 'warning', listener as never);
    return on('peer', (transport: Transport) => (listener as (t: Transport) => void)(corruptUploads(transport)));
  }) as TrackerClient['on'];
  return client;
}
