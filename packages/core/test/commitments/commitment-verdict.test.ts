import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { commitmentVerdict, contradictedByOrigin, type CommitmentInputs } from '../../src/commitments/commitment-verdict';
import { DELIVERIES_KEPT, PeerTrust } from '../../src/commitments/peer-trust';

const [TRUE, LIE, OTHER] = ['true-hash', 'lie-hash', 'other-hash'];

describe('commitmentVerdict', () => {
  const cases: Array<[string, CommitmentInputs, ReturnType<typeof commitmentVerdict>]> = [
    ['one sender, its commitment matches', { digestBase64: TRUE, senders: [{ peerId: 'a', sha256Base64: TRUE }], holderCommitments: [TRUE], soleSender: true }, { kind: 'verified' }],
    ['no commitment anywhere (relays only)', { digestBase64: TRUE, senders: [{ peerId: 'a', sha256Base64: undefined }], holderCommitments: [], soleSender: true }, { kind: 'unverified' }],
    ['a relay vouched for by a complete holder', { digestBase64: TRUE, senders: [{ peerId: 'r', sha256Base64: undefined }], holderCommitments: [TRUE], soleSender: true }, { kind: 'verified' }],
    ['a relay contradicted by a complete holder: blamed, not proven', { digestBase64: LIE, senders: [{ peerId: 'r', sha256Base64: undefined }], holderCommitments: [TRUE], soleSender: true }, { kind: 'rejected', reason: 'mismatch', blamedPeerIds: ['r'], provenPeerIds: [] }],
    ['sole sender, bytes other than its commitment: proven', { digestBase64: LIE, senders: [{ peerId: 'a', sha256Base64: TRUE }], holderCommitments: [TRUE], soleSender: true }, { kind: 'rejected', reason: 'mismatch', blamedPeerIds: ['a'], provenPeerIds: ['a'] }],
    ['two senders, mismatch: both blamed, none proven', { digestBase64: LIE, senders: [{ peerId: 'a', sha256Base64: TRUE }, { peerId: 'b', sha256Base64: TRUE }], holderCommitments: [TRUE], soleSender: false }, { kind: 'rejected', reason: 'mismatch', blamedPeerIds: ['a', 'b'], provenPeerIds: [] }],
    ['one sender, origin bytes too: not alone, not proven', { digestBase64: LIE, senders: [{ peerId: 'a', sha256Base64: TRUE }], holderCommitments: [TRUE], soleSender: false }, { kind: 'rejected', reason: 'mismatch', blamedPeerIds: ['a'], provenPeerIds: [] }],
    ['holders disagree, bytes match one of them', { digestBase64: LIE, senders: [{ peerId: 'l', sha256Base64: LIE }], holderCommitments: [LIE, TRUE], soleSender: true }, { kind: 'rejected', reason: 'conflict', blamedPeerIds: ['l'], provenPeerIds: [] }],
    ['holders disagree, the sender is honest', { digestBase64: TRUE, senders: [{ peerId: 'h', sha256Base64: TRUE }], holderCommitments: [TRUE, OTHER], soleSender: true }, { kind: 'rejected', reason: 'conflict', blamedPeerIds: ['h'], provenPeerIds: [] }],
  ];
  for (const [name, inputs, expected] of cases) test(name, () => assert.deepEqual(commitmentVerdict(inputs), expected));

  test('contradictedByOrigin: holders committed to another hash than the origin’s', () => {
    const holders = [{ peerId: 'h', sha256Base64: TRUE }, { peerId: 'l', sha256Base64: LIE }, { peerId: 'r', sha256Base64: undefined }];
    assert.deepEqual(contradictedByOrigin(TRUE, holders), ['l']);
  });
});

describe('PeerTrust', () => {
  const holder = (id: string) => ({ peer: { id } });

  test('blamed peers serve only alone, and only when no trusted holder exists', () => {
    const trust = new PeerTrust();
    trust.blame(['a', 'b']);
    assert.deepEqual(trust.choose([holder('a'), holder('c'), holder('b')]), [holder('c')]);
    assert.deepEqual(trust.choose([holder('a'), holder('b')]), [holder('a')]);
    assert.deepEqual(trust.choose([]), []);
  });

  test('a verified segment delivered alone clears probation; one shared with others does not', () => {
    const trust = new PeerTrust();
    trust.blame(['a', 'b']);
    trust.verified(['a', 'b'], false);
    assert.ok(trust.isOnProbation('a') && trust.isOnProbation('b'));
    trust.verified(['a'], true);
    assert.equal(trust.isOnProbation('a'), false);
  });

  test('http-only is used up by asking; deliveries are bounded', () => {
    const trust = new PeerTrust();
    const key = { renditionId: 'r', segmentId: 1 };
    trust.requireHttp(key);
    assert.equal(trust.takeHttpOnly(key), true);
    assert.equal(trust.takeHttpOnly(key), false);
    for (let i = 0; i <= DELIVERIES_KEPT; i++) trust.delivered({ renditionId: 'r', segmentId: i }, ['p']);
    assert.deepEqual(trust.deliveredBy({ renditionId: 'r', segmentId: 0 }), [], 'the oldest is forgotten');
    assert.deepEqual(trust.deliveredBy({ renditionId: 'r', segmentId: DELIVERIES_KEPT }), ['p']);
  });
});
