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
const BASE64_CODES = Array.from(BASE64_ALPHABET, (char) => char.charCodeAt(0));
const PAD_CODE = '='.charCodeAt(0);
/** Character codes per `String.fromCharCode` call: a digest's 44 in one, flat. */
const FROM_CHAR_CODE_SLICE = 8192;

/** Standard base64 with `=` padding (RFC 4648 §4), as Node's `digest('base64')` writes it. */
export function base64Of(bytes: Uint8Array): string {
  // Character codes joined once: `out +=` per character left a rope of ConsStrings (~600 bytes for a
  // 44-character digest), and every peer's announced commitment is kept.
  const codes: number[] = [];
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i]!;
    const b1 = bytes[i + 1];
    const b2 = bytes[i + 2];
    const triple = (b0 << 16) | ((b1 ?? 0) << 8) | (b2 ?? 0);
    codes.push(BASE64_CODES[(triple >> 18) & 63]!, BASE64_CODES[(triple >> 12) & 63]!);
    codes.push(b1 === undefined ? PAD_CODE : BASE64_CODES[(triple >> 6) & 63]!);
    codes.push(b2 === undefined ? PAD_CODE : BASE64_CODES[triple & 63]!);
  }
  let out = '';
  // In slices: one call with every code as an argument would overflow the stack on a long input.
  for (let start = 0; start < codes.length; start += FROM_CHAR_CODE_SLICE) {
    out += String.fromCharCode(...codes.slice(start, start + FROM_CHAR_CODE_SLICE));
  }
  return out;
}

/**
 * Bytes of a standard padded base64 string, or undefined if it is not one (strict: the alphabet above,
 * length a multiple of 4, at most 2 `=` at the end). Used for the wire's 32-byte commitments.
 */
export function bytesOfBase64(text: string): Uint8Array | undefined {
  if (typeof text !== 'string' || text.length % 4 !== 0) return undefined;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = new Uint8Array((text.length / 4) * 3 - padding);
  for (let i = 0; i < text.length; i += 4) {
    let triple = 0;
    for (let j = 0; j < 4; j++) {
      const char = text[i + j]!;
      const value = char === '=' && i + 4 === text.length && j >= 4 - padding ? 0 : BASE64_ALPHABET.indexOf(char);
      if (value < 0) return undefined;
      triple = (triple << 6) | value;
    }
    for (let k = 0; k < 3; k++) {
      const index = (i / 4) * 3 + k;
      if (index < bytes.length) bytes[index] = (triple >> (16 - 8 * k)) & 0xff;
    }
  }
  // Non-canonical text (stray bits in the padding) would alias another digest's text: refused.
  return base64Of(bytes) === text ? bytes : undefined;
}
