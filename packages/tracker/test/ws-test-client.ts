/** A raw WebTorrent-protocol WebSocket client for the tracker tests and helpers to start a quiet tracker. */
import { WebSocket } from 'ws';
import { startTracker, type RunningTracker, type TrackerOptions } from '../src/index.js';

export async function startQuietTracker(options: TrackerOptions = {}): Promise<RunningTracker> {
  return startTracker({ host: '127.0.0.1', port: 0, log: false, shutdownGraceMs: 1000, ...options });
}

/** A 20-character binary id (info_hash, peer_id, offer_id) made of one repeated character plus a tag. */
export function id(tag: string): string {
  return tag.padEnd(20, '.').slice(0, 20);
}

export interface TestClient {
  ws: WebSocket;
  messages: Array<Record<string, unknown>>;
  send(message: unknown): void;
  /** Resolves with the close code once the socket closes. */
  closed: Promise<number>;
  /** Resolves with the next message matching `predicate` (already received ones count). */
  next(predicate: (m: Record<string, unknown>) => boolean, what: string): Promise<Record<string, unknown>>;
  close(): void;
}

/** Opens a client; rejects with the HTTP status code of a refused upgrade (`status 403`). */
export function connect(url: string, origin?: string): Promise<TestClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin });
    const messages: Array<Record<string, unknown>> = [];
    const waiters: Array<() => void> = [];
    const closed = new Promise<number>((done) => ws.on('close', (code) => done(code)));
    ws.on('message', (data) => {
      messages.push(JSON.parse(String(data)) as Record<string, unknown>);
      for (const wake of waiters.splice(0)) wake();
    });
    ws.on('unexpected-response', (_req, res) => reject(new Error(`status ${res.statusCode}`)));
    ws.on('error', (error) => reject(error));
    ws.on('open', () =>
      resolve({
        ws,
        messages,
        closed,
        send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
        close: () => ws.close(),
        next(predicate, what) {
          return new Promise((found, fail) => {
            const check = (): void => {
              const match = messages.find(predicate);
              if (match) return found(match);
              if (ws.readyState === WebSocket.CLOSED) return fail(new Error(`closed before ${what}`));
              waiters.push(check);
            };
            void closed.then(() => check());
            check();
          });
        },
      }),
    );
  });
}

export interface AnnounceFields {
  infoHash: string;
  peerId: string;
  offers?: number;
  event?: string;
  offerTag?: string;
}

export function announce({ infoHash, peerId, offers = 0, event, offerTag = 'o' }: AnnounceFields): Record<string, unknown> {
  return {
    action: 'announce',
    info_hash: infoHash,
    peer_id: peerId,
    numwant: offers,
    ...(event ? { event } : {}),
    offers: Array.from({ length: offers }, (_, i) => ({ offer_id: id(`${offerTag}${i}`), offer: { type: 'offer', sdp: 'v=0 opaque' } })),
  };
}

/** Announces and waits for the tracker's reply for this info-hash (a response or a failure reason). */
export async function announceAndReply(client: TestClient, fields: AnnounceFields): Promise<Record<string, unknown>> {
  const before = client.messages.length;
  client.send(announce(fields));
  return client.next((m) => client.messages.indexOf(m) >= before && m.info_hash === fields.infoHash && m.offer === undefined && m.answer === undefined, `a reply to ${fields.peerId}`);
}
