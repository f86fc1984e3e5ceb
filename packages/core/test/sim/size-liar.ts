/**
 * A lying peer for the sim tests: a real engine whose outgoing `haveSet`/`have` frames are rewritten on
 * the wire so that every segment it announces with a size is announced with `lie(trueSize)` instead. It
 * serves what it really holds (the uploader is untouched): what a buggy or hostile page would send.
 */
import type { TrackerClient, TrackerClientOptions } from '../../src/tracker/tracker-client';
import type { Transport } from '../../src/transport/transport';
import { decodeMessage, encodeHoldings } from '../../src/wire/codec';

export function sizeLyingTrackerClient(
  createClient: (options: TrackerClientOptions) => TrackerClient,
  lie: (trueSizeBytes: number) => number,
): (options: TrackerClientOptions) => TrackerClient {
  return (options) => {
    const client = createClient(options);
    const on = client.on.bind(client);
    client.on = ((event: string, listener: (transport: Transport) => void) => {
      if (event !== 'peer') return on(event as 'peer', listener);
      return on('peer', (transport: Transport) => listener(lyingTransport(transport, lie)));
    }) as TrackerClient['on'];
    return client;
  };
}

function lyingTransport(transport: Transport, lie: (trueSizeBytes: number) => number): Transport {
  const send = (frame: Uint8Array): void => {
    const decoded = decodeMessage(frame);
    if (!decoded.ok || (decoded.message.type !== 'have' && decoded.message.type !== 'haveSet')) return transport.send(frame);
    const { type, holdings } = decoded.message;
    const lied = holdings.map((group) => ({
      ...group,
      segments: group.segments.map((segment) => (segment.sizeBytes > 0 ? { ...segment, sizeBytes: lie(segment.sizeBytes) } : segment)),
    }));
    for (const rewritten of encodeHoldings(type, lied)) transport.send(rewritten);
  };
  return new Proxy(transport, {
    get(target, property) {
      if (property === 'send') return send;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
