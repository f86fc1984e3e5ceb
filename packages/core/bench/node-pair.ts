/** Two connected node-datachannel peers in one process (simple-peer signalled in-process), for benches. */
import Peer from '@thaunknown/simple-peer/lite.js';
import { installNodeEndOfCandidatesFix } from '../src/node';

export type SimplePeer = InstanceType<typeof Peer>;

/** Connect two peers; a rare libdatachannel signalling race fails a connection, so try again. */
export async function connectedPair(attempts = 3): Promise<[SimplePeer, SimplePeer]> {
  installNodeEndOfCandidatesFix();
  for (let attempt = 1; ; attempt++) {
    const a = new Peer({ initiator: true, trickle: false, config: { iceServers: [] } });
    const b = new Peer({ trickle: false, config: { iceServers: [] } });
    a.on('signal', (signal: unknown) => b.destroyed || b.signal(signal));
    b.on('signal', (signal: unknown) => a.destroyed || a.signal(signal));
    try {
      await new Promise<void>((resolve, reject) => {
        let connected = 0;
        for (const peer of [a, b]) {
          peer.once('error', reject);
          peer.once('connect', () => ++connected === 2 && resolve());
        }
      });
      return [a, b];
    } catch (error) {
      a.destroy();
      b.destroy();
      if (attempt >= attempts) throw error;
    }
  }
}
