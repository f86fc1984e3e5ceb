/** The publisher tools: entries, a VOD manifest from a playlist or folder, the CLI, the live streaming mode. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createIntegrityManifest, integritySegmentOf, LiveIntegrityManifest, runIntegrityCli,
} from '../../src/integrity/manifest-builder';
import { integrityKeyOf, parseIntegrityManifest, type IntegrityManifestJson } from '../../src/integrity/integrity-manifest';
import { integrityManifestUrlFor } from '../../src/integrity/segment-integrity';
import { base64Of, webCryptoSha256 } from '../../src/integrity/sha256';
import { BLOCK_BYTES } from '../../src/wire/messages';

const MEDIA = fileURLToPath(new URL('../../../../demo/media/', import.meta.url));
const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('base64');

test('an entry hashes each BLOCK_BYTES block from the segment start and the whole', () => {
  const bytes = new Uint8Array(2 * BLOCK_BYTES + 10).map((_, i) => i & 0xff);
  const entry = integritySegmentOf('a/seg.ts', bytes);
  assert.equal(entry.sizeBytes, bytes.byteLength);
  assert.deepEqual(entry.blocks, [
    sha(bytes.subarray(0, BLOCK_BYTES)),
    sha(bytes.subarray(BLOCK_BYTES, 2 * BLOCK_BYTES)),
    sha(bytes.subarray(2 * BLOCK_BYTES)),
  ]);
  assert.equal(entry.sha256, sha(bytes));
});

test('core hashes as Node does: WebCrypto digest in base64, and the base64 encoder for every tail length', async () => {
  const digest = webCryptoSha256()!;
  for (const length of [0, 1, 2, 3, 100, 300_001]) {
    const bytes = new Uint8Array(length).map((_, i) => (i * 31) & 0xff);
    assert.equal(base64Of(bytes), Buffer.from(bytes).toString('base64'));
    assert.equal(await digest(bytes), sha(bytes));
  }
});

test('a byte-range HLS playlist: one entry per range, URIs relative to the master, round trip through the parser', async () => {
  const [created] = await createIntegrityManifest(join(MEDIA, 'hls-ts-byterange', 'master.m3u8'));
  const { manifestPath, manifest } = created!;
  assert.equal(manifestPath, join(MEDIA, 'hls-ts-byterange', 'master.m3u8.integrity.json'));
  const first = manifest.segments[0]!;
  assert.equal(first.uri, 'v0/media.ts');
  assert.deepEqual(first.byteRange, { startByte: 0, endByte: 86_667 });
  const file = await readFile(join(MEDIA, 'hls-ts-byterange', 'v0', 'media.ts'));
  assert.equal(first.sha256, sha(file.subarray(0, 86_668)));
  assert.deepEqual(manifest.segments[1]!.byteRange, { startByte: 86_668, endByte: 86_668 + 101_896 - 1 });
  assert.ok(manifest.segments.some((s) => s.uri.startsWith('v1/')), 'both renditions');
  const entries = parseIntegrityManifest(new TextEncoder().encode(JSON.stringify(manifest)), 'https://cdn.example/s/master.m3u8.integrity.json');
  const found = entries.get(integrityKeyOf('https://cdn.example/s/v0/media.ts', { startByte: 0, endByte: 86_667 }));
  assert.equal(found?.sha256, first.sha256);
});

test('the CLI writes <playlist>.integrity.json beside each master of a folder; DASH folders hash files whole', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shoal-integrity-'));
  try {
    await cp(join(MEDIA, 'hls-fmp4'), join(dir, 'hls'), { recursive: true });
    await cp(join(MEDIA, 'dash'), join(dir, 'dash'), { recursive: true });
    const lines: string[] = [];
    assert.equal(await runIntegrityCli([join(dir, 'hls'), join(dir, 'dash')], (line) => lines.push(line)), 0);
    const hls = JSON.parse(await readFile(join(dir, 'hls', 'master.m3u8.integrity.json'), 'utf8')) as IntegrityManifestJson;
    assert.equal(hls.shoalIntegrity, 1);
    assert.equal(hls.blockBytes, BLOCK_BYTES);
    assert.ok(hls.segments.some((s) => s.uri === 'v0/seg-0.m4s'));
    const mpds = lines.filter((line) => line.includes('.mpd.integrity.json'));
    assert.equal(mpds.length, 1, lines.join('\n'));
    const dash = JSON.parse(await readFile(mpds[0]!.replace('wrote ', ''), 'utf8')) as IntegrityManifestJson;
    assert.ok(dash.segments.some((s) => s.uri === 'chunk-0-00001.m4s'));
    assert.equal(await runIntegrityCli([join(dir, 'missing')], () => {}), 1);
    assert.equal(await runIntegrityCli([], () => {}), 1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('live streaming mode: addSegment returns the manifest, keeps a bounded window, replaces a re-added segment', () => {
  const live = new LiveIntegrityManifest({ maxSegments: 3 });
  for (let i = 0; i < 5; i++) live.addSegment(`v0/seg-${i}.ts`, new Uint8Array(10).fill(i));
  const manifest = live.addSegment('v0/seg-4.ts', new Uint8Array(10).fill(9));
  assert.deepEqual(manifest.segments.map((s) => s.uri), ['v0/seg-2.ts', 'v0/seg-3.ts', 'v0/seg-4.ts']);
  assert.equal(manifest.segments[2]!.sha256, sha(new Uint8Array(10).fill(9)));
});

test('the parser refuses other versions and block sizes, and bad entries', () => {
  const good = integritySegmentOf('a.ts', new Uint8Array(5));
  const parse = (json: unknown): unknown => parseIntegrityManifest(new TextEncoder().encode(JSON.stringify(json)), 'https://o/x.json');
  const base = { shoalIntegrity: 1, hash: 'sha-256', blockBytes: BLOCK_BYTES, segments: [good] };
  assert.equal((parse(base) as Map<string, unknown>).size, 1);
  for (const bad of [
    { ...base, shoalIntegrity: 2 },
    { ...base, blockBytes: 1024 },
    { ...base, segments: [{ ...good, blocks: [] }] },
    { ...base, segments: [{ ...good, sha256: 'x' }] },
    { ...base, segments: [{ ...good, byteRange: { startByte: 0, endByte: 9 } }] },
  ]) {
    assert.throws(() => parse(bad), (error: { code?: string }) => error.code === 'integrity-manifest-invalid');
  }
  assert.throws(() => parseIntegrityManifest(new TextEncoder().encode('{'), 'https://o/x.json'), /not JSON/);
});

test('integrityManifestUrl: {manifestUrl} template or a URL relative to the manifest; the query is carried over', () => {
  assert.equal(integrityManifestUrlFor('{manifestUrl}.integrity.json', 'https://o/a/master.m3u8?token=1#x'), 'https://o/a/master.m3u8.integrity.json?token=1');
  assert.equal(integrityManifestUrlFor('integrity.json', 'https://o/a/master.m3u8'), 'https://o/a/integrity.json');
  assert.equal(integrityManifestUrlFor('/i.json?v=2', 'https://o/a/master.m3u8?token=1'), 'https://o/i.json?v=2');
  assert.equal(integrityKeyOf('https://o/a/s.ts?token=9#f', undefined, { withoutQuery: true }), 'https://o/a/s.ts');
});
