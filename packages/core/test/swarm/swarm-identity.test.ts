import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';

import { sha1 } from '../../src/swarm/sha1';
import {
  createPeerId,
  infoHashFromSwarmId,
  PEER_ID_PREFIX,
  renditionIdOf,
  swarmIdFromManifestUrl,
} from '../../src/swarm/swarm-identity';
import type { RenditionMetadata } from '../../src/types';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const nodeSha1 = (data: Uint8Array | string): string => createHash('sha1').update(data).digest('hex');
const hexToText = (value: string): string => Buffer.from(value, 'hex').toString('latin1');

describe('sha1', () => {
  it('matches the FIPS 180 examples', () => {
    assert.equal(hex(sha1('')), 'da39a3ee5e6b4b0d3255bfef95601890afd80709');
    assert.equal(hex(sha1('abc')), 'a9993e364706816aba3e25717850c26c9cd0d89d');
    assert.equal(
      hex(sha1('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')),
      '84983e441c3bd26ebaae4aa1f95129e5e54670f1',
    );
  });

  it('matches node:crypto for every length across several block boundaries', () => {
    for (let length = 0; length <= 300; length++) {
      const data = randomBytes(length);
      assert.equal(hex(sha1(data)), nodeSha1(data), `length ${length}`);
    }
  });

  it('matches node:crypto on large and non-ASCII input', () => {
    const big = randomBytes(1_000_003);
    assert.equal(hex(sha1(big)), nodeSha1(big));
    const text = 'Schwärme 🐟 — 魚の群れ';
    assert.equal(hex(sha1(text)), nodeSha1(Buffer.from(text, 'utf8')));
  });

  it('handles views into a larger buffer', () => {
    const backing = randomBytes(200);
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 13, 100);
    assert.equal(hex(sha1(view)), nodeSha1(Buffer.from(view)));
  });
});

describe('swarmIdFromManifestUrl', () => {
  const base = 'https://cdn.example.com/live/stream/master.m3u8';

  it('drops the fragment and the credential parameters', () => {
    assert.equal(swarmIdFromManifestUrl(`${base}?token=abc&expires=123`), base);
    assert.equal(swarmIdFromManifestUrl(`${base}?token=xyz#t=10`), base);
    assert.equal(swarmIdFromManifestUrl(`${base}#frag`), base);
    assert.equal(swarmIdFromManifestUrl(base), base);
  });

  it('keeps streams told apart by their query apart', () => {
    assert.notEqual(swarmIdFromManifestUrl('https://example.com/live.m3u8?channel=1'), swarmIdFromManifestUrl('https://example.com/live.m3u8?channel=2'));
    assert.equal(swarmIdFromManifestUrl(`${base}?channel=1`), `${base}?channel=1`);
    assert.notEqual(swarmIdFromManifestUrl(`${base}?channel=1`), swarmIdFromManifestUrl(base));
  });

  it('does not split one stream by per-viewer tokens', () => {
    assert.equal(swarmIdFromManifestUrl(`${base}?token=a`), swarmIdFromManifestUrl(`${base}?token=b`));
    assert.equal(swarmIdFromManifestUrl(`${base}?channel=1&token=a`), swarmIdFromManifestUrl(`${base}?channel=1&token=b`));
  });

  it('ignores the well-known schemes, case-insensitively, prefixes included', () => {
    const credentials = [
      'hdnts=exp%3D1~acl%3D%2F*~hmac%3Dab',
      'hdnea=x',
      '__token__=x',
      'Policy=eyJ&Signature=abc&Key-Pair-Id=K2',
      'Expires=1700000000',
      'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a&X-Amz-Signature=b&x-amz-date=2024',
      'X-Goog-Signature=a',
      'md5=abc&expires=1',
      'st=abc&e=1',
      'wowzatokenhash=a&wowzatokenendtime=1',
      'SIG=1&Exp=2&JWT=3&access_token=4&session=5&sid=6&auth=7&ks=8',
    ];
    for (const query of credentials) assert.equal(swarmIdFromManifestUrl(`${base}?${query}`), base, query);
    assert.equal(swarmIdFromManifestUrl(`${base}?Channel=2&TOKEN=1`), `${base}?Channel=2`);
  });

  it('is independent of parameter order', () => {
    assert.equal(swarmIdFromManifestUrl(`${base}?b=2&a=1&token=x`), swarmIdFromManifestUrl(`${base}?token=y&a=1&b=2`));
    assert.equal(swarmIdFromManifestUrl(`${base}?b=2&a=1`), `${base}?a=1&b=2`);
  });

  it('drops the names given in options too', () => {
    assert.equal(swarmIdFromManifestUrl(`${base}?viewer=42&channel=1`, { ignoredParams: ['Viewer'] }), `${base}?channel=1`);
    assert.equal(swarmIdFromManifestUrl(`${base}?my-tok-1=a&my-tok-2=b`, { ignoredParams: ['my-tok-*'] }), base);
    assert.equal(swarmIdFromManifestUrl(`${base}?viewer=42`), `${base}?viewer=42`);
  });

  it('normalises host case and default port of absolute URLs', () => {
    assert.equal(
      swarmIdFromManifestUrl('HTTPS://CDN.Example.com:443/a/Master.m3u8?x=1'),
      'https://cdn.example.com/a/Master.m3u8?x=1',
    );
    assert.equal(swarmIdFromManifestUrl('HTTPS://CDN.Example.com:443/a/Master.m3u8?sig=1'), 'https://cdn.example.com/a/Master.m3u8');
  });

  it('treats relative URLs the same way', () => {
    assert.equal(swarmIdFromManifestUrl('/live/index.mpd?sig=1#x'), '/live/index.mpd');
    assert.equal(swarmIdFromManifestUrl('index.mpd#x?y'), 'index.mpd');
    assert.equal(swarmIdFromManifestUrl('/live/index.mpd?channel=2&token=1'), '/live/index.mpd?channel=2');
    assert.equal(swarmIdFromManifestUrl('/live/index.mpd?b=1&a=2#x'), '/live/index.mpd?a=2&b=1');
  });
});

describe('infoHashFromSwarmId', () => {
  it('is 40 lowercase hex chars of printable ASCII bytes', () => {
    for (let i = 0; i < 500; i++) {
      const infoHash = infoHashFromSwarmId(`https://example.com/${i}/${randomBytes(8).toString('hex')}.m3u8`);
      assert.match(infoHash, /^[0-9a-f]{40}$/);
      assert.match(hexToText(infoHash), /^[A-Za-z0-9_-]{20}$/);
    }
  });

  it('is deterministic and differs between swarms', () => {
    const a = swarmIdFromManifestUrl('https://example.com/a.m3u8?token=1');
    const a2 = swarmIdFromManifestUrl('https://example.com/a.m3u8?token=2');
    const b = swarmIdFromManifestUrl('https://example.com/b.m3u8');
    assert.equal(infoHashFromSwarmId(a), infoHashFromSwarmId(a2));
    assert.notEqual(infoHashFromSwarmId(a), infoHashFromSwarmId(b));
  });

  it('maps the namespaced SHA-1 into the alphabet', () => {
    const digest = createHash('sha1').update('shoal:v1:swarm').digest();
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const expected = Array.from(digest, (byte) => alphabet[byte & 63]).join('');
    assert.equal(hexToText(infoHashFromSwarmId('swarm')), expected);
  });
});

describe('renditionIdOf', () => {
  const video: RenditionMetadata = {
    type: 'main',
    bandwidthBps: 2_500_000,
    codecs: 'avc1.4D401F,mp4a.40.2',
    width: 1280,
    height: 720,
    language: 'en',
    name: '720p',
  };

  it('is short, URL-safe and stable', () => {
    const id = renditionIdOf(video);
    assert.ok(id.length <= 24);
    assert.match(id, /^[A-Za-z0-9_-]+$/);
    assert.equal(renditionIdOf({ ...video }), id);
    assert.equal(renditionIdOf({}), renditionIdOf({}));
  });

  it('normalises codecs (order, case, whitespace) and language case', () => {
    const id = renditionIdOf(video);
    assert.equal(renditionIdOf({ ...video, codecs: ' mp4a.40.2 , AVC1.4d401f ' }), id);
    assert.equal(renditionIdOf({ ...video, codecs: 'mp4a.40.2,avc1.4d401f,' }), id);
    assert.equal(renditionIdOf({ ...video, language: ' EN ' }), id);
    assert.equal(renditionIdOf({ ...video, name: ' 720p ' }), id);
  });

  it('does not depend on property order', () => {
    const reordered: RenditionMetadata = {
      name: '720p',
      language: 'en',
      height: 720,
      width: 1280,
      codecs: 'avc1.4D401F,mp4a.40.2',
      bandwidthBps: 2_500_000,
      type: 'main',
    };
    assert.equal(renditionIdOf(reordered), renditionIdOf(video));
  });

  it('differs when a counted field differs', () => {
    const id = renditionIdOf(video);
    const variants: RenditionMetadata[] = [
      { ...video, bandwidthBps: 2_500_001 },
      { ...video, codecs: 'avc1.64001f,mp4a.40.2' },
      { ...video, width: 1920, height: 1080 },
      { ...video, width: 720, height: 1280 },
      { ...video, language: 'de' },
      { ...video, name: '720p60' },
      { ...video, type: 'video' },
      { ...video, bandwidthBps: undefined },
      { ...video, codecs: undefined },
    ];
    const ids = variants.map(renditionIdOf);
    for (const other of ids) assert.notEqual(other, id);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('keeps fields apart (no ambiguity between adjacent fields)', () => {
    assert.notEqual(renditionIdOf({ language: 'a', name: 'b' }), renditionIdOf({ language: '', name: 'ab' }));
    assert.notEqual(renditionIdOf({ codecs: 'a,b' }), renditionIdOf({ codecs: 'a', name: 'b' }));
  });

  it('counts size only when both width and height are known', () => {
    assert.equal(renditionIdOf({ width: 1280 }), renditionIdOf({}));
    assert.equal(renditionIdOf({ width: 1280, height: 720.2 }), renditionIdOf({ width: 1280, height: 720 }));
  });
});

describe('createPeerId', () => {
  it('is 40 hex chars: the client prefix then printable ASCII', () => {
    for (let i = 0; i < 200; i++) {
      const peerId = createPeerId();
      assert.match(peerId, /^[0-9a-f]{40}$/);
      const text = hexToText(peerId);
      assert.ok(text.startsWith(PEER_ID_PREFIX));
      assert.match(text.slice(PEER_ID_PREFIX.length), /^[A-Za-z0-9_-]{12}$/);
    }
  });

  it('is random', () => {
    const ids = new Set(Array.from({ length: 1000 }, createPeerId));
    assert.equal(ids.size, 1000);
  });
});
