/**
 * Command-line flags and environment variables → `TrackerOptions`. A flag wins over its variable. Each
 * limit `maxPeersPerSwarm` is `--max-peers-per-swarm` and `SHOAL_TRACKER_MAX_PEERS_PER_SWARM`.
 */
import { parseArgs } from 'node:util';
import { TrackerError } from './errors.js';
import { DEFAULT_LIMITS, type TrackerLimits, type TrackerOptions } from './options.js';

const LIMIT_NAMES = Object.keys(DEFAULT_LIMITS) as Array<keyof TrackerLimits>;
const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const envName = (name: string): string => `SHOAL_TRACKER_${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

export const CLI_USAGE = `Usage: shoal-tracker [options]   (npx @shoal/tracker --port 8000)

  --host <addr>                 SHOAL_TRACKER_HOST            listen address (127.0.0.1)
  --port <n>                    SHOAL_TRACKER_PORT            listen port (8000)
  --origins <a,b>               SHOAL_TRACKER_ORIGINS         allowed page origins, comma-separated (* = any; default any)
  --deny-missing-origin         SHOAL_TRACKER_DENY_MISSING_ORIGIN=1   refuse upgrades without an Origin header
  --trust-proxy                 SHOAL_TRACKER_TRUST_PROXY=1   client IP from the last X-Forwarded-For entry
  --announce-interval-sec <n>   SHOAL_TRACKER_ANNOUNCE_INTERVAL_SEC   re-announce interval told to clients (120)
  --shutdown-grace-ms <n>       SHOAL_TRACKER_SHUTDOWN_GRACE_MS       wait for sockets on SIGTERM (5000)
  --quiet                       SHOAL_TRACKER_QUIET=1         no log lines
${LIMIT_NAMES.map((name) => `  --${kebab(name)} <n>`.padEnd(32) + envName(name).padEnd(46) + `(${DEFAULT_LIMITS[name]})`).join('\n')}
  --help
Limits are explained in the package README.`;

export interface CliConfig {
  options: TrackerOptions;
  help: boolean;
}

export function parseCliConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CliConfig {
  const limitFlags = Object.fromEntries(LIMIT_NAMES.map((name) => [kebab(name), { type: 'string' as const }]));
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      origins: { type: 'string', multiple: true },
      'deny-missing-origin': { type: 'boolean' },
      'trust-proxy': { type: 'boolean' },
      'announce-interval-sec': { type: 'string' },
      'shutdown-grace-ms': { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean' },
      ...limitFlags,
    },
  });
  const flag = (name: string): string | undefined => (values as Record<string, unknown>)[name] as string | undefined;
  const pick = (name: string, variable: string): string | undefined => flag(name) ?? nonEmpty(env[variable]);
  const number = (name: string, variable: string): number | undefined => {
    const raw = pick(name, variable);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new TrackerError('invalid-option', `--${name} / ${variable} must be a number, got "${raw}"`);
    return value;
  };
  const bool = (name: string, variable: string): boolean => flag(name) === (true as unknown) || ['1', 'true', 'yes'].includes(env[variable] ?? '');
  const originList = (values.origins as string[] | undefined) ?? (nonEmpty(env.SHOAL_TRACKER_ORIGINS) ? [env.SHOAL_TRACKER_ORIGINS!] : undefined);
  const limits: Partial<TrackerLimits> = {};
  for (const name of LIMIT_NAMES) {
    const value = number(kebab(name), envName(name));
    if (value !== undefined) limits[name] = value;
  }
  const options: TrackerOptions = {
    host: pick('host', 'SHOAL_TRACKER_HOST'),
    port: number('port', 'SHOAL_TRACKER_PORT'),
    allowedOrigins: originList?.flatMap((list) => list.split(',')).map((o) => o.trim()).filter(Boolean),
    allowMissingOrigin: !bool('deny-missing-origin', 'SHOAL_TRACKER_DENY_MISSING_ORIGIN'),
    trustProxy: bool('trust-proxy', 'SHOAL_TRACKER_TRUST_PROXY'),
    announceIntervalSec: number('announce-interval-sec', 'SHOAL_TRACKER_ANNOUNCE_INTERVAL_SEC'),
    shutdownGraceMs: number('shutdown-grace-ms', 'SHOAL_TRACKER_SHUTDOWN_GRACE_MS'),
    limits,
    ...(bool('quiet', 'SHOAL_TRACKER_QUIET') ? { log: false as const } : {}),
  };
  return { options, help: values.help === true };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
