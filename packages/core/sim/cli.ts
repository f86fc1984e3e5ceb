/**
 * `npm run sim -- [flags]`: the audience simulator (`audience-simulation.ts`) from the command line.
 * Prints the run's figures, or JSON with `--json`. Flags (defaults in `DEFAULT_AUDIENCE`,
 * `DEFAULT_NETWORK_MODEL`):
 *   --viewers N  --duration SEC  --seed N  --mode live|vod  --flash  --arrival-window SEC  --watch-mean SEC
 *   --renditions 800,1600,3000 (kbit/s)  --segment-duration SEC (2)  --live-sync SEGMENTS (3)  --no-p2p  --trackers url,url  --partitions N
 *   --mobile-share X  --uplink-share X  --unconnectable X (share of pairs)  --json
 *   --reasons (the engines' decisions, and the origin's bytes by the decision behind each request)
 *   --help
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatResult } from './audience-report';
import { DEFAULT_AUDIENCE, runAudience, type AudienceOptions } from './audience-simulation';

const { values } = parseArgs({
  options: {
    viewers: { type: 'string' },
    duration: { type: 'string' },
    seed: { type: 'string' },
    mode: { type: 'string' },
    flash: { type: 'boolean' },
    'arrival-window': { type: 'string' },
    'watch-mean': { type: 'string' },
    renditions: { type: 'string' },
    'segment-duration': { type: 'string' },
    'live-sync': { type: 'string' },
    'no-p2p': { type: 'boolean' },
    trackers: { type: 'string' },
    partitions: { type: 'string' },
    'mobile-share': { type: 'string' },
    'uplink-share': { type: 'string' },
    unconnectable: { type: 'string' },
    json: { type: 'boolean' },
    reasons: { type: 'boolean' },
    help: { type: 'boolean' },
  },
});

if (values.help) {
  // The flag list is this file's header.
  const header = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0]!;
  console.log(header.replace(/^\/\*\*\n/, '').replace(/^ \* ?/gm, '').trim());
  process.exit(0);
}

const num = (value: string | undefined): number | undefined => (value === undefined ? undefined : Number(value));
const options: Partial<AudienceOptions> = { network: {} };
if (values.viewers) options.viewers = num(values.viewers);
if (values.duration) options.durationSec = num(values.duration);
if (values.seed) options.seed = num(values.seed);
if (values.mode) options.mode = values.mode === 'vod' ? 'vod' : 'live';
if (values.flash) options.arrival = 'flash';
if (values['arrival-window']) options.arrivalWindowSec = num(values['arrival-window']);
if (values['watch-mean']) options.watchMeanSec = num(values['watch-mean']);
if (values.renditions) options.renditionsKbps = values.renditions.split(',').map(Number);
if (values['segment-duration']) options.segmentDurationSec = num(values['segment-duration']);
if (values['live-sync']) options.liveSyncSegments = num(values['live-sync']);
if (values['no-p2p']) options.p2p = false;
if (values.trackers) options.trackerUrls = values.trackers.split(',');
if (values.partitions) options.config = { partitionCount: Number(values.partitions) };
if (values['mobile-share']) options.network!.mobileShare = num(values['mobile-share']);
if (values['uplink-share']) options.network!.uplinkUsableShare = num(values['uplink-share']);
if (values.reasons) options.reasons = true;
if (values.unconnectable) options.network!.restrictiveNatShare = Math.sqrt(Number(values.unconnectable));

const result = await runAudience({ ...DEFAULT_AUDIENCE, ...options });
console.log(values.json ? JSON.stringify(result, null, 2) : formatResult(result));
