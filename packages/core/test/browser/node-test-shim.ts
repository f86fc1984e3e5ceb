/// <reference types="mocha" />
/**
 * `node:test`'s `describe` and `test` on mocha, for the shared contract suites in the browser (karma).
 * Only what the suites use: `test(name, [options,] fn)`, where `options.timeout` (ms) replaces mocha's
 * per-test limit and `options.skip` skips the test, and a context whose `skip()` marks the test skipped.
 */
interface TestContextLike {
  skip(message?: string): void;
}

interface TestOptionsLike {
  /** Real-time limit for this test, in ms (mocha's own default otherwise: karma's `client.mocha.timeout`). */
  timeout?: number;
  /** Truthy: the test is registered as skipped (a string says why, as in node:test). */
  skip?: boolean | string;
}

type TestBody = (t: TestContextLike) => unknown;

export function describe(name: string, body: () => void): void {
  globalThis.describe(name, body);
}

export function test(name: string, optionsOrBody: TestOptionsLike | TestBody, maybeBody?: TestBody): void {
  const options = typeof optionsOrBody === 'function' ? {} : optionsOrBody;
  const body = typeof optionsOrBody === 'function' ? optionsOrBody : maybeBody;
  if (body === undefined) throw new TypeError(`test "${name}" has no body`);
  if (options.skip) {
    globalThis.it.skip(name);
    return;
  }
  const runnable = globalThis.it(name, async function (this: Mocha.Context) {
    let skipped = false;
    await body({ skip: () => void (skipped = true) });
    if (skipped) this.skip();
  });
  if (options.timeout !== undefined) runnable.timeout(options.timeout);
}

export const it = test;
