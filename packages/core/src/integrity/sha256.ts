/**
 * SHA-256 through WebCrypto (`crypto.subtle.digest`), present in browsers (secure contexts) and Node ≥ 20,
 * with the digest as base64 (the integrity manifest's text form). Core reads `globalThis.crypto` here and
 * only here; an engine may be given another hasher through `ShoalPlatform.sha256`.
 */

/** Hashes bytes; resolves with the SHA-256 digest in base64 (44 characters, padded). */
export type Sha256Base64 = (bytes: Uint8Array) => Promise<string>;

interface SubtleLike {
  digest(algorithm: string, data: Uint8Array): Promise<ArrayBuffer>;
}

/** WebCrypto's SHA-256, or undefined where the host has none (an insecure-context page). */
export function webCryptoSha256(): Sha256Base64 | undefined {
  const subtle = (globalThis as { crypto?: { subtle?: SubtleLike } }).crypto?.subtle;
  if (!subtle) return undefined;
  return async (bytes) => base64Of(new Uint8Array(await subtle.digest('SHA-256', bytes)));
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 with `=` padding (RFC 4648 §4), as Node's `digest('base64')` writes it. */
export function base64Of(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i]!;
    const b1 = bytes[i + 1];
    const b2 = bytes[i + 2];
    const triple = (b0 << 16) | ((b1 ?? 0) << 8) | (b2 ?? 0);
    out += BASE64_ALPHABET[(triple >> 18) & 63]! + BASE64_ALPHABET[(triple >> 12) & 63]!;
    out += b1 === undefined ? '=' : BASE64_ALPHABET[(triple >> 6) & 63]!;
    out += b2 === undefined ? '=' : BASE64_ALPHABET[triple & 63]!;
  }
  return out;
}
