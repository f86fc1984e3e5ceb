/**
 * `startTracker(options)`: one HTTP server carrying the WebSocket tracker (upgrades, after the origin,
 * per-IP and shutdown checks), `GET /health` and `GET /metrics`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { TrackerError, type RejectionReason } from './errors.js';
import { ConnectionsPerIp, clientAddress } from './limits.js';
import { createLog, type TrackerLog } from './log.js';
import { TrackerMetrics } from './metrics.js';
import { resolveOptions, type ResolvedOptions, type TrackerOptions } from './options.js';
import { checkOrigin } from './origin-check.js';
import { ShoalServer } from './shoal-server.js';

export interface HealthReport {
  status: 'ok' | 'draining';
  connections: number;
  swarms: number;
  peers: number;
  uptimeSec: number;
}

export interface RunningTracker {
  /** `ws://host:port` (announce URL; any path reaches the tracker). */
  url: string;
  /** `http://host:port`: `/health`, `/metrics`. */
  httpUrl: string;
  port: number;
  options: ResolvedOptions;
  metrics: TrackerMetrics;
  health(): HealthReport;
  /**
   * Graceful shutdown: stop accepting, tell every connection the tracker is going away (1001), wait up to
   * `shutdownGraceMs`, then cut what is left. Safe to call twice.
   */
  close(): Promise<void>;
}

/** Status line of each upgrade refusal. */
const UPGRADE_STATUS: Partial<Record<RejectionReason, string>> = {
  origin: '403 Forbidden',
  'missing-origin': '403 Forbidden',
  'ip-connections': '429 Too Many Requests',
  draining: '503 Service Unavailable',
};

export async function startTracker(options: TrackerOptions = {}): Promise<RunningTracker> {
  const resolved = resolveOptions(options);
  const log = createLog(resolved.log, resolved.logIntervalMs);
  const startedMs = Date.now();
  let server: ShoalServer | undefined;
  const metrics = new TrackerMetrics({
    connections: () => server?.sockets.size ?? 0,
    swarms: () => server?.swarmCount() ?? 0,
    peers: () => server?.peerCount() ?? 0,
  });
  const tracker = new ShoalServer({ limits: resolved.limits, announceIntervalSec: resolved.announceIntervalSec, metrics, log });
  server = tracker;
  const perIp = new ConnectionsPerIp(resolved.limits.maxConnectionsPerIp);
  let draining = false;

  const health = (): HealthReport => ({
    status: draining ? 'draining' : 'ok',
    connections: tracker.sockets.size,
    swarms: tracker.swarmCount(),
    peers: tracker.peerCount(),
    uptimeSec: Math.round((Date.now() - startedMs) / 1000),
  });

  const http = createServer((req, res) => {
    handleHttp(req, res, { health, metrics }).catch((error: Error) => {
      log.write('error', 'http:error', { message: error.message });
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    const ip = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], resolved.trustProxy);
    const refusal = draining ? 'draining' : checkOrigin(req.headers.origin, resolved);
    if (refusal) return refuseUpgrade(socket, refusal, { ip, origin: req.headers.origin }, metrics, log);
    if (!perIp.tryAdd(ip)) return refuseUpgrade(socket, 'ip-connections', { ip }, metrics, log);
    socket.once('close', () => perIp.remove(ip));
    tracker.ws.handleUpgrade(req, socket, head, (ws) => tracker.accept(ws, ip));
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(new TrackerError('listen-failed', `cannot listen on ${resolved.host}:${resolved.port}: ${error.message}`, { cause: error }));
    http.once('error', onError);
    http.listen(resolved.port, resolved.host, () => {
      http.removeListener('error', onError);
      resolve();
    });
  }).catch(async (error: unknown) => {
    await tracker.shutdown(0);
    throw error;
  });
  http.on('error', (error: Error) => log.write('error', 'http:error', { message: error.message }));
  const port = (http.address() as AddressInfo).port;
  const hostForUrl = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  log.write('info', 'tracker:started', { host: resolved.host, port, limits: resolved.limits, allowedOrigins: resolved.allowedOrigins ? [...resolved.allowedOrigins] : '*' });
  if (resolved.allowedOrigins === null) log.write('warn', 'origins:any', { message: 'no allowedOrigins: pages of any site may use this tracker' });

  let closing: Promise<void> | undefined;
  return {
    url: `ws://${hostForUrl}:${port}`,
    httpUrl: `http://${hostForUrl}:${port}`,
    port,
    options: resolved,
    metrics,
    health,
    close() {
      closing ??= (async () => {
        draining = true;
        log.write('info', 'tracker:draining', { connections: tracker.sockets.size });
        const httpClosed = new Promise<void>((resolve) => http.close(() => resolve()));
        await tracker.shutdown(resolved.shutdownGraceMs);
        http.closeAllConnections();
        await httpClosed;
        log.write('info', 'tracker:stopped', {});
      })();
      return closing;
    },
  };
}

async function handleHttp(req: IncomingMessage, res: ServerResponse, parts: { health: () => HealthReport; metrics: TrackerMetrics }): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
  } else if (path === '/health') {
    const report = parts.health();
    res.writeHead(report.status === 'ok' ? 200 : 503, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(`${JSON.stringify(report)}\n`);
  } else if (path === '/metrics') {
    const { body, contentType } = await parts.metrics.render();
    res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' }).end(body);
  } else {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Shoal tracker: WebSocket upgrades, /health, /metrics\n');
  }
}

function refuseUpgrade(socket: Duplex, reason: RejectionReason, fields: Record<string, unknown>, metrics: TrackerMetrics, log: TrackerLog): void {
  metrics.reject(reason);
  log.write('warn', `rejected:${reason}`, { reason, ...fields });
  const body = `${reason}\n`;
  socket.end(`HTTP/1.1 ${UPGRADE_STATUS[reason] ?? '400 Bad Request'}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
}
