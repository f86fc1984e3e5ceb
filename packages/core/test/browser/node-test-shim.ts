/// <reference types="mocha" />
/**
 * `node:test`'s `describe` and `test` on mocha, for the shared contract suites in the browser (karma).
 * Only what the suites use: `test(name, fn)` with an optional context whose `skip()` marks the test skipped.
 */
interface TestContextLike {
  skip(message?: string): void;
}

type TestBody = (t: TestContextLike) => unknown;

export function describe(name: string, body: () => void): void {
  globalThis.describe(name, body);
}

export function test(name: string, body: TestBody): void {
  globalThis.it(name, async function (this: Mocha.Context) {
    let skipped = false;
    await body({ skip: () => void (skipped = true) });
    if (skipped) this.skip();
  });
}

export const it = test;
