/**
 * The part of `node:assert/strict` the shared contract suites use, for the browser (karma): `ok`,
 * `equal` (Object.is), `deepEqual` (structural: plain objects, arrays, typed arrays), `throws`, `rejects`.
 */
class AssertionError extends Error {
  override name = 'AssertionError';
}

function show(value: unknown): string {
  if (value instanceof Uint8Array) return `Uint8Array(${value.byteLength})`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function ok(value: unknown, message?: string): asserts value {
  if (!value) throw new AssertionError(message ?? `expected a truthy value, got ${show(value)}`);
}

function equal(actual: unknown, expected: unknown, message?: string): void {
  if (!Object.is(actual, expected)) throw new AssertionError(`${message ?? 'not equal'}: expected ${show(expected)}, got ${show(actual)}`);
}

function sameStructure(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    return x.byteLength === y.byteLength && x.every((byte, i) => byte === y[i]);
  }
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((k) => Object.hasOwn(b, k) && sameStructure((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function deepEqual(actual: unknown, expected: unknown, message?: string): void {
  if (!sameStructure(actual, expected)) {
    throw new AssertionError(`${message ?? 'not deep-equal'}: expected ${show(expected)}, got ${show(actual)}`);
  }
}

function throws(fn: () => unknown, check?: (error: unknown) => boolean, message?: string): void {
  try {
    fn();
  } catch (error) {
    if (check && !check(error)) throw new AssertionError(message ?? `unexpected error: ${String(error)}`);
    return;
  }
  throw new AssertionError(message ?? 'expected a throw');
}

async function rejects(promise: Promise<unknown>, check?: (error: unknown) => boolean, message?: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    if (check && !check(error)) throw new AssertionError(message ?? `unexpected rejection: ${String(error)}`);
    return;
  }
  throw new AssertionError(message ?? 'expected a rejection');
}

const assert = Object.assign(ok, { ok, equal, strictEqual: equal, deepEqual, deepStrictEqual: deepEqual, throws, rejects });
export default assert;
