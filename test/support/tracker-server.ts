/** A real bittorrent-tracker server (WebSocket only) on 127.0.0.1 for tests. */
import { Server } from 'bittorrent-tracker';
import type { AddressInfo } from 'node:net';

export interface TestTracker {
  url: string;
  close(): Promise<void>;
}

export async function startTracker(): Promise<TestTracker> {
  const server = new Server({ udp: false, http: false, ws: true, stats: false, trustProxy: false });
  server.on('error', () => {});
  server.on('warning', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.ws.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
