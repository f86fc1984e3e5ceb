// Checks the browser build (dist/index.js, from `npm run build -w packages/core`); skipped when absent.
// Run inside the network namespace: `sh scripts/netns-run.sh node scripts/run-tests.mjs browser-bundle`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const bundlePath = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const built = existsSync(bundlePath);

describe('browser bundle (dist/index.js)', { skip: built ? false : 'not built: npm run build -w packages/core' }, () => {
  it('is one self-contained ES module: no imports, no require, no Node-only modules', () => {
    const source = readFileSync(bundlePath, 'utf8');
    console.log(`# dist/index.js: ${(source.length / 1024).toFixed(1)} KiB minified`);
    assert.doesNotMatch(source, /\brequire\(/);
    assert.doesNotMatch(source, /^import\b|[;}]import\s*[{*\w]/m, 'a static import is left');
    assert.doesNotMatch(source, /node-datachannel|node:/);
    assert.match(source, /export\s*\{/);
  });

  it('runs with only browser globals, and its tracker client connects to one built from the sources', () => {
    const smoke = fileURLToPath(new URL('./browser-bundle-smoke.ts', import.meta.url));
    const result = spawnSync(process.execPath, ['--experimental-vm-modules', '--no-warnings', '--import', 'tsx', smoke], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(result.signal, null, `smoke did not exit by itself: ${result.stdout}${result.stderr}`);
    assert.equal(result.status, 0, result.stdout + result.stderr);
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
    assert.equal(report.connectedBothWays, true);
    // A peer connection that fails (on a loaded machine a crossing duplicate offer can be torn down while
    // libdatachannel still applies its description) is the tracker's ordinary "Connection error" warning;
    // anything else would mean the bundle lacks something.
    assert.deepEqual(report.warnings.filter((message) => !message.startsWith('Connection error:')), []);
  });
});
