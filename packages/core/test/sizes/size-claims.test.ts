/** The size rules of P2P downloads (`size-claims.ts`) and the origin's sizes (`OriginSizes`), by table. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_LEARNED_SIZES, OriginSizes } from '../../src/sizes/origin-sizes';
import { contradictsOrigin, isUsableClaim, p2pSizeOf } from '../../src/sizes/size-claims';

const CAP = 64 * 1024 * 1024;

describe('p2pSizeOf', () => {
  const cases: Array<[string, number[], number | undefined, ReturnType<typeof p2pSizeOf>]> = [
    ['the origin size wins over any claim', [1_000, 5_000], 1_000_000, { sizeBytes: 1_000_000, fromOrigin: true }],
    ['the origin size is not capped', [], CAP * 2, { sizeBytes: CAP * 2, fromOrigin: true }],
    ['agreed claims are a hint', [1_000_000, 1_000_000], undefined, { sizeBytes: 1_000_000, fromOrigin: false }],
    ['holders with no byte yet (0) claim nothing', [0, 1_000_000, 0], undefined, { sizeBytes: 1_000_000, fromOrigin: false }],
    ['nobody with a size: none', [0, 0], undefined, undefined],
    ['no holder: none', [], undefined, undefined],
    ['conflicting claims: none (the origin decides)', [1_000_000, 1_000], undefined, undefined],
    ['a claim above the cap: none', [0xffff_ffff], undefined, undefined],
    ['a claim at the cap is a hint', [CAP], undefined, { sizeBytes: CAP, fromOrigin: false }],
  ];
  for (const [name, claims, origin, expected] of cases) {
    it(name, () => assert.deepEqual(p2pSizeOf(claims, origin, CAP), expected));
  }

  it('only holders announcing exactly the size are usable', () => {
    const size = p2pSizeOf([1_000_000, 1_000], 1_000_000, CAP);
    assert.equal(isUsableClaim(1_000_000, size), true);
    assert.equal(isUsableClaim(1_000, size), false);
    assert.equal(isUsableClaim(1_000_000, undefined), false);
  });

  it('a size 0 announcement never contradicts the origin', () => {
    assert.equal(contradictsOrigin(0, 1_000), false);
    assert.equal(contradictsOrigin(1_000, 1_000), false);
    assert.equal(contradictsOrigin(1_001, 1_000), true);
  });
});

describe('OriginSizes', () => {
  it('knows a byte range from the playlist, and what responses said', () => {
    const sizes = new OriginSizes({ segmentOf: (key) => (key.segmentId === 1 ? { byteRange: { startByte: 100, endByte: 199 } } : undefined) });
    const learned: unknown[] = [];
    sizes.on('learned', (key, sizeBytes, source) => learned.push([key.segmentId, sizeBytes, source]));
    assert.equal(sizes.sizeOf({ renditionId: 'r', segmentId: 1 }), 100);
    assert.equal(sizes.sizeOf({ renditionId: 'r', segmentId: 2 }), undefined);
    assert.equal(sizes.sizeOf({ renditionId: 'r', segmentId: 2, byteRange: { startByte: 0, endByte: 9 } }), 10);
    sizes.learned({ renditionId: 'r', segmentId: 2 }, 5_000, 'content-length');
    sizes.learned({ renditionId: 'r', segmentId: 2 }, 5_000, 'content-range');
    assert.deepEqual(sizes.known({ renditionId: 'r', segmentId: 2 }), { sizeBytes: 5_000, source: 'content-length' });
    assert.deepEqual(learned, [[2, 5_000, 'content-length']], 'told once per new size');
  });

  it('forgets the oldest learned sizes past its bound', () => {
    const sizes = new OriginSizes({ segmentOf: () => undefined });
    for (let id = 0; id <= MAX_LEARNED_SIZES; id++) sizes.learned({ renditionId: 'r', segmentId: id }, 1_000, 'content-length');
    assert.equal(sizes.sizeOf({ renditionId: 'r', segmentId: 0 }), undefined);
    assert.equal(sizes.sizeOf({ renditionId: 'r', segmentId: MAX_LEARNED_SIZES }), 1_000);
  });
});
