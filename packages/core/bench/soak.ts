/**
 * Issue 17's memory soak: one simulated hour of live (`sim/live-simulation.ts`) on the virtual clock,
 * 8 viewers with churn (each leaves after 5 simulated minutes and a new one takes its place), the heap
 * after GC printed every 10 simulated minutes. Run with `node --expose-gc` (core's bench script does);
 * `SOAK_MINUTES` shortens it. The heap should level off once every structure reached its cap.
 */
import { runLiveSimulation } from '../sim/live-simulation';

const minutes = Number(process.env.SOAK_MINUTES ?? 60);
const gc = (globalThis as { gc?: () => void }).gc;
const heapMiB = (): string => {
  gc?.();
  return (process.memoryUsage().heapUsed / 2 ** 20).toFixed(1);
};
const startedAt = performance.now();
console.log(`soak: ${minutes} simulated minutes, 8 viewers, churn every 5 min${gc ? '' : ' (no --expose-gc: heap not after GC)'}`);
console.log(`  t=0 min  heap ${heapMiB()} MiB`);
const result = await runLiveSimulation({
  viewers: 8,
  durationSec: minutes * 60,
  viewerLifetimeSec: 5 * 60,
  onTick: {
    everySec: 10 * 60,
    callback: (simulatedSec) => console.log(`  t=${Math.round(simulatedSec / 60)} min  heap ${heapMiB()} MiB  (wall ${((performance.now() - startedAt) / 1000).toFixed(0)} s)`),
  },
});
console.log(`  end: heap ${heapMiB()} MiB; P2P share ${result.p2pShare.toFixed(3)} of limit ${result.limit.toFixed(3)}, stalls ${result.stalls}, viewers run ${result.viewers.length}`);
