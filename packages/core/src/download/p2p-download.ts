/**
 * Downloads one segment from peers, block by block. Blocks are handed out round-robin to every usable
 * peer that holds the segment (so one segment is assembled from several peers at once), at most
 * `pipelineBlocks` outstanding per peer. A peer that closes, answers `absent` or times out loses only its
 * outstanding blocks, which go to the other peers. When no usable peer is left, or `stop()` is called,
 * the download ends incomplete; the partial segment it fills says which bytes HTTP must still fetch.
 * A block is handed on whole, once all of it arrived; the receiver may take it, or refuse it as proven
 * wrong (integrity check): the block is then asked of another peer and its sender set aside. A peer that
 * answers `busy` is asked for nothing more, but what it accepted still comes.
 */
import type { Clock, TimerHandle } from '../clock/clock';
import { ShoalError } from '../errors';
import type { SegmentKey } from '../types';
import { BLOCK_BYTES } from '../wire/messages';
import type { Peer } from '../swarm/peer';

/** A holder's next unstarted blocks that may already be on the wire: never moved to another peer. */
export const IN_FLIGHT_GUESS_BLOCKS = 2;

export interface P2PDownloadOptions {
  key: SegmentKey;
  sizeBytes: number;
  clock: Clock;
  /** Most blocks outstanding per peer. */
  pipelineBlocks: number;
  /** A block not received within this time is re-requested elsewhere and its peer set aside. */
  requestTimeoutMs: number;
  /**
   * Each received block's bytes, whole, at their offset within the segment. The download keeps no copy:
   * the receiver places them (a `SegmentDownload` writes them to its partial segment). It answers whether
   * it took them — at once, or after an asynchronous check — false meaning the bytes are proven wrong.
   */
  onBlock: (peerId: string, offsetBytes: number, payload: Uint8Array) => boolean | Promise<boolean>;
  /** Blocks held already (an earlier attempt's): never asked for. */
  heldBlock?: (index: number) => boolean;
}

export interface P2PDownloadOutcome {
  complete: boolean;
  /** Why it ended incomplete (the last peer failure), when it did. */
  lastError?: ShoalError;
}

interface InFlight {
  peer: Peer;
  requestId: number;
  timer: TimerHandle;
  /** A byte of it arrived. */
  started: boolean;
}

const enum BlockState {
  Missing,
  InFlight,
  /** All its bytes arrived; the receiver is checking them. */
  Checking,
  Done,
}

export class P2PDownload {
  private readonly options: P2PDownloadOptions;
  private readonly state: BlockState[];
  private readonly inFlight = new Map<number, InFlight>();
  private readonly peers: Peer[] = [];
  private readonly servedBy = new Set<string>();
  /** Peers this download stopped using (failed, timed out, busy, wrong bytes): never offered again. */
  private readonly setAsideIds = new Set<string>();
  private readonly outstandingPerPeer = new Map<string, number>();
  private doneBlocks = 0;
  private checkingBlocks = 0;
  /** Clock ms when the download started. */
  readonly startedAtMs: number;
  private receivedBytes = 0;
  /** Clock ms when the receiver last took a whole block; undefined before the first. */
  private lastBlockAtMsValue: number | undefined;
  private ended = false;
  private lastError: ShoalError | undefined;
  private resolve!: (outcome: P2PDownloadOutcome) => void;
  readonly finished: Promise<P2PDownloadOutcome>;

  constructor(options: P2PDownloadOptions) {
    this.options = options;
    this.state = new Array<BlockState>(Math.ceil(options.sizeBytes / BLOCK_BYTES)).fill(BlockState.Missing);
    for (let block = 0; block < this.state.length; block++) {
      if (options.heldBlock?.(block)) {
        this.state[block] = BlockState.Done;
        this.doneBlocks++;
      }
    }
    this.finished = new Promise((resolve) => (this.resolve = resolve));
    this.startedAtMs = options.clock.now();
    if (this.doneBlocks === this.state.length) this.end('complete');
  }

  /** Peer ids that delivered at least one block. */
  get peerIds(): string[] {
    return [...this.servedBy];
  }

  get p2pBytes(): number {
    return this.receivedBytes;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /**
   * Offer a peer that holds the segment; it starts receiving requests at once. False when it is not taken:
   * the download ended, the peer is closed, already used, or was set aside by this download.
   */
  addPeer(peer: Peer): boolean {
    if (this.ended || peer.isClosed || this.peers.includes(peer) || this.setAsideIds.has(peer.id)) return false;
    this.peers.push(peer);
    this.outstandingPerPeer.set(peer.id, 0);
    this.shareUnstartedBlocks(peer);
    this.pump();
    return true;
  }

  /** End now, cancelling outstanding requests; received blocks are kept. */
  stop(): void {
    this.end('incomplete');
  }

  /**
   * Clock ms when the receiver last took a whole block; undefined before the first. Progress is counted in
   * blocks taken, not bytes: a peer trickling a block a byte at a time looks as silent as it is.
   */
  get lastBlockAtMs(): number | undefined {
    return this.lastBlockAtMsValue;
  }

  /** Bytes received per second so far; undefined before the first byte. */
  bytesPerSecNow(nowMs: number): number | undefined {
    if (this.receivedBytes === 0) return undefined;
    return this.receivedBytes / Math.max(0.05, (nowMs - this.startedAtMs) / 1000);
  }

  private pump(): void {
    if (this.ended) return;
    let assigned = true;
    while (assigned) {
      assigned = false;
      for (const peer of this.peers) {
        if (!this.canRequestFrom(peer)) continue;
        const block = this.state.indexOf(BlockState.Missing);
        if (block < 0) return;
        this.requestBlock(peer, block);
        assigned = true;
      }
    }
    if (this.inFlight.size === 0 && this.checkingBlocks === 0 && this.doneBlocks < this.state.length) this.end('incomplete');
  }

  /**
   * A peer joining a running download takes its share of the blocks asked of the others that have not
   * started arriving (the last ones: a busy holder's queue serves them last), so a holder that appeared
   * late is not left idle while the first ones queue every block. Each holder keeps its next
   * `IN_FLIGHT_GUESS_BLOCKS` unstarted blocks: it serves a peer's requests in order, so those may be on
   * the wire already, and a cancel cannot take back bytes sent (they would cross the uplink twice).
   */
  private shareUnstartedBlocks(peer: Peer): void {
    if (!this.canRequestFrom(peer)) return;
    const kept = new Map<Peer, number>();
    const unstarted = [...this.inFlight]
      .filter(([, flight]) => !flight.started)
      .sort(([a], [b]) => a - b)
      .filter(([, flight]) => {
        const keptBlocks = kept.get(flight.peer) ?? 0;
        kept.set(flight.peer, keptBlocks + 1);
        return keptBlocks >= IN_FLIGHT_GUESS_BLOCKS;
      })
      .map(([block]) => block);
    const share = Math.min(this.options.pipelineBlocks, Math.floor(unstarted.length / this.peers.length));
    for (const block of unstarted.slice(unstarted.length - share)) {
      const flight = this.inFlight.get(block)!;
      flight.peer.cancel(flight.requestId);
      this.settle(block);
      this.requestBlock(peer, block);
    }
  }

  private canRequestFrom(peer: Peer): boolean {
    return !peer.isClosed && !peer.chokedByRemote && (this.outstandingPerPeer.get(peer.id) ?? 0) < this.options.pipelineBlocks;
  }

  private requestBlock(peer: Peer, block: number): void {
    const offsetBytes = block * BLOCK_BYTES;
    const lengthBytes = Math.min(BLOCK_BYTES, this.options.sizeBytes - offsetBytes);
    this.state[block] = BlockState.InFlight;
    this.outstandingPerPeer.set(peer.id, (this.outstandingPerPeer.get(peer.id) ?? 0) + 1);
    // A block may be handed to another peer while this request's callbacks are still to come (its peer
    // closing fails all its requests one after another): only the block's current request may act on it.
    const isCurrent = (): boolean => {
      const flight = this.inFlight.get(block);
      return flight !== undefined && flight.peer === peer && flight.requestId === requestId;
    };
    // Honest peers send a block in one message; a block sent in pieces is gathered, so it is checked whole.
    const pieces: Uint8Array[] = [];
    const requestId = peer.request(this.options.key, offsetBytes, lengthBytes, {
      onData: (_offset, payload) => {
        if (!isCurrent()) return;
        this.inFlight.get(block)!.started = true;
        this.receivedBytes += payload.byteLength;
        pieces.push(payload);
      },
      onComplete: () => {
        if (!isCurrent()) return;
        this.settle(block);
        this.state[block] = BlockState.Checking;
        this.checkingBlocks++;
        const verdict = this.options.onBlock(peer.id, offsetBytes, joined(pieces));
        if (typeof verdict === 'boolean') this.checked(block, peer, verdict);
        else void verdict.then((taken) => this.checked(block, peer, taken));
      },
      onFail: (error) => {
        if (!isCurrent()) return;
        this.settle(block);
        this.state[block] = BlockState.Missing;
        // Busy: its uplink is full for now. What it accepted before still comes (cancelling those would
        // waste bytes it may have sent already); it is only asked for nothing more.
        if (error.code === 'peer-busy') this.retire(peer, error);
        else this.setAside(peer, error);
      },
    });
    const timer = this.options.clock.setTimeout(() => {
      if (!isCurrent()) return;
      const flight = this.inFlight.get(block)!;
      flight.peer.cancel(flight.requestId);
      this.settle(block);
      this.state[block] = BlockState.Missing;
      // Received bytes of a partly delivered block are simply overwritten when it is fetched again.
      this.setAside(peer, undefined);
    }, this.options.requestTimeoutMs);
    this.inFlight.set(block, { peer, requestId, timer, started: false });
  }

  /** The receiver took a block (done), or refused it as wrong (asked elsewhere; its peer set aside). */
  private checked(block: number, peer: Peer, taken: boolean): void {
    this.checkingBlocks--;
    if (this.ended) return;
    if (taken) {
      this.lastBlockAtMsValue = this.options.clock.now();
      this.servedBy.add(peer.id);
      this.state[block] = BlockState.Done;
      this.doneBlocks++;
      if (this.doneBlocks === this.state.length) this.end('complete');
      else this.pump();
      return;
    }
    this.state[block] = BlockState.Missing;
    this.setAside(peer, new ShoalError('corrupt-data', `Block ${block} from ${peer.id} failed its integrity check`, { source: 'p2p' }));
  }

  /** Forget a block's in-flight bookkeeping. */
  private settle(block: number): void {
    const flight = this.inFlight.get(block);
    if (!flight) return;
    this.options.clock.clearTimeout(flight.timer);
    this.inFlight.delete(block);
    this.outstandingPerPeer.set(flight.peer.id, Math.max(0, (this.outstandingPerPeer.get(flight.peer.id) ?? 1) - 1));
  }

  /** Ask a peer for no more blocks of this segment, leaving the ones it accepted running. */
  private retire(peer: Peer, error: ShoalError | undefined): void {
    if (error) this.lastError = error;
    this.setAsideIds.add(peer.id);
    const index = this.peers.indexOf(peer);
    if (index >= 0) this.peers.splice(index, 1);
    this.pump();
  }

  /** Stop using a peer for this segment: cancel its other blocks and hand them to the rest. */
  private setAside(peer: Peer, error: ShoalError | undefined): void {
    for (const [block, flight] of [...this.inFlight]) {
      if (flight.peer !== peer) continue;
      peer.cancel(flight.requestId);
      this.settle(block);
      this.state[block] = BlockState.Missing;
    }
    this.retire(peer, error);
  }

  private end(how: 'complete' | 'incomplete'): void {
    const complete = how === 'complete';
    if (this.ended) return;
    this.ended = true;
    for (const [block, flight] of [...this.inFlight]) {
      flight.peer.cancel(flight.requestId);
      this.settle(block);
      this.state[block] = BlockState.Missing;
    }
    this.resolve(complete ? { complete } : { complete, ...(this.lastError ? { lastError: this.lastError } : {}) });
  }
}

/** One block's bytes from its pieces (the one piece itself, uncopied, in the usual case). */
function joined(pieces: Uint8Array[]): Uint8Array {
  if (pieces.length === 1) return pieces[0]!;
  const bytes = new Uint8Array(pieces.reduce((sum, piece) => sum + piece.byteLength, 0));
  let offset = 0;
  for (const piece of pieces) {
    bytes.set(piece, offset);
    offset += piece.byteLength;
  }
  return bytes;
}
