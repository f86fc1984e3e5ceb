// Stands in for `uint8-util` in the browser bundle (see webpack.config.cjs).
//
// uint8-util 2.3's browser build calls `Uint8Array.prototype.toHex`/`toBase64` and `Uint8Array.fromHex`/
// `fromBase64` (ES2026: Chrome 140, Firefox 133, Safari 18.2). Without them the tracker client throws
// "toHex is not a function" on its first offer, so WebRTC never starts: older browsers, smart TVs and
// WebViews would get no peers. This module re-exports uint8-util with fallbacks for exactly those four
// functions, used only where the native methods are missing. No builtin is patched.
import * as original from 'uint8-util-original';

export * from 'uint8-util-original';

const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
/** Bytes per `String.fromCharCode` call, under every engine's argument limit. */
const CHUNK_BYTES = 0x8000;

export const arr2hex =
  typeof Uint8Array.prototype.toHex === 'function'
    ? original.arr2hex
    : (data) => {
        let hex = '';
        for (let i = 0; i < data.length; i++) hex += HEX_BYTES[data[i]];
        return hex;
      };

export const hex2arr =
  typeof Uint8Array.fromHex === 'function'
    ? original.hex2arr
    : (hex) => {
        const bytes = new Uint8Array(hex.length >> 1);
        for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.substr(i * 2, 2), 16);
        return bytes;
      };

export const arr2base =
  typeof Uint8Array.prototype.toBase64 === 'function'
    ? original.arr2base
    : (bytes) => {
        let binary = '';
        for (let i = 0; i < bytes.length; i += CHUNK_BYTES) {
          binary += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK_BYTES));
        }
        return btoa(binary);
      };

export const base2arr =
  typeof Uint8Array.fromBase64 === 'function'
    ? original.base2arr
    : (base64) => Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
