/** The one-command demo on free ports: page, origin, config and a tracker that accepts WebSockets. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startDemo } from '../src/server';

/** Sends a WebSocket upgrade request and resolves with the status line of the answer. */
function upgradeStatusLine(wsUrl: string): Promise<string> {
  const { hostname, port } = new URL(wsUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(
        'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
    });
    socket.once('data', (data) => {
      resolve(data.toString('latin1').split('\r\n')[0] ?? '');
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

describe('demo server', () => {
  it('serves the page, the origin and its config, runs a tracker, and closes twice', async () => {
    const demo = await startDemo({ port: 0, trackerPort: 0 });
    try {
      const page = await fetch(`${demo.url}/`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /text\/html/);
      assert.match(await page.text(), /live\/hls-ts\/master\.m3u8/);
      const config = (await (await fetch(`${demo.url}/config.json`)).json()) as typeof demo.config;
      assert.deepEqual(config, demo.config);
      assert.equal(config.streams.liveFmp4, `${demo.url}/live/hls-fmp4/master.m3u8`);
      const live = await fetch(config.streams.liveTs);
      assert.equal(live.status, 200);
      assert.match(await live.text(), /v0\/index\.m3u8/);
      assert.equal((await fetch(`${demo.url}/no-such-page.html`)).status, 404);
      assert.match(demo.trackerUrl, /^ws:\/\/127\.0\.0\.1:\d+$/);
      assert.match(await upgradeStatusLine(demo.trackerUrl), /^HTTP\/1\.1 101 /);
    } finally {
      await demo.close();
      await demo.close();
    }
  });
});
