/**
 * One bench worker process (forked by `load.ts`): `count` simulated WebSocket viewers following the
 * engine's tracker pattern — announce `started` with offers, answer every offer received, re-announce
 * with offers every `announceSec` (the engine's `announceIntervalMs` while under `maxPeers`). Offers are
 * opaque SDP-sized strings carrying their send time; no WebRTC. IPC: the parent sends `measure` and
 * `stop`; the worker answers `ready` (all connected) and `result` (counts and latency samples).
 */
import { WebSocket } from 'ws';

export interface WorkerArgs {
  url: string;
  /** Global index of this worker's first client: clients `first .. first+count-1`. */
  first: number;
  count: number;
  swarmSize: number;
  offersPerAnnounce: number;
  announceSec: number;
  /** Seconds over which the clients connect and first announce. */
  rampSec: number;
}

export interface WorkerResult {
  connected: number;
  failedConnections: number;
  closedByTracker: number;
  announcesSent: number;
  offersReceived: number;
  answersReceived: number;
  /** Milliseconds from an offer's announce leaving its client to the offer reaching its target (a sample). */
  offerLatencyMs: number[];
}

/** Latency samples a worker keeps (a uniform reservoir): enough for a stable p99, bounded memory. */
const MAX_SAMPLES = 20_000;
/** SDP-sized padding (bytes) in each opaque offer/answer: a real non-trickle SDP is ~0.5–3 KiB. */
const SDP_PAD = 'x'.repeat(800);

const args = JSON.parse(process.argv[2] ?? '{}') as WorkerArgs;
const wallMs = (): number => performance.timeOrigin + performance.now();
const pad20 = (text: string): string => text.padEnd(20, '.').slice(0, 20);

let measuring = false;
let seen = 0;
const result: WorkerResult = { connected: 0, failedConnections: 0, closedByTracker: 0, announcesSent: 0, offersReceived: 0, answersReceived: 0, offerLatencyMs: [] };
const timers: Array<ReturnType<typeof setTimeout>> = [];
const sockets: WebSocket[] = [];
let stopping = false;
let offerSeq = 0;

function sample(ms: number): void {
  seen += 1;
  if (result.offerLatencyMs.length < MAX_SAMPLES) result.offerLatencyMs.push(ms);
  else {
    const slot = Math.floor(Math.random() * seen);
    if (slot < MAX_SAMPLES) result.offerLatencyMs[slot] = ms;
  }
}

function startClient(index: number): void {
  const infoHash = pad20(`swarm-${Math.floor(index / args.swarmSize)}`);
  const peerId = pad20(`peer-${index}`);
  const ws = new WebSocket(args.url, { perMessageDeflate: false });
  sockets.push(ws);
  const announce = (event?: string): void => {
    if (ws.readyState !== WebSocket.OPEN) return;
    const sentMs = wallMs();
    const offers = Array.from({ length: args.offersPerAnnounce }, () => ({
      offer_id: pad20(`o${(offerSeq++).toString(36)}`),
      offer: { type: 'offer', sdp: `t=${sentMs} ${SDP_PAD}` },
    }));
    ws.send(JSON.stringify({ action: 'announce', info_hash: infoHash, peer_id: peerId, numwant: offers.length, ...(event ? { event } : {}), offers }));
    if (measuring) result.announcesSent += 1;
  };
  ws.on('open', () => {
    result.connected += 1;
    announce('started');
    const interval = setInterval(() => announce(), args.announceSec * 1000 * (0.9 + Math.random() * 0.2));
    timers.push(interval);
  });
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as { offer?: { sdp: string }; answer?: unknown; peer_id?: string; offer_id?: string };
    if (message.offer) {
      if (measuring) {
        result.offersReceived += 1;
        sample(wallMs() - Number(/^t=([0-9.]+)/.exec(message.offer.sdp)?.[1]));
      }
      ws.send(JSON.stringify({ action: 'announce', info_hash: infoHash, peer_id: peerId, to_peer_id: message.peer_id, offer_id: message.offer_id, answer: { type: 'answer', sdp: SDP_PAD } }));
    } else if (message.answer !== undefined && measuring) {
      result.answersReceived += 1;
    }
  });
  ws.on('error', () => {
    if (ws.readyState !== WebSocket.OPEN) result.failedConnections += 1;
  });
  ws.on('close', () => {
    if (!stopping) result.closedByTracker += 1;
  });
}

for (let i = 0; i < args.count; i++) {
  timers.push(setTimeout(() => startClient(args.first + i), (i / args.count) * args.rampSec * 1000));
}
const readyCheck = setInterval(() => {
  if (result.connected + result.failedConnections >= args.count) {
    clearInterval(readyCheck);
    process.send?.({ type: 'ready' });
  }
}, 200);

process.on('message', (message: { type: string }) => {
  if (message.type === 'measure') {
    measuring = true;
  } else if (message.type === 'stop') {
    measuring = false;
    stopping = true;
    for (const timer of timers) clearTimeout(timer);
    process.send?.({ type: 'result', result }, () => {
      for (const ws of sockets) ws.terminate();
      process.exit(0);
    });
  }
});
