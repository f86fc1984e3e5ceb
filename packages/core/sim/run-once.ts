import { runLiveSimulation } from './live-simulation';
const n = Number(process.argv[2] ?? 4);
const t0 = Date.now();
const r = await runLiveSimulation({ viewers: n, durationSec: Number(process.argv[3] ?? 60) });
console.log(JSON.stringify({ ...r, viewers: r.viewers.map((v) => ({ ...v, p2pShare: +v.p2pShare.toFixed(3) })) }, null, 1));
console.log('real ms', Date.now() - t0);
