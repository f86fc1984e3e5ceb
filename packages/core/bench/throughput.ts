/**
 * `npm run bench -w @shoal/core`: block throughput between two Node peers (Shoal's wire protocol, blocks,
 * backpressure, reassembly) as a ratio of raw node-datachannel throughput measured in the same run.
 *
 * raw:   64 KiB messages sent as fast as the channel takes them (waiting on bufferedamountlow).
 * shoal: a P2PDownload of one segment from a peer's Uploader, over SimplePeerTransport.
 */
import { systemClock } from '../src/clock/system-clock';
import { DEFAULT_CONFIG } from '../src/config';
import { P2PDownload } from '../src/download/p2p-download';
import { Holdings } from '../src/holdings/holdings';
import { MemoryStorage } from '../src/storage/memory-storage';
import { Swarm } from '../src/swarm/swarm';
import { SimplePeerTransport } from '../src/transport/simple-peer-transport';
import { connectedPair, type SimplePeer } from './node-pair';

const TOTAL_BYTES = 64 * 1024 * 1024;
const MESSAGE_BYTES = 64 * 1024;
const ROUNDS = 3;
const mib = (bytesPerSec: number): string => (bytesPerSec / 1024 / 1024).toFixed(1);

async function rawThroughput(): Promise<number> {
  const [a, b] = await connectedPair();
  const channel = (a as unknown as { _channel: { bufferedAmount: number; bufferedAmountLowThreshold: number; addEventListener(t: string, f: () => void): void; removeEventListener(t: string, f: () => void): void } })._channel;
  channel.bufferedAmountLowThreshold = 256 * 1024;
  const message = new Uint8Array(MESSAGE_BYTES);
  let received = 0;
  const done = new Promise<void>((resolve) => b.on('data', (d: Uint8Array) => ((received += d.byteLength) >= TOTAL_BYTES ? resolve() : undefined)));
  const start = performance.now();
  for (let sent = 0; sent < TOTAL_BYTES; sent += MESSAGE_BYTES) {
    if (channel.bufferedAmount > 1024 * 1024) {
      await new Promise<void>((resolve) => {
        const onLow = (): void => (channel.removeEventListener('bufferedamountlow', onLow), resolve());
        channel.addEventListener('bufferedamountlow', onLow);
      });
    }
    a.send(message);
  }
  await done;
  const seconds = (performance.now() - start) / 1000;
  close(a, b);
  return TOTAL_BYTES / seconds;
}

async function shoalThroughput(): Promise<number> {
  const [a, b] = await connectedPair();
  const segment = new Uint8Array(TOTAL_BYTES).map((_, i) => i * 7);
  const key = { renditionId: 'bench', segmentId: 1 };
  const swarmHashHex = 'ab'.repeat(20);
  const common = { swarmHashHex, clock: systemClock, maxPeers: 4, uploadEnabled: true, playbackStarted: () => true, onUploaded: () => {} };
  const storageOf = (): MemoryStorage => new MemoryStorage({ capBytes: 2 * TOTAL_BYTES, clock: systemClock });
  const serverStorage = storageOf();
  await serverStorage.put(key, segment);
  const server = new Swarm({ ...common, holdings: new Holdings({ storage: serverStorage }) });
  const client = new Swarm({ ...common, holdings: new Holdings({ storage: storageOf() }) });
  const connected = new Promise<void>((resolve) => client.once('peer:connected', () => resolve()));
  server.addTransport(new SimplePeerTransport(a, { remotePeerId: 'b'.repeat(40) }));
  client.addTransport(new SimplePeerTransport(b, { remotePeerId: 'a'.repeat(40) }));
  await connected;
  await new Promise<void>((resolve) => {
    const check = (): void => (client.peersHolding(key).length > 0 ? resolve() : void setTimeout(check, 5));
    check();
  });
  const start = performance.now();
  const received = new Uint8Array(TOTAL_BYTES);
  const download = new P2PDownload({
    key,
    sizeBytes: TOTAL_BYTES,
    clock: systemClock,
    pipelineBlocks: DEFAULT_CONFIG.peerPipelineBlocks,
    requestTimeoutMs: 10_000,
    onBlock: (_peerId, offsetBytes, bytes) => (received.set(bytes, offsetBytes), true),
  });
  for (const { peer } of client.peersHolding(key)) download.addPeer(peer);
  const outcome = await download.finished;
  const seconds = (performance.now() - start) / 1000;
  if (!outcome.complete || received[TOTAL_BYTES - 1] !== segment[TOTAL_BYTES - 1]) throw new Error('bench download incomplete');
  server.destroy();
  client.destroy();
  close(a, b);
  return TOTAL_BYTES / seconds;
}

function close(...peers: SimplePeer[]): void {
  for (const peer of peers) peer.destroy();
}

const raw: number[] = [];
const shoal: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  raw.push(await rawThroughput());
  shoal.push(await shoalThroughput());
}
const median = (values: number[]): number => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
const rawMedian = median(raw);
const shoalMedian = median(shoal);
console.log(`block throughput, two Node peers over node-datachannel, ${TOTAL_BYTES / 1024 / 1024} MiB x ${ROUNDS} rounds (median)`);
console.log(`  raw node-datachannel (64 KiB messages): ${mib(rawMedian)} MiB/s   [${raw.map(mib).join(', ')}]`);
console.log(`  shoal blocks (request/data, 63 KiB):    ${mib(shoalMedian)} MiB/s   [${shoal.map(mib).join(', ')}]`);
console.log(`  ratio shoal/raw: ${(shoalMedian / rawMedian).toFixed(2)} (goal >= 0.8)`);
setTimeout(() => process.exit(0), 100);
