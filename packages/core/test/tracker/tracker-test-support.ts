/** A real bittorrent-tracker server (WebSocket only) on 127.0.0.1, and polling, for the tracker tests. */
import { Server } from 'bittorrent-tracker';

export { waitUntil } from '../support/wait';

export interface TestTracker {
  /** `ws://127.0.0.1:<port>`; any path reaches the same server. */
  url: string;
  /** Announces the server received for this info-hash (any event). */
  announces(infoHashHex: string): number;
  close(): Promise<void>;
}

export async function startTestTracker(): Promise<TestTracker> {
  const server = new Server({ udp: false, http: false, ws: true, stats: false });
  server.on('warning', () => {});
  server.on('error', () => {});
  const announces = new Map<string, number>();
  for (const event of ['start', 'update', 'stop', 'complete']) {
    server.on(event, (_address: unknown, params: { info_hash?: string }) => {
      const key = String(params.info_hash ?? '').toLowerCase();
      announces.set(key, (announces.get(key) ?? 0) + 1);
    });
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.ws.address();
  if (address === null || typeof address === 'string') throw new Error('tracker has no port');
  return {
    url: `ws://127.0.0.1:${address.port}`,
    announces: (infoHashHex) => announces.get(infoHashHex.toLowerCase()) ?? 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
