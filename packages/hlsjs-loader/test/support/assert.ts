/** The few assertions the specs need (the browser bundle has no `node:assert`). */

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`Assertion failed: ${message}`);
}

export function assertEqual<T>(actual: T, expected: T, message: string): void {
  if (!Object.is(actual, expected)) {
    throw new Error(`Assertion failed: ${message}: expected ${String(expected)}, got ${String(actual)}`);
  }
}

export function assertBytesEqual(actual: ArrayBuffer | Uint8Array, expected: ArrayBuffer | Uint8Array, message: string): void {
  const a = actual instanceof Uint8Array ? actual : new Uint8Array(actual);
  const b = expected instanceof Uint8Array ? expected : new Uint8Array(expected);
  assertEqual(a.byteLength, b.byteLength, `${message} (length)`);
  for (let i = 0; i < a.byteLength; i++) {
    if (a[i] !== b[i]) throw new Error(`Assertion failed: ${message}: bytes differ at offset ${i}`);
  }
}
