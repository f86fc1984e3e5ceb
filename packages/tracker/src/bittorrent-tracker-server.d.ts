/**
 * The part of `bittorrent-tracker/server` 11.2.3 (it ships no types) that `@shoal/tracker` uses, including
 * the methods `shoal-server.ts` overrides. Those are private in the library: the package pins 11.2.3 and
 * `shoal-server.ts` is the only file that touches them.
 */
declare module 'bittorrent-tracker/server' {
  import { EventEmitter } from 'node:events';
  import type { WebSocketServer, WebSocket } from 'ws';

  export interface ServerOptions {
    udp?: boolean;
    http?: boolean;
    ws?: boolean | Record<string, unknown>;
    stats?: boolean;
    trustProxy?: boolean;
    /** ms; WebSocket clients are told a fifth of it. */
    interval?: number;
    filter?: AnnounceFilter;
    /** Peers one swarm holds before its LRU evicts the least recent. @default 1000 */
    peersCacheLength?: number;
  }

  export type AnnounceFilter = (infoHashHex: string, params: AnnounceParams, callback: (error?: Error | null) => void) => void;

  /** A socket as the library decorates it (`onWebSocketConnection`). */
  export interface TrackerSocket extends WebSocket {
    peerId: string | null;
    infoHashes: string[] | null;
    destroyed?: boolean;
    onSend: (error?: Error) => void;
    /** The client address, set by us before the library reads it (it falls back to `upgradeReq`). */
    ip?: string;
  }

  /** A parsed request (`lib/server/parse-websocket.js`): hex ids, numeric action. */
  export interface AnnounceParams {
    action: number;
    info_hash: string;
    peer_id: string;
    numwant: number;
    event?: string;
    offers?: Array<{ offer: unknown; offer_id: string }>;
    answer?: unknown;
    to_peer_id?: string;
    socket?: TrackerSocket;
    ip?: string;
  }

  export interface LibrarySwarm {
    infoHash: string;
    /** An `lru` cache: `length`, `keys`, `peek(id)`. */
    peers: { length: number; keys: string[]; peek(id: string): unknown };
  }

  export default class Server extends EventEmitter {
    constructor(options?: ServerOptions);
    readonly ws: WebSocketServer;
    torrents: Record<string, LibrarySwarm>;
    destroyed: boolean;
    _filter?: AnnounceFilter;
    close(onClosed?: (error?: Error | null) => void): void;
    createSwarm(infoHashHex: string, callback: (error: Error | null, swarm?: LibrarySwarm) => void): void;
    onWebSocketConnection(socket: WebSocket, options?: object): void;
    _onWebSocketRequest(socket: TrackerSocket, options: object, rawMessage: unknown): void;
    _onWebSocketClose(socket: TrackerSocket): void;
    _onRequest(params: AnnounceParams, callback: (error: Error | null, response?: { peers?: unknown[] }) => void): void;
  }
}
