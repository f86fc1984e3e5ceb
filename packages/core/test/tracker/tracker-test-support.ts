/** A real bittorrent-tracker server (WebSocket only) on 127.0.0.1, and polling, for the tracker tests. */
import { Server } from 'bittorrent-tracker';

export interface TestTracker {
  /** `ws://127.0.0.1:<port>`; any path reaches the same server. */
  url: string;
  close(): Promise<void>;
}

export async function startTestTracker(): Promise<TestTracker> {
  const server = new Server({ udp: false, http: false, ws: true, stats: false });
  server.on('warning', () => {});
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.ws.address();
  if (address === null || typeof address === 'string') throw new Error('tracker has no port');
  return {
    url: `ws://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Polls `predicate` every 20 ms; rejects naming `what` after `timeoutMs`. */
export async function waitUntil(predicate: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadlineMs = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadlineMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
