/**
 * `npm run bench:swarm -- [--viewers N] [--seconds T] [--live|--vod] [--player hlsjs|shaka]
 *                         [--stream NAME] [--vod-step S | --vod-apart] [--throttle delayMs,bytesPerSec] [--churn] [--stagger ms] [--rounds R] [--first-round K] [--compare p2pml] [--no-check] [--no-integrity]`
 *
 * `--stream NAME` plays that demo stream, live or VOD as its name says (`liveTs`, `vodFmp4ByteRange`);
 * `--live`/`--vod` pick the default stream's kind (and must agree with a named one). VOD viewers join
 * 2 s apart, viewer i at (i × `--vod-step`) mod 16 s of the video (a push notification: within seconds);
 * `--vod-apart` is the ordinary VOD audience: joins 20 s apart (the demo VOD lasts 30 s), each from
 * 0 s, every earlier page still open and sharing.
 *
 * Runs the swarm scenario with Shoal and with the plain player (and p2p-media-loader with `--compare p2pml`,
 * the arms rotating one place per round), in R rounds of alternating order (2 by
 * default: Shoal, plain, plain, Shoal), prints a line per viewer, one summary line (Shoal vs plain) and
 * a table of the arms side by side (share / bound, origin requests per segment, startup, latency,
 * stalls), and writes `.bench/swarm-<timestamp>.json` and the picture `.bench/swarm-<timestamp>.svg`.
 * WebRTC needs the netns wrapper here: the npm script runs this through scripts/netns-run.sh.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { armsTable, summaryLine, viewerLines } from './metrics';
import { DEFAULT_THROTTLE } from './options';
import { runSwarmScenario } from './scenario';
import { renderSvg } from './svg';
import type { PlayerName, SwarmScenarioOptions } from './types';

const OUT_DIR = fileURLToPath(new URL('../../.bench', import.meta.url));
const USAGE = `usage: npm run bench:swarm -- [--viewers N] [--seconds T] [--live|--vod] [--player hlsjs|shaka]
                           [--stream NAME] [--vod-step S | --vod-apart] [--throttle delayMs,bytesPerSec] [--churn] [--stagger ms] [--rounds R] [--first-round K] [--compare p2pml] [--no-check] [--no-integrity]
defaults: 4 viewers, 60 s, live, hlsjs, 2 rounds, throttle ${DEFAULT_THROTTLE.firstByteDelayMs},${DEFAULT_THROTTLE.bytesPerSec}
--stream NAME: live or VOD as the name says; --vod-apart: VOD viewers 20 s apart, each from 0 s, (N − 1) × 20 + 32 s`;

function positive(flag: string, raw: string | undefined): number {
  const value = Number(raw);
  if (raw === undefined || !Number.isFinite(value) || value <= 0) throw new Error(`${flag} needs a positive number, got "${raw ?? ''}"`);
  return value;
}

function parseArgs(argv: string[]): SwarmScenarioOptions {
  const options: SwarmScenarioOptions = { checkPeerBytes: true };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const [name, inline] = flag.includes('=') ? [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)] : [flag, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (name) {
      case '--viewers': options.viewers = positive(name, value()); break;
      case '--seconds': options.seconds = positive(name, value()); break;
      case '--stagger': options.staggerMs = positive(name, value()); break;
      case '--rounds': options.rounds = positive(name, value()); break;
      case '--first-round': options.firstRound = Number(value()); break;
      case '--live': case '--vod': {
        const kind = name === '--vod' ? 'vod' : 'live';
        if (options.stream && options.stream !== kind) throw new Error('--live and --vod: one or the other');
        options.stream = kind;
        break;
      }
      case '--vod-apart': options.vodApart = true; break;
      case '--churn': options.churn = true; break;
      case '--no-check': options.checkPeerBytes = false; break;
      case '--no-integrity': options.integrity = false; break;
      case '--player': {
        const player = value();
        if (player !== 'hlsjs' && player !== 'shaka') throw new Error(`--player ${player ?? ''}: hlsjs or shaka`);
        options.player = player as PlayerName;
        break;
      }
      case '--stream': options.streamName = value() ?? ''; break;
      case '--compare': {
        const anchor = value();
        if (anchor !== 'p2pml') throw new Error(`--compare ${anchor ?? ''}: p2pml`);
        options.compare = anchor;
        break;
      }
      case '--vod-step': options.vodStartStepSec = Number(value()); break;
      case '--throttle': {
        const raw = value() ?? '';
        const [delay, rate] = raw.split(',').map(Number);
        if (!Number.isFinite(delay) || !Number.isFinite(rate) || delay! < 0 || rate! < 0) {
          throw new Error(`--throttle needs delayMs,bytesPerSec (e.g. 100,1000000), got "${raw}"`);
        }
        options.throttle = { firstByteDelayMs: delay!, bytesPerSec: rate! };
        break;
      }
      case '--help': case '-h': console.log(USAGE); return process.exit(0);
      default: throw new Error(`unknown flag ${flag}\n${USAGE}`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const result = await runSwarmScenario({ ...options, log: (line) => console.log(line) });
  const summary = summaryLine(result);
  const stamp = result.startedAt.replace(/[:.]/g, '-');
  mkdirSync(OUT_DIR, { recursive: true });
  const jsonPath = join(OUT_DIR, `swarm-${stamp}.json`);
  const svgPath = join(OUT_DIR, `swarm-${stamp}.svg`);
  const arms = armsTable(result);
  writeFileSync(jsonPath, `${JSON.stringify({ summary, arms, ...result }, null, 2)}\n`);
  writeFileSync(svgPath, renderSvg(result));
  console.log([...viewerLines(result.shoal), ...(result.anchor ? viewerLines(result.anchor).map((line) => line.replace(/^ {2}shoal viewer/, '  p2pml viewer')) : []), ...viewerLines(result.plain)].join('\n'));
  const checked = result.shoal.viewers.flatMap((v) => v.p2pSegments).filter((s) => s.matchesOrigin !== undefined);
  if (checked.length > 0) console.log(`peer bytes: ${checked.filter((s) => s.matchesOrigin).length}/${checked.length} segments identical to the origin's`);
  for (const note of result.notes) console.log(`note: ${note}`);
  console.log(summary);
  console.log(arms.join('\n'));
  console.log(`wrote ${jsonPath}\n      ${svgPath}`);
}

main().catch((error: Error) => {
  console.error(`bench:swarm failed: ${error.message}`);
  process.exit(1);
});
