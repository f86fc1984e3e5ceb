/**
 * Single-file DASH in the integrity manifest: a `SegmentBase` MPD's segments, read from each file's sidx,
 * are the same ranges ffmpeg's `SegmentList` of the same files lists, and both MPDs' manifests have an
 * entry per range (so peers may serve them with the manifest on), hashing the file's bytes of that range.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { createIntegrityManifest } from '../../src/integrity/manifest-builder';
import { dashSegmentRangesOf, dashSingleFilesOf } from '../../src/integrity/dash-ranges';

const DASH_SINGLE = fileURLToPath(new URL('../../../../demo/media/dash-single', import.meta.url));

test('SegmentBase (sidx) and SegmentList (mediaRange) name the same ranges of the same files', async () => {
  const base = dashSingleFilesOf(await readFile(join(DASH_SINGLE, 'segmentbase.mpd'), 'utf8'));
  const list = dashSingleFilesOf(await readFile(join(DASH_SINGLE, 'segmentlist.mpd'), 'utf8'));
  assert.ok(base.length > 0 && base.every((file) => file.kind === 'segment-base'));
  assert.deepEqual(base.map((file) => file.uri), list.map((file) => file.uri));
  for (const [index, file] of base.entries()) {
    const bytes = await readFile(join(DASH_SINGLE, file.uri));
    assert.deepEqual(dashSegmentRangesOf(file, bytes), dashSegmentRangesOf(list[index]!, bytes), `${file.uri}: sidx ranges = mediaRanges`);
  }
});

test('both MPDs get an integrity entry per segment range, hashing those bytes', async () => {
  const created = await createIntegrityManifest(DASH_SINGLE);
  assert.equal(created.length, 2);
  for (const { manifestPath, manifest } of created) {
    const ranged = manifest.segments.filter((segment) => segment.byteRange !== undefined);
    assert.ok(ranged.length >= 15 * 2, `${manifestPath}: ${ranged.length} range entries`);
    const first = ranged[0]!;
    const bytes = (await readFile(join(DASH_SINGLE, first.uri))).subarray(first.byteRange!.startByte, first.byteRange!.endByte + 1);
    assert.equal(first.sizeBytes, bytes.byteLength);
    assert.equal(first.sha256, createHash('sha256').update(bytes).digest('base64'));
  }
});
