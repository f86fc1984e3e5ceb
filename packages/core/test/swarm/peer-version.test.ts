/**
 * Protocol version 2 (commitments in `have`/`haveSet`) against a version 1 peer: no interop, a clean
 * refusal. A real `Peer` on the in-memory transport; the other end speaks version 1 frame by frame.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/clock/virtual-clock';
import type { ShoalError } from '../../src/errors';
import { Peer } from '../../src/swarm/peer';
import { createMemoryTransportPair } from '../../src/transport/memory-transport';
import { decodeMessage, encodeMessage } from '../../src/wire/codec';
import { PROTOCOL_VERSION, type DecodedMessage } from '../../src/wire/messages';

const SWARM_HASH = '0123456789abcdef0123456789abcdef01234567';

test('a version 1 peer is refused cleanly: goodbye(versionMismatch), closed with codec-bad-version, nothing misread', async () => {
  const clock = new VirtualClock();
  const [ours, theirs] = createMemoryTransportPair({ clock, peerIds: ['a'.repeat(40), 'b'.repeat(40)] });
  // What our peer sends (the in-memory link drops frames still in flight when a side closes).
  const sent: DecodedMessage[] = [];
  const send = ours.send.bind(ours);
  ours.send = (frame: Uint8Array) => {
    const decoded = decodeMessage(frame);
    // A version 1 client reads our handshake's version byte (2) the same way, and refuses too.
    sent.push(decoded.ok ? decoded.message : { type: 'unknown', typeByte: decoded.peerVersion ?? -1 });
    send(frame);
  };
  const peer = new Peer(ours, { clock, swarmHashHex: SWARM_HASH, uploadEnabled: true, playing: [] });
  const closed = new Promise<ShoalError | undefined>((resolve) => peer.on('closed', resolve));
  let holdingsSeen = 0;
  peer.on('holdings', () => holdingsSeen++);
  peer.start([{ renditionId: 'r', segments: [{ segmentId: 1, sizeBytes: 10, partial: false, sha256Base64: Buffer.alloc(32, 1).toString('base64') }] }]);
  // A version 1 client: its handshake, then its 13-byte-entry haveSet (which version 2 must not misread).
  theirs.send(encodeMessage({ type: 'handshake', version: 1, swarmHashHex: SWARM_HASH, uploadEnabled: true, playing: [] }));
  theirs.send(Uint8Array.of(0x01, 0, 1, 1, 0x72, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 10, 0));
  clock.advance(1_000);
  const reason = await closed;
  assert.equal(reason?.code, 'codec-bad-version');
  assert.equal(peer.isClosed, true);
  assert.equal(holdingsSeen, 0, 'nothing of the old peer was read as holdings');
  clock.advance(1_000);
  // Our handshake carried version 2, and the last frame we sent was goodbye(versionMismatch).
  assert.ok(sent[0]?.type === 'handshake' && sent[0].version === PROTOCOL_VERSION && PROTOCOL_VERSION === 2);
  assert.deepEqual(sent[sent.length - 1], { type: 'goodbye', reason: 'versionMismatch' });
});
