// Flags and environment → TrackerOptions (a flag wins over its variable); the CLI process starts, serves
// /health, and exits 0 on SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { parseCliConfig } from '../src/index.js';

test('flags and environment variables become options; a flag wins', () => {
  const { options } = parseCliConfig(
    ['--port', '9001', '--origins', 'https://a.example,https://b.example', '--max-peers-per-swarm', '77', '--trust-proxy'],
    { SHOAL_TRACKER_PORT: '1', SHOAL_TRACKER_HOST: '0.0.0.0', SHOAL_TRACKER_MESSAGES_PER_SEC: '3', SHOAL_TRACKER_DENY_MISSING_ORIGIN: '1' },
  );
  assert.equal(options.port, 9001);
  assert.equal(options.host, '0.0.0.0');
  assert.deepEqual(options.allowedOrigins, ['https://a.example', 'https://b.example']);
  assert.deepEqual(options.limits, { maxPeersPerSwarm: 77, messagesPerSec: 3 });
  assert.equal(options.trustProxy, true);
  assert.equal(options.allowMissingOrigin, false);
  assert.throws(() => parseCliConfig(['--max-swarms', 'many'], {}), /must be a number/);
  assert.throws(() => parseCliConfig(['--bogus'], {}));
});

test('the CLI serves /health and exits 0 on SIGTERM', async () => {
  const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  const started = new Promise<number>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += String(chunk);
      const match = /"event":"tracker:started"[^\n]*"port":(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
  });
  const port = await started;
  const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { status: string };
  assert.equal(health.status, 'ok');
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
  assert.match(output, /"event":"tracker:stopped"/);
});
