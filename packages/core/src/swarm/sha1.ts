/**
 * SHA-1 (FIPS 180-4), synchronous and in plain TypeScript. Shoal uses it only to derive identifiers
 * (swarm info-hashes, rendition ids), never for security. It exists because `crypto.subtle` is async and
 * missing outside secure contexts (a player page served over plain http), and `node:crypto` is Node-only.
 */

/** Bytes in one SHA-1 block. */
const BLOCK_BYTES = 64;
/** Bytes in a SHA-1 digest. */
export const SHA1_DIGEST_BYTES = 20;

const textEncoder = new TextEncoder();

/** SHA-1 of `data`: 20 bytes. A string is hashed as its UTF-8 bytes. */
export function sha1(data: Uint8Array | string): Uint8Array {
  const message = typeof data === 'string' ? textEncoder.encode(data) : data;
  const messageBits = message.length * 8;
  // Message, a 0x80 byte, zero padding, and the 64-bit big-endian bit length, to a whole number of blocks.
  const paddedBytes = Math.ceil((message.length + 1 + 8) / BLOCK_BYTES) * BLOCK_BYTES;
  const padded = new Uint8Array(paddedBytes);
  padded.set(message);
  padded[message.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(paddedBytes - 8, Math.floor(messageBits / 0x1_0000_0000));
  view.setUint32(paddedBytes - 4, messageBits >>> 0);

  let h0 = 0x67452301;
  let h1 = 0xefcdab89;
  let h2 = 0x98badcfe;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0;
  const w = new Uint32Array(80);

  for (let offset = 0; offset < paddedBytes; offset += BLOCK_BYTES) {
    for (let t = 0; t < 16; t++) w[t] = view.getUint32(offset + t * 4);
    for (let t = 16; t < 80; t++) {
      const x = w[t - 3]! ^ w[t - 8]! ^ w[t - 14]! ^ w[t - 16]!;
      w[t] = (x << 1) | (x >>> 31);
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    for (let t = 0; t < 80; t++) {
      let f: number;
      let k: number;
      if (t < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (t < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (t < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6;
      }
      const temp = (((a << 5) | (a >>> 27)) + f + e + k + w[t]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = temp;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }

  const digest = new Uint8Array(SHA1_DIGEST_BYTES);
  const out = new DataView(digest.buffer);
  [h0, h1, h2, h3, h4].forEach((h, i) => out.setUint32(i * 4, h >>> 0));
  return digest;
}
