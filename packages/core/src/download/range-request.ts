/**
 * A player's byte-range request that is not exactly one known piece of the swarm. Single-file streams
 * (HLS `EXT-X-BYTERANGE`, DASH `SegmentBase`/`SegmentList` with `mediaRange`) are pieces of one resource:
 * the swarm trades each piece under its own `SegmentKey`, and a piece's identity is its URL and byte range
 * (`pieceMatching`), whatever segment id the player gave the request. A request that overlaps pieces
 * without being one of them (a player asking two segments in one range, a range starting inside a piece,
 * an index range read with the first segment) is answered from the pieces it covers, each loaded like any
 * segment (cache, peers, HTTP: so they share), and the bytes no piece holds come over HTTP, those bytes only.
 *
 * `planRange` is the pure plan; `loadRange` runs it through the engine's parts.
 */
import { ShoalError } from '../errors';
import { byteRangeLength } from '../segment-key';
import type { ByteRange, Segment, SegmentKey } from '../types';
import { HttpDownload } from './http-download';
import type { DownloadContext } from './download-context';

/** Where one slice of a requested range comes from. Offsets are inclusive, in the resource's bytes. */
export type RangePart =
  /** A piece wholly inside the request: loaded as a segment (cache, peers or HTTP), all its bytes used. */
  | { kind: 'piece'; piece: Segment & { byteRange: ByteRange }; range: ByteRange }
  /** A piece only partly inside the request: its bytes are used if this viewer or a peer holds it, else HTTP. */
  | { kind: 'piece-slice'; piece: Segment & { byteRange: ByteRange }; range: ByteRange }
  /** Bytes no known piece covers: HTTP. */
  | { kind: 'http'; range: ByteRange };

type Piece = Segment & { byteRange: ByteRange };

/** Whether two inclusive ranges are the same bytes. */
export function sameByteRange(a: ByteRange, b: ByteRange): boolean {
  return a.startByte === b.startByte && a.endByte === b.endByte;
}

/** Whether two inclusive ranges share a byte. */
export function byteRangesOverlap(a: ByteRange, b: ByteRange): boolean {
  return a.endByte >= b.startByte && a.startByte <= b.endByte;
}

/** The known piece that is exactly `url` + `range` (the swarm's identity of a byte range), if any. */
export function pieceMatching(pieces: readonly Segment[], url: string, range: ByteRange): Segment | undefined {
  return pieces.find((piece) => piece.url === url && piece.byteRange !== undefined && sameByteRange(piece.byteRange, range));
}

/**
 * The parts of `request` (inclusive, in the resource's bytes), in byte order and covering it without a gap
 * or an overlap: the pieces of the same URL it covers, slices of pieces at its edges, and HTTP for the
 * rest (adjacent HTTP parts merged). Pieces overlapping each other are taken in start order, the later
 * one only for the bytes the earlier did not give.
 */
export function planRange(request: ByteRange, url: string, pieces: readonly Segment[]): RangePart[] {
  const overlapping = pieces
    .filter((piece): piece is Piece => piece.url === url && piece.byteRange !== undefined)
    .filter(({ byteRange }) => byteRangesOverlap(byteRange, request))
    .sort((a, b) => a.byteRange.startByte - b.byteRange.startByte);
  const parts: RangePart[] = [];
  const addHttp = (range: ByteRange): void => {
    const last = parts[parts.length - 1];
    if (last?.kind === 'http' && last.range.endByte + 1 === range.startByte) last.range = { startByte: last.range.startByte, endByte: range.endByte };
    else parts.push({ kind: 'http', range });
  };
  let nextByte = request.startByte;
  for (const piece of overlapping) {
    const { byteRange } = piece;
    if (byteRange.endByte < nextByte) continue; // wholly given by an earlier piece
    if (byteRange.startByte > nextByte) addHttp({ startByte: nextByte, endByte: byteRange.startByte - 1 });
    const range = { startByte: Math.max(nextByte, byteRange.startByte), endByte: Math.min(request.endByte, byteRange.endByte) };
    parts.push({ kind: sameByteRange(range, byteRange) ? 'piece' : 'piece-slice', piece, range });
    nextByte = range.endByte + 1;
    if (nextByte > request.endByte) break;
  }
  if (nextByte <= request.endByte) addHttp({ startByte: nextByte, endByte: request.endByte });
  return parts;
}

/** A loaded piece's bytes and where they came from. */
export interface PieceBytes {
  bytes: Uint8Array;
  source: 'http' | 'p2p' | 'cache';
  peerIds: string[];
}

/** What `loadRange` uses of the engine. */
export interface RangeLoader {
  /** Load a piece as a segment: cache, peers or HTTP (the piece then shares like any segment). */
  loadPiece(piece: Segment): Promise<PieceBytes>;
  /** Whether a piece is held here or by a peer (whole or arriving): then a slice of it is worth its load. */
  isHeldSomewhere(key: SegmentKey): boolean;
  /** Fetch `range` (inclusive, in the resource's bytes) of `url` from the origin. */
  fetchHttp(url: string, range: ByteRange): Promise<Uint8Array>;
}

export interface RangeResult {
  bytes: Uint8Array;
  /** `cache` only if every byte was held here; `p2p` if peers sent any; else `http`. */
  source: 'http' | 'p2p' | 'cache';
  httpBytes: number;
  /** Bytes of the answer taken from pieces peers delivered. */
  p2pBytes: number;
  peerIds: string[];
}

/** Answer `request` of `url` by its plan: pieces through the swarm, the rest (only) over HTTP. */
export async function loadRange(request: ByteRange, url: string, pieces: readonly Segment[], loader: RangeLoader): Promise<RangeResult> {
  const plan = planRange(request, url, pieces);
  const slices = await Promise.all(plan.map((part) => loadPart(part, url, loader)));
  const bytes = new Uint8Array(byteRangeLength(request));
  const peerIds = new Set<string>();
  let httpBytes = 0;
  let p2pBytes = 0;
  let fromPeers = false;
  let allCached = true;
  plan.forEach((part, index) => {
    const slice = slices[index]!;
    bytes.set(slice.bytes, part.range.startByte - request.startByte);
    if (slice.source === 'http') httpBytes += slice.bytes.byteLength;
    if (slice.source === 'p2p') {
      fromPeers = true;
      p2pBytes += slice.bytes.byteLength;
    }
    if (slice.source !== 'cache') allCached = false;
    for (const peerId of slice.peerIds) peerIds.add(peerId);
  });
  const source = allCached ? 'cache' : fromPeers ? 'p2p' : 'http';
  return { bytes, source, httpBytes, p2pBytes, peerIds: [...peerIds] };
}

async function loadPart(part: RangePart, url: string, loader: RangeLoader): Promise<PieceBytes> {
  if (part.kind === 'http' || (part.kind === 'piece-slice' && !loader.isHeldSomewhere(part.piece))) {
    const bytes = await loader.fetchHttp(url, part.range);
    return { bytes, source: 'http', peerIds: [] };
  }
  const loaded = await loader.loadPiece(part.piece);
  const offsetBytes = part.range.startByte - part.piece.byteRange.startByte;
  return { ...loaded, bytes: loaded.bytes.subarray(offsetBytes, offsetBytes + byteRangeLength(part.range)) };
}

/** Fetch `range` of `url` over HTTP with a download's shared parts: counted, sampled, abortable. */
export async function fetchRangeOverHttp(
  context: Pick<DownloadContext, 'fetcher' | 'clock' | 'httpTimeoutMs' | 'httpEstimator' | 'onDownloaded'>,
  url: string,
  range: ByteRange,
  signal: AbortSignal | undefined,
): Promise<Uint8Array> {
  const { fetcher, clock, httpTimeoutMs, httpEstimator, onDownloaded } = context;
  const download = new HttpDownload({
    segment: { url, byteRange: range },
    fetcher,
    clock,
    timeoutMs: httpTimeoutMs,
    estimator: httpEstimator,
    onChunk: ({ bytes }) => onDownloaded('http', bytes.byteLength),
  });
  const abort = (): void => download.abort();
  signal?.addEventListener('abort', abort);
  try {
    const bytes = await download.run();
    if (!bytes) throw new ShoalError('http-network', `No body for ${url}`, { source: 'http', fatal: true });
    return bytes;
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}
