/**
 * The demo origin serves an integrity manifest beside every master playlist, VOD and live: each entry's
 * hashes are those of the bytes the origin serves at that URL, and the live manifest covers every segment
 * each live media playlist lists, as the live window moves.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startOrigin, type RunningOrigin } from '../src/origin';
import type { IntegrityManifestJson } from '@shoal/core/integrity';

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('base64');

describe('demo origin integrity manifests', () => {
  let nowMs = 1_000_000;
  let origin: RunningOrigin;
  const get = (path: string) => fetch(origin.url + path);

  before(async () => {
    origin = await startOrigin({ nowMs: () => nowMs });
  });
  after(() => origin.close());

  /** Every entry's whole hash matches what the origin serves at its URL (and range). */
  async function assertEntriesMatch(manifestPath: string, manifest: IntegrityManifestJson): Promise<void> {
    for (const entry of manifest.segments) {
      const url = new URL(entry.uri, origin.url + manifestPath);
      const range = entry.byteRange ? { Range: `bytes=${entry.byteRange.startByte}-${entry.byteRange.endByte}` } : undefined;
      const response = await fetch(url, range ? { headers: range } : {});
      assert.equal(response.ok, true, url.href);
      assert.equal(sha(new Uint8Array(await response.arrayBuffer())), entry.sha256, url.href);
    }
  }

  for (const path of ['/vod/hls-ts/master.m3u8', '/vod/hls-fmp4/master.m3u8', '/vod/hls-ts-byterange/master.m3u8', '/vod/dash/manifest.mpd']) {
    it(`VOD ${path}`, async (t) => {
      const response = await get(`${path}.integrity.json`);
      if (path.endsWith('.mpd') && response.status === 404) return t.skip('no such MPD in the media folder');
      assert.equal(response.status, 200);
      const manifest = (await response.json()) as IntegrityManifestJson;
      assert.ok(manifest.segments.length > 0);
      await assertEntriesMatch(`${path}.integrity.json`, manifest.segments.length > 6 ? { ...manifest, segments: manifest.segments.slice(0, 6) } : manifest);
    });
  }

  it('live HLS: every segment each live playlist lists has an entry, also after the window moved', async () => {
    for (let round = 0; round < 2; round++) {
      const manifestPath = '/live/hls-ts/master.m3u8.integrity.json';
      const manifest = (await (await get(manifestPath)).json()) as IntegrityManifestJson;
      const uris = new Set(manifest.segments.map((s) => s.uri));
      for (const rendition of ['v0', 'v1']) {
        const playlist = await (await get(`/live/hls-ts/${rendition}/index.m3u8`)).text();
        for (const line of playlist.split('\n').filter((l) => l && !l.startsWith('#'))) assert.ok(uris.has(`${rendition}/${line}`), `${rendition}/${line} listed`);
      }
      await assertEntriesMatch(manifestPath, { ...manifest, segments: manifest.segments.slice(-3) });
      nowMs += 5_000;
    }
  });

  it('live HLS: the manifest holds the window and 2 segments more per rendition, no more (each viewer fetches it per new segment)', async () => {
    nowMs += 60_000; // long after the head start: many segments published and gone from the window
    const master = await (await get('/live/hls-ts/master.m3u8')).text();
    const renditions = master.split('\n').filter((l) => l && !l.startsWith('#')).length;
    const playlist = await (await get('/live/hls-ts/v0/index.m3u8')).text();
    const windowSegments = playlist.split('\n').filter((l) => l && !l.startsWith('#')).length;
    const manifest = (await (await get('/live/hls-ts/master.m3u8.integrity.json')).json()) as IntegrityManifestJson;
    assert.ok(renditions >= 2 && windowSegments >= 3, `${renditions} renditions, ${windowSegments}-segment window`);
    assert.ok(manifest.segments.length >= renditions * windowSegments, `${manifest.segments.length} entries`);
    assert.ok(manifest.segments.length <= renditions * (windowSegments + 2), `${manifest.segments.length} entries for ${renditions} × ${windowSegments}`);
  });

  it('live DASH: every segment the live MPD names in its window has an entry matching the served bytes', async () => {
    const manifestPath = '/live/dash/manifest.mpd.integrity.json';
    const manifest = (await (await get(manifestPath)).json()) as IntegrityManifestJson;
    assert.ok(manifest.segments.length >= 6, `${manifest.segments.length} entries`);
    await assertEntriesMatch(manifestPath, { ...manifest, segments: manifest.segments.slice(-4) });
  });

  it('no manifest for an unknown playlist', async () => {
    assert.equal((await get('/vod/nothing/master.m3u8.integrity.json')).status, 404);
  });
});
