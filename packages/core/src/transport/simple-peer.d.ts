/** The part of `@thaunknown/simple-peer` (which ships no types) that tests and benches construct directly. */
declare module '@thaunknown/simple-peer/lite.js' {
  interface SimplePeerOptions {
    initiator?: boolean;
    trickle?: boolean;
    config?: { iceServers?: Array<{ urls: string | string[] }> };
  }
  export default class Peer {
    constructor(options?: SimplePeerOptions);
    readonly connected: boolean;
    readonly destroyed: boolean;
    readonly initiator: boolean;
    readonly bufferSize?: number;
    readonly _channel?: {
      bufferedAmount: number;
      bufferedAmountLowThreshold?: number;
      readonly readyState?: string;
      addEventListener?(type: 'bufferedamountlow', listener: () => void): void;
      removeEventListener?(type: 'bufferedamountlow', listener: () => void): void;
    } | null;
    signal(data: unknown): void;
    send(chunk: Uint8Array): void;
    destroy(error?: Error): void;
    on(event: string, listener: (...args: any[]) => void): this; // eslint-disable-line @typescript-eslint/no-explicit-any
    once(event: string, listener: (...args: any[]) => void): this; // eslint-disable-line @typescript-eslint/no-explicit-any
    removeListener(event: string, listener: (...args: any[]) => void): this; // eslint-disable-line @typescript-eslint/no-explicit-any
  }
}
