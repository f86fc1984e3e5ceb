/** Uploads off by default on a metered connection (`ShoalPlatform.connection`), overridable by the site. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShoalEngine } from '../../src/engine';
import { isMeteredConnection, withMeteredDefaults } from '../../src/playback/metered-connection';

test('metered: saveData or a cellular link; unknown is not metered', () => {
  const table: Array<[Parameters<typeof isMeteredConnection>[0], boolean]> = [
    [undefined, false],
    [{}, false],
    [{ saveData: false, type: 'wifi' }, false],
    [{ saveData: true }, true],
    [{ type: 'cellular' }, true],
    [{ saveData: false, type: 'ethernet' }, false],
  ];
  for (const [connection, expected] of table) assert.equal(isMeteredConnection(connection), expected, JSON.stringify(connection));
});

test('the site decides when it sets uploadEnabled; else a metered connection turns uploads off', () => {
  assert.deepEqual(withMeteredDefaults({}, { saveData: true }), { uploadEnabled: false });
  assert.deepEqual(withMeteredDefaults({ uploadEnabled: true }, { type: 'cellular' }), { uploadEnabled: true });
  assert.deepEqual(withMeteredDefaults({ maxPeers: 3 }, { type: 'wifi' }), { maxPeers: 3 });
});

test("the engine reads the platform's connection", () => {
  const engines = [
    new ShoalEngine({ trackerUrls: [] }, { connection: { type: 'cellular' } }),
    new ShoalEngine({ trackerUrls: [], uploadEnabled: true }, { connection: { saveData: true } }),
    new ShoalEngine({ trackerUrls: [] }),
  ];
  try {
    assert.deepEqual(
      engines.map((engine) => engine.config.uploadEnabled),
      [false, true, true],
    );
  } finally {
    for (const engine of engines) engine.destroy();
  }
});
