/**
 * The public surface of `bittorrent-tracker` 11 (it ships no types) that Shoal uses: the client in
 * `webtorrent-tracker-client.ts`, the server in tests and the demo. Private fields the client touches are
 * typed where they are used, not here.
 */
declare module 'bittorrent-tracker' {
  // `never[]`: any listener, whatever its parameters, fits (parameters are contravariant).
  type Listener = (...args: never[]) => void;

  interface Emitter {
    on(event: string, listener: Listener): this;
    once(event: string, listener: Listener): this;
    removeListener(event: string, listener: Listener): this;
    removeAllListeners(event?: string): this;
  }

  export interface AnnounceOptions {
    numwant?: number;
    uploaded?: number;
    downloaded?: number;
    left?: number;
  }

  export interface ClientOptions {
    /** 40 hex chars. */
    infoHash: string;
    /** 40 hex chars. */
    peerId: string;
    announce: string[];
    /** Required by the Node build, unused by WebSocket trackers and ignored by the browser build. */
    port?: number;
    /** RTCPeerConnection configuration of every peer. */
    rtcConfig?: object;
    /** Called before every announce, including the library's own interval announces. */
    getAnnounceOpts?: () => AnnounceOptions;
  }

  /**
   * Events: `peer` (a simple-peer instance, not necessarily connected yet; its `id` is the remote peer
   * id in hex), `warning` (Error), `error` (Error), `update`, `scrape`.
   */
  export default class Client implements Emitter {
    constructor(options: ClientOptions);
    readonly peerId: string;
    readonly infoHash: string;
    readonly destroyed: boolean;
    start(options?: AnnounceOptions): void;
    stop(options?: AnnounceOptions): void;
    update(options?: AnnounceOptions): void;
    destroy(callback?: (error?: Error | null) => void): void;
    on(event: string, listener: Listener): this;
    once(event: string, listener: Listener): this;
    removeListener(event: string, listener: Listener): this;
    removeAllListeners(event?: string): this;
  }

  export interface ServerOptions {
    udp?: boolean;
    http?: boolean;
    ws?: boolean | object;
    stats?: boolean;
    trustProxy?: boolean;
    /** Announce interval told to clients (ms). */
    interval?: number;
  }

  export class Server implements Emitter {
    constructor(options?: ServerOptions);
    listen(port: number, hostname: string, onListening?: () => void): void;
    close(onClosed?: (error?: Error) => void): void;
    /** The HTTP server carrying the WebSocket server (present when `http` or `ws` is on). */
    readonly http: { address(): { port: number; address: string } | string | null };
    /** The WebSocket server (present when `ws` is on); `address()` is its HTTP server's. */
    readonly ws: { address(): { port: number; address: string } | string | null };
    on(event: string, listener: Listener): this;
    once(event: string, listener: Listener): this;
    removeListener(event: string, listener: Listener): this;
    removeAllListeners(event?: string): this;
  }
}
