import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { VirtualClock } from '../../src/clock/virtual-clock';

describe('VirtualClock', () => {
  test('starts at 0 or at startMs, and moves only when advanced', () => {
    assert.equal(new VirtualClock().now(), 0);
    const clock = new VirtualClock({ startMs: 1_000 });
    assert.equal(clock.now(), 1_000);
    assert.equal(clock.advance(250), 0);
    assert.equal(clock.now(), 1_250);
    assert.throws(() => clock.advance(-1), RangeError);
  });

  test('runs due timers in time order, equal times in scheduling order, with now() at each due time', () => {
    const clock = new VirtualClock();
    const trace: string[] = [];
    const at = (name: string) => () => trace.push(`${name}@${clock.now()}`);
    clock.setTimeout(at('c'), 30);
    clock.setTimeout(at('a'), 10);
    clock.setTimeout(at('b1'), 20);
    clock.setTimeout(at('b2'), 20);
    clock.setTimeout(at('late'), 31);
    assert.equal(clock.pendingTimers, 5);
    assert.equal(clock.nextTimerAtMs, 10);
    assert.equal(clock.advance(30), 4);
    assert.deepEqual(trace, ['a@10', 'b1@20', 'b2@20', 'c@30']);
    assert.equal(clock.now(), 30);
    assert.equal(clock.pendingTimers, 1);
    assert.equal(clock.nextTimerAtMs, 31);
  });

  test('runs timers that timers schedule inside the window, and leaves later ones pending', () => {
    const clock = new VirtualClock();
    const trace: string[] = [];
    clock.setTimeout(() => {
      trace.push(`outer@${clock.now()}`);
      clock.setTimeout(() => trace.push(`zero@${clock.now()}`), 0);
      clock.setTimeout(() => trace.push(`inner@${clock.now()}`), 5);
      clock.setTimeout(() => trace.push(`beyond@${clock.now()}`), 50);
    }, 10);
    clock.setTimeout(() => trace.push(`sibling@${clock.now()}`), 12);
    clock.advance(20);
    assert.deepEqual(trace, ['outer@10', 'zero@10', 'sibling@12', 'inner@15']);
    assert.equal(clock.pendingTimers, 1);
    assert.equal(clock.nextTimerAtMs, 60);
  });

  test('clearTimeout cancels, also from a timer due at the same time; foreign handles are ignored', () => {
    const clock = new VirtualClock();
    const trace: string[] = [];
    const handle = clock.setTimeout(() => trace.push('cleared'), 10);
    clock.clearTimeout(handle);
    clock.clearTimeout(handle);
    clock.clearTimeout(undefined);
    clock.clearTimeout(42);
    clock.clearTimeout({});
    let second: unknown;
    clock.setTimeout(() => {
      trace.push('first');
      clock.clearTimeout(second);
    }, 20);
    second = clock.setTimeout(() => trace.push('second'), 20);
    clock.advance(100);
    assert.deepEqual(trace, ['first']);
    assert.equal(clock.pendingTimers, 0);
  });

  test('a negative or non-finite delay counts as zero', () => {
    const clock = new VirtualClock({ startMs: 5 });
    const trace: number[] = [];
    clock.setTimeout(() => trace.push(1), -10);
    clock.setTimeout(() => trace.push(2), Number.NaN);
    clock.setTimeout(() => trace.push(3), Infinity);
    assert.equal(clock.nextTimerAtMs, 5);
    clock.advance(0);
    assert.deepEqual(trace, [1, 2, 3]);
  });

  test('advanceTo goes to an absolute time and never back', () => {
    const clock = new VirtualClock();
    clock.setTimeout(() => {}, 40);
    assert.equal(clock.advanceTo(50), 1);
    assert.equal(clock.now(), 50);
    assert.equal(clock.advanceTo(10), 0);
    assert.equal(clock.now(), 50);
  });

  test('runNext jumps to the next due time and runs everything due then', () => {
    const clock = new VirtualClock();
    const trace: string[] = [];
    clock.setTimeout(() => {
      trace.push('a');
      clock.setTimeout(() => trace.push('a-zero'), 0);
    }, 100);
    clock.setTimeout(() => trace.push('b'), 100);
    clock.setTimeout(() => trace.push('c'), 200);
    assert.equal(clock.runNext(), true);
    assert.deepEqual(trace, ['a', 'b', 'a-zero']);
    assert.equal(clock.now(), 100);
    assert.equal(clock.runNext(), true);
    assert.equal(clock.now(), 200);
    assert.equal(clock.runNext(), false);
    assert.equal(clock.now(), 200);
  });

  test('runUntil stops when the predicate holds, or at maxMs, or when nothing is pending', () => {
    const clock = new VirtualClock();
    let ticks = 0;
    const tick = (): void => {
      ticks += 1;
      clock.setTimeout(tick, 10);
    };
    clock.setTimeout(tick, 10);
    assert.equal(clock.runUntil(() => ticks === 3, { maxMs: 1_000 }), true);
    assert.equal(clock.now(), 30);
    assert.equal(clock.runUntil(() => ticks === 100, { maxMs: 45 }), false);
    assert.equal(ticks, 7); // ran the timers at 40..70, not the one at 80 (> 30 + 45)
    assert.equal(clock.now(), 70);
    const idle = new VirtualClock();
    assert.equal(idle.runUntil(() => false, { maxMs: 1_000 }), false);
    assert.equal(idle.runUntil(() => true, { maxMs: 0 }), true);
  });

  test('a throwing timer propagates, is gone, and leaves the rest runnable', () => {
    const clock = new VirtualClock();
    const trace: string[] = [];
    clock.setTimeout(() => {
      throw new Error('boom');
    }, 10);
    clock.setTimeout(() => trace.push(`after@${clock.now()}`), 20);
    assert.throws(() => clock.advance(30), /boom/);
    assert.equal(clock.now(), 10);
    assert.equal(clock.pendingTimers, 1);
    clock.advance(20);
    assert.deepEqual(trace, ['after@20']);
  });

  test('is deterministic: the same schedule gives the same trace', () => {
    const run = (): string[] => {
      const clock = new VirtualClock();
      const trace: string[] = [];
      for (let index = 0; index < 50; index += 1) {
        const delayMs = (index * 37) % 11;
        clock.setTimeout(() => {
          trace.push(`${index}@${clock.now()}`);
          if (index % 3 === 0) clock.setTimeout(() => trace.push(`${index}+@${clock.now()}`), index % 4);
        }, delayMs);
      }
      clock.advance(100);
      return trace;
    };
    assert.deepEqual(run(), run());
  });

  test('autoAdvance lets awaiting code run between time steps, until stopped', { timeout: 5_000 }, async () => {
    const clock = new VirtualClock();
    const sleep = (ms: number): Promise<void> => new Promise((resolve) => clock.setTimeout(resolve, ms));
    const stop = clock.autoAdvance({ yieldToHost: () => new Promise((resolve) => setImmediate(resolve)) });
    const trace: string[] = [];
    const worker = async (name: string, stepMs: number): Promise<void> => {
      for (let step = 0; step < 3; step += 1) {
        await sleep(stepMs);
        trace.push(`${name}@${clock.now()}`);
      }
    };
    await Promise.all([worker('slow', 60_000), worker('fast', 25_000)]);
    stop();
    assert.deepEqual(trace, ['fast@25000', 'fast@50000', 'slow@60000', 'fast@75000', 'slow@120000', 'slow@180000']);
    clock.setTimeout(() => trace.push('after stop'), 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(clock.pendingTimers, 1);
  });
});
