// Checks the browser build (dist/index.js, from `npm run build -w packages/core`), what shoal.min.js leaves out, and
// dist/testing.js (`@shoal/core/testing`); skipped when absent.
// Run inside the network namespace: `sh scripts/netns-run.sh node scripts/run-tests.mjs browser-bundle`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const bundlePath = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const scriptPath = fileURLToPath(new URL('../../dist/shoal.min.js', import.meta.url));
const testingPath = fileURLToPath(new URL('../../dist/testing.js', import.meta.url));
const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const built = existsSync(bundlePath);

/**
 * What only the simulator and test helpers (`@shoal/core/testing`) contain: their export names and a
 * message from each (VirtualClock's and the memory transport's), which minification leaves as written.
 */
const TESTING_ONLY = /VirtualClock|MemoryTransport|createMemoryTransportPair|latencyMs must be a finite number/;

describe('browser bundle (dist/index.js)', { skip: built ? false : 'not built: npm run build -w packages/core' }, () => {
  it('is one self-contained ES module: no imports, no require, no Node-only modules', () => {
    const source = readFileSync(bundlePath, 'utf8');
    console.log(`# dist/index.js: ${(source.length / 1024).toFixed(1)} KiB minified`);
    assert.doesNotMatch(source, /\brequire\(/);
    assert.doesNotMatch(source, /^import\b|[;}]import\s*[{*\w]/m, 'a static import is left');
    assert.doesNotMatch(source, /node-datachannel|node:/);
    assert.match(source, /export\s*\{/);
  });

  it('leaves the simulator and test helpers out of dist/index.js and shoal.min.js: they are @shoal/core/testing', () => {
    for (const file of [bundlePath, scriptPath]) {
      assert.doesNotMatch(readFileSync(file, 'utf8'), TESTING_ONLY, file);
    }
    assert.match(readFileSync(testingPath, 'utf8'), TESTING_ONLY);
  });

  it('dist/testing.js imports only @shoal/core, and in Node its errors are the ShoalError of @shoal/core', () => {
    const source = readFileSync(testingPath, 'utf8');
    const imports = [...source.matchAll(/(?:^|[;}])\s*import\s*[^'"]*?from\s*["']([^"']+)["']/gm)].map((match) => match[1]);
    assert.deepEqual(imports, ['@shoal/core']);
    // Plain Node (no tsx, whose tsconfig paths would send `@shoal/core` to the sources): the package
    // imports itself by name, as it does once installed.
    const probe = `
      import { VirtualClock, createMemoryTransportPair, MemoryTransport } from '@shoal/core/testing';
      import { isShoalError, MAX_MESSAGE_BYTES } from '@shoal/core';
      const clock = new VirtualClock();
      const [a, b] = createMemoryTransportPair({ clock, peerIds: ['a', 'b'] });
      const frames = [];
      b.on('frame', (frame) => frames.push(frame.byteLength));
      a.send(new Uint8Array(3));
      clock.advance(1);
      let failure;
      try { a.send(new Uint8Array(MAX_MESSAGE_BYTES + 1)); } catch (error) { failure = error; }
      console.log(JSON.stringify({ memoryTransport: a instanceof MemoryTransport, frames, shoalError: isShoalError(failure), code: failure?.code }));
    `;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: packageDir, encoding: 'utf8', timeout: 30_000 });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.deepEqual(JSON.parse(result.stdout.trim()), { memoryTransport: true, frames: [3], shoalError: true, code: 'codec-oversized' });
  });

  it('runs with only browser globals, and its tracker client connects to one built from the sources', () => {
    const smoke = fileURLToPath(new URL('./browser-bundle-smoke.ts', import.meta.url));
    const result = spawnSync(process.execPath, ['--experimental-vm-modules', '--no-warnings', '--import', 'tsx', smoke], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    // The tail only: a failing smoke prints the minified bundle's line, and an assertion message that size
    // kept node's test runner busy for many minutes instead of failing.
    const output = `${result.stdout}${result.stderr}`.slice(-4_000);
    assert.equal(result.signal, null, `smoke did not exit by itself: ${output}`);
    assert.equal(result.status, 0, output);
    const report = JSON.parse(result.stdout.trim().split('\n').pop()!) as {
      globalsInRealm: string[];
      exports: string[];
      connectMs: number;
      connectedBothWays: boolean;
      warnings: string[];
    };
    console.log(`# bundle client connected in ${report.connectMs} ms`);
    assert.deepEqual(report.globalsInRealm, ['undefined', 'undefined', 'undefined', 'undefined']);
    for (const name of ['WebTorrentTrackerClient', 'createPeerId', 'infoHashFromSwarmId', 'renditionIdOf', 'swarmIdFromManifestUrl']) {
      assert.ok(report.exports.includes(name), `exports ${name}`);
    }
    for (const name of ['VirtualClock', 'MemoryTransport', 'createMemoryTransportPair']) {
      assert.ok(!report.exports.includes(name), `${name} is @shoal/core/testing's, not the bundle's`);
    }
    assert.equal(report.connectedBothWays, true);
    // A peer connection that fails (on a loaded machine a crossing duplicate offer can be torn down while
    // libdatachannel still applies its description) is the tracker's ordinary "Connection error" warning;
    // anything else would mean the bundle lacks something.
    assert.deepEqual(report.warnings.filter((message) => !message.startsWith('Connection error:')), []);
  });
});
