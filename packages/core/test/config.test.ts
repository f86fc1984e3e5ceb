/**
 * `mergeConfig`: defaults, overrides, and rejection of unknown keys and bad values with a
 * `ShoalError('config-invalid')` naming the key. Also checks the documentation against the typed config:
 * every key of `DEFAULT_CONFIG` has an `@default` in the JSDoc of `ShoalConfig`, and where the documented
 * default is a literal it matches the value.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CONFIG_BOUNDS, DEFAULT_CONFIG, MAX_TIMER_MS, mergeConfig, type ShoalConfig } from '../src/config';
import { ShoalError } from '../src/errors';
import { documentedDefault, shoalConfigDocs } from '../../../scripts/config-docs';

const DEFAULT_KEYS = Object.keys(DEFAULT_CONFIG) as Array<keyof ShoalConfig>;

/** Sizes, counts and timeouts: must be positive integers, so zero is as wrong as negative. */
const POSITIVE_INTEGER_KEYS = [
  'maxPeers',
  'offerTimeoutMs',
  'announceIntervalMs',
  'peerRequestTimeoutMs',
  'peerPipelineBlocks',
  'httpTimeoutMs',
  'storageCapBytes',
  'maxParallelHttp',
  'maxParallelP2P',
] as const satisfies ReadonlyArray<keyof ShoalConfig>;

/** Margins and lookaheads where zero means "none": zero is allowed, negative and NaN are not. */
const NON_NEGATIVE_KEYS = ['prefetchLookaheadSec', 'safetyMarginMs', 'originFetchersPerSegment'] as const satisfies ReadonlyArray<
  keyof ShoalConfig
>;

/** Asserts `mergeConfig(overrides)` throws a fatal config ShoalError whose message names `key` and matches `message`. */
function assertRejected(overrides: unknown, key: string, message: RegExp): void {
  assert.throws(
    () => mergeConfig(overrides as Partial<ShoalConfig>),
    (error: unknown) => {
      assert.ok(error instanceof ShoalError, `expected a ShoalError, got ${String(error)}`);
      assert.equal(error.code, 'config-invalid');
      assert.equal(error.source, 'config');
      assert.equal(error.fatal, true);
      assert.ok(error.message.includes(`"${key}"`), `message names the key "${key}": ${error.message}`);
      assert.match(error.message, message);
      return true;
    },
  );
}

describe('mergeConfig defaults', () => {
  test('with no overrides it returns the defaults', () => {
    assert.deepEqual(mergeConfig(), { ...DEFAULT_CONFIG });
    assert.deepEqual(mergeConfig({}), { ...DEFAULT_CONFIG });
  });

  test('it returns a new object, not the frozen defaults', () => {
    const config = mergeConfig();
    assert.notEqual(config, DEFAULT_CONFIG);
    config.maxPeers = 1;
    assert.equal(DEFAULT_CONFIG.maxPeers, 12);
  });

  test('every default passes its own validation', () => {
    assert.deepEqual(mergeConfig({ ...DEFAULT_CONFIG }), { ...DEFAULT_CONFIG });
  });
});

describe('mergeConfig overrides', () => {
  test('given keys replace the defaults, the rest keep them', () => {
    const overrides: Partial<ShoalConfig> = {
      swarmId: 'stream-42',
      trackerUrls: ['wss://tracker.example'],
      p2pEnabled: false,
      maxPeers: 4,
      httpTimeoutMs: 5_000,
      safetyMarginMs: 0,
      prefetchLookaheadSec: 7.5,
    };
    assert.deepEqual(mergeConfig(overrides), { ...DEFAULT_CONFIG, ...overrides });
  });

  test('an undefined override keeps the default', () => {
    assert.equal(mergeConfig({ maxPeers: undefined }).maxPeers, DEFAULT_CONFIG.maxPeers);
    assert.equal(mergeConfig({ p2pEnabled: undefined }).p2pEnabled, DEFAULT_CONFIG.p2pEnabled);
  });

  test('swarmId may be undefined', () => {
    const config = mergeConfig({ swarmId: undefined });
    assert.equal(config.swarmId, undefined);
    assert.ok('swarmId' in config);
  });

  test('zero is allowed where it means "none"', () => {
    for (const key of NON_NEGATIVE_KEYS) assert.equal(mergeConfig({ [key]: 0 })[key], 0, key);
  });
});

describe('mergeConfig rejects', () => {
  test('unknown keys, naming them', () => {
    assertRejected({ maxPeer: 3 }, 'maxPeer', /Unknown Shoal config key/);
    assertRejected({ tracker_urls: [] }, 'tracker_urls', /Unknown Shoal config key/);
  });

  for (const key of POSITIVE_INTEGER_KEYS) {
    test(`${key}: negative, zero, NaN, Infinity and fractions`, () => {
      for (const value of [-1, 0, Number.NaN, Number.POSITIVE_INFINITY, 1.5]) {
        assertRejected({ [key]: value }, key, /must be an integer from \d+ to \d+/);
      }
    });
  }

  for (const key of NON_NEGATIVE_KEYS) {
    test(`${key}: negative, NaN and Infinity`, () => {
      for (const value of [-1, -0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        assertRejected({ [key]: value }, key, /must be a number from 0 to \d+/);
      }
    });
  }

  test('the message shows the rejected value', () => {
    assertRejected({ httpTimeoutMs: -250 }, 'httpTimeoutMs', /got -250/);
    assertRejected({ storageCapBytes: '1GB' }, 'storageCapBytes', /got "1GB"/);
  });

  test('wrong types', () => {
    assertRejected({ maxPeers: '12' }, 'maxPeers', /must be an integer from 1 to 256/);
    assertRejected({ p2pEnabled: 'yes' }, 'p2pEnabled', /must be true or false/);
    assertRejected({ uploadEnabled: 1 }, 'uploadEnabled', /must be true or false/);
    assertRejected({ trackerUrls: 'wss://tracker.example' }, 'trackerUrls', /must be a list of WebSocket tracker URLs/);
    assertRejected({ trackerUrls: ['wss://tracker.example', 42] }, 'trackerUrls', /must be a list of WebSocket tracker URLs/);
    assertRejected({ trackerUrls: [''] }, 'trackerUrls', /must be a list of WebSocket tracker URLs/);
    assertRejected({ rtcConfig: null }, 'rtcConfig', /must be an RTCConfiguration/);
    assertRejected({ rtcConfig: 'stun:stun.example' }, 'rtcConfig', /must be an RTCConfiguration/);
    assertRejected({ swarmId: 42 }, 'swarmId', /must be a non-empty string/);
    assertRejected({ swarmId: '' }, 'swarmId', /must be a non-empty string/);
    assertRejected({ safetyMarginMs: '1000' }, 'safetyMarginMs', /must be a number from 0/);
    assertRejected({ swarmIdIgnoredParams: 'token' }, 'swarmIdIgnoredParams', /must be a list of non-empty names/);
    assertRejected({ swarmIdIgnoredParams: [''] }, 'swarmIdIgnoredParams', /must be a list of non-empty names/);
  });

  test('every numeric key has an upper bound; timers stop at 2^31 - 1 ms', () => {
    for (const [key, bound] of Object.entries(CONFIG_BOUNDS)) {
      assert.ok(bound.max <= Number.MAX_SAFE_INTEGER, key);
      assertRejected({ [key]: bound.max * 2 + 1 }, key, /must be/);
      assert.equal(mergeConfig({ [key]: bound.max })[key as keyof ShoalConfig], bound.max);
      if (key.endsWith('Ms')) assert.ok(bound.max <= MAX_TIMER_MS, key);
    }
    assertRejected({ httpTimeoutMs: 2 ** 31 }, 'httpTimeoutMs', /from 1 to 2147483647/);
    assertRejected({ announceIntervalMs: 2 ** 31 }, 'announceIntervalMs', /to 2147483647/);
    assertRejected({ announceIntervalMs: 1 }, 'announceIntervalMs', /from 1000/);
  });

  test('trackerUrls must be ws: or wss: URLs', () => {
    for (const url of ['https://tracker.example', 'udp://tracker.example:80', 'tracker.example', ' ', 'ws://']) {
      assertRejected({ trackerUrls: [url] }, 'trackerUrls', /WebSocket tracker URLs/);
    }
    assert.deepEqual(mergeConfig({ trackerUrls: ['ws://127.0.0.1:8000', 'wss://t.example/announce'] }).trackerUrls, [
      'ws://127.0.0.1:8000',
      'wss://t.example/announce',
    ]);
  });

  test("a platform's own tracker client takes URLs of any scheme", () => {
    const own = { ownTrackerClient: true };
    assert.deepEqual(mergeConfig({ trackerUrls: ['sim://tracker'] }, own).trackerUrls, ['sim://tracker']);
    assert.throws(() => mergeConfig({ trackerUrls: ['sim://tracker'] }), /WebSocket tracker URLs/);
    assert.throws(() => mergeConfig({ trackerUrls: [''] }, own), /must be a list of URLs/);
  });

  test('rtcConfig must have the shape of an RTCConfiguration', () => {
    for (const rtcConfig of [
      [],
      { iceServers: 'stun:stun.example' },
      { iceServers: [{ urls: 'http://stun.example' }] },
      { iceServers: [{ urls: [] }] },
      { iceServers: [{ urls: 'turn:t.example', credential: 7 }] },
      { iceTransportPolicy: 'relay-only' },
      { iceCandiatePoolSize: 2 },
    ]) {
      assertRejected({ rtcConfig }, 'rtcConfig', /must be an RTCConfiguration/);
    }
    const relayOnly = {
      iceServers: [{ urls: ['turn:turn.example:3478?transport=udp', 'turns:turn.example:443'], username: 'u', credential: 'p' }],
      iceTransportPolicy: 'relay',
    };
    assert.deepEqual(mergeConfig({ rtcConfig: relayOnly }).rtcConfig, relayOnly);
    assert.deepEqual(mergeConfig({ rtcConfig: { iceServers: [] } }).rtcConfig, { iceServers: [] });
  });

  test('prototype keys are config-invalid, at any depth, never a raw TypeError', () => {
    for (const text of [
      '{"__proto__": {"maxPeers": 3}}',
      '{"constructor": 1}',
      '{"prototype": {}}',
      '{"rtcConfig": {"__proto__": {"iceServers": []}}}',
      '{"rtcConfig": {"iceServers": [{"urls": "stun:s.example", "constructor": 1}]}}',
    ]) {
      assert.throws(
        () => mergeConfig(JSON.parse(text) as Partial<ShoalConfig>),
        (error: unknown) => error instanceof ShoalError && error.code === 'config-invalid',
        text,
      );
    }
    assert.equal(({} as Record<string, unknown>)['maxPeers'], undefined, 'Object.prototype untouched');
  });

  test('maxSegmentBytes is bounded: one wire block to the largest size a peer can announce', () => {
    assert.equal(mergeConfig({ maxSegmentBytes: 64_512 }).maxSegmentBytes, 64_512);
    assert.equal(mergeConfig({ maxSegmentBytes: 0xffff_ffff }).maxSegmentBytes, 0xffff_ffff);
    assertRejected({ maxSegmentBytes: 1_000 }, 'maxSegmentBytes', /must be an integer from 64512 to 4294967295/);
    assertRejected({ maxSegmentBytes: 2 ** 32 }, 'maxSegmentBytes', /must be an integer from 64512/);
    assertRejected({ maxSegmentBytes: 1.5e6 + 0.5 }, 'maxSegmentBytes', /must be an integer/);
  });

  test('swarmIdIgnoredParams is copied: an engine changing it never changes the defaults', () => {
    const config = mergeConfig({});
    config.swarmIdIgnoredParams.push('viewer');
    assert.deepEqual(DEFAULT_CONFIG.swarmIdIgnoredParams, []);
  });
});

/** String leaves of a default value (URLs in lists and objects). */
function stringLeaves(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringLeaves);
  return [];
}

describe('documentation of ShoalConfig', () => {
  const docs = shoalConfigDocs();

  test('documents exactly the keys of DEFAULT_CONFIG', () => {
    assert.deepEqual([...docs.keys()].sort(), [...DEFAULT_KEYS].sort());
  });

  for (const key of DEFAULT_KEYS) {
    test(`${key} has an @default that matches DEFAULT_CONFIG`, () => {
      const doc = docs.get(key);
      assert.ok(doc, `ShoalConfig.${key} has a JSDoc block`);
      const documented = documentedDefault(doc);
      assert.ok(documented, `ShoalConfig.${key}'s JSDoc has a non-empty @default: "${doc}"`);
      const value = DEFAULT_CONFIG[key];
      if (typeof value === 'number') {
        // `@default 268435456 (256 MiB)`: the first token is the value; `15_000` or `15,000` also read.
        assert.equal(Number(documented.split(' ')[0]!.replace(/[_,]/g, '')), value, `@default ${documented}`);
      } else if (typeof value === 'boolean') {
        assert.equal(documented.split(' ')[0], String(value), `@default ${documented}`);
      } else {
        // Lists and objects: every URL in the value appears in the documented default. `undefined`
        // (swarmId) is documented in prose, which only has to be there.
        for (const leaf of stringLeaves(value)) assert.ok(documented.includes(leaf), `@default of ${key} mentions ${leaf}`);
      }
    });
  }
});
