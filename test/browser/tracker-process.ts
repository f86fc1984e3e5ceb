/**
 * `@shoal/tracker` in its own Node process (its built CLI, as a site runs it), so a fault test can kill it
 * the way a machine loses a process — SIGKILL: no close frame, no drain — and start it again on the same
 * port. Pages use it with `&tracker=<url>`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { HealthReport } from '@shoal/tracker';

const CLI_PATH = new URL('../../packages/tracker/dist/cli.js', import.meta.url).pathname;
const HOST = '127.0.0.1';
/** Every viewer of a local test is 127.0.0.1: the per-IP cap must not be what a test measures. */
const MAX_CONNECTIONS_PER_IP = 1000;
/** How long a started tracker may take to answer `/health`. */
const READY_TIMEOUT_MS = 10_000;
const READY_POLL_MS = 50;

/** A port free now on 127.0.0.1 (the OS's pick), for a tracker that must keep it across restarts. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, HOST);
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export class TrackerProcess {
  #child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  /** A tracker process on a free port, answering `/health` when this resolves. */
  static async start(): Promise<TrackerProcess> {
    const tracker = new TrackerProcess(await freePort());
    await tracker.restart();
    return tracker;
  }

  /** The announce URL (`ws://127.0.0.1:<port>`). */
  get url(): string {
    return `ws://${HOST}:${this.port}`;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** Start the tracker (again) on its port; resolves once it answers `/health`. */
  async restart(): Promise<void> {
    if (this.#child) throw new Error('the tracker process is running');
    const child = spawn(process.execPath, [CLI_PATH, '--host', HOST, '--port', String(this.port), '--quiet', '--max-connections-per-ip', String(MAX_CONNECTIONS_PER_IP)], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    this.#child = child;
    const deadlineMs = Date.now() + READY_TIMEOUT_MS;
    while ((await this.health()) === undefined) {
      if (child.exitCode !== null || Date.now() > deadlineMs) {
        await this.kill();
        throw new Error(`the tracker did not start on port ${this.port}`);
      }
      await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
    }
  }

  /** SIGKILL the process; its sockets die with it. Resolves once it exited. Does nothing if not running. */
  async kill(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /** The tracker's `/health`, or undefined when it does not answer. */
  async health(): Promise<HealthReport | undefined> {
    try {
      const response = await fetch(`http://${HOST}:${this.port}/health`);
      return response.ok ? ((await response.json()) as HealthReport) : undefined;
    } catch {
      return undefined;
    }
  }
}
