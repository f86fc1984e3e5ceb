/** The plan of a byte-range request over a single-file rendition's pieces (pure; `download/range-request.ts`). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pieceMatching, planRange } from '../../src/download/range-request';
import type { Segment } from '../../src/types';

const URL_ = 'https://origin/v/all.mp4';
/** Four pieces of 100 bytes: [0-99], [100-199], [200-299], [300-399]. */
const pieces: Segment[] = [0, 1, 2, 3].map((i) => ({ renditionId: 'r', segmentId: i, url: URL_, byteRange: { startByte: i * 100, endByte: i * 100 + 99 } }));

test('a piece is its URL and range, whatever id the request has', () => {
  assert.equal(pieceMatching(pieces, URL_, { startByte: 100, endByte: 199 })?.segmentId, 1);
  assert.equal(pieceMatching(pieces, URL_, { startByte: 100, endByte: 198 }), undefined);
  assert.equal(pieceMatching(pieces, 'https://origin/v/other.mp4', { startByte: 100, endByte: 199 }), undefined);
});

test('plans: pieces covered whole, slices at the edges, HTTP only for bytes no piece has', () => {
  const summary = (from: number, to: number, list: Segment[] = pieces) =>
    planRange({ startByte: from, endByte: to }, URL_, list).map((part) =>
      part.kind === 'http' ? `http ${part.range.startByte}-${part.range.endByte}` : `${part.kind} ${part.piece.segmentId} ${part.range.startByte}-${part.range.endByte}`,
    );
  // Spanning two pieces exactly.
  assert.deepEqual(summary(100, 299), ['piece 1 100-199', 'piece 2 200-299']);
  // Overlapping two pieces by halves.
  assert.deepEqual(summary(50, 149), ['piece-slice 0 50-99', 'piece-slice 1 100-149']);
  // A gap no piece covers (piece 2 unknown), and bytes past the last piece.
  const withGap = pieces.filter((piece) => piece.segmentId !== 2);
  assert.deepEqual(summary(150, 450, withGap), ['piece-slice 1 150-199', 'http 200-299', 'piece 3 300-399', 'http 400-450']);
  // Nothing known: all HTTP, one part.
  assert.deepEqual(summary(0, 50, []), ['http 0-50']);
});
