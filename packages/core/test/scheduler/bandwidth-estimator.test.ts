import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  HTTP_ESTIMATOR_DEFAULTS,
  HttpEstimator,
  P2P_ESTIMATOR_DEFAULTS,
  P2PEstimator,
  playerBandwidthEstimateBps,
  type TransferSample,
} from '../../src/scheduler/bandwidth-estimator';

const MB = 1_000_000;

function feed(estimator: HttpEstimator | P2PEstimator, sample: TransferSample, times = 1): void {
  for (let i = 0; i < times; i++) estimator.addSample(sample);
}

function assertClose(actual: number, expected: number, tolerance = 1e-6): void {
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${actual} vs ${expected}`);
}

describe('BandwidthEstimator', () => {
  test('before any sample: the per-source defaults', () => {
    const http = new HttpEstimator();
    const p2p = new P2PEstimator();
    assert.equal(http.source, 'http');
    assert.equal(p2p.source, 'p2p');
    assert.equal(http.hasGoodEstimate, false);
    assert.deepEqual(http.estimate(), {
      bytesPerSec: HTTP_ESTIMATOR_DEFAULTS.defaultBytesPerSec,
      ttfbMs: HTTP_ESTIMATOR_DEFAULTS.defaultTtfbMs,
    });
    assert.deepEqual(p2p.estimate(), {
      bytesPerSec: P2P_ESTIMATOR_DEFAULTS.defaultBytesPerSec,
      ttfbMs: P2P_ESTIMATOR_DEFAULTS.defaultTtfbMs,
    });
  });

  test('options override the defaults', () => {
    const http = new HttpEstimator({ defaultBytesPerSec: 42, defaultTtfbMs: 7 });
    assert.deepEqual(http.estimate(), { bytesPerSec: 42, ttfbMs: 7 });
    assert.equal(http.options.fastHalfLifeSec, HTTP_ESTIMATOR_DEFAULTS.fastHalfLifeSec);
  });

  test('a steady rate is measured exactly (the averages are zero-bias corrected)', () => {
    const http = new HttpEstimator();
    feed(http, { bytes: MB, durationMs: 1_000, ttfbMs: 0 });
    assert.equal(http.hasGoodEstimate, true);
    assertClose(http.estimate().bytesPerSec, MB);
    feed(http, { bytes: MB, durationMs: 1_000, ttfbMs: 0 }, 5);
    assertClose(http.estimate().bytesPerSec, MB);
  });

  test('the time to first byte is taken out of the transfer time, and estimated on its own', () => {
    const http = new HttpEstimator();
    feed(http, { bytes: MB, durationMs: 1_100, ttfbMs: 100 }, 3);
    const { bytesPerSec, ttfbMs } = http.estimate();
    assertClose(bytesPerSec, MB);
    assertClose(ttfbMs, 100);
  });

  test('without a TTFB the whole duration counts as transfer (pessimistic) and the TTFB stays default', () => {
    const p2p = new P2PEstimator();
    feed(p2p, { bytes: MB, durationMs: 2_000 });
    assertClose(p2p.estimate().bytesPerSec, MB / 2);
    assert.equal(p2p.estimate().ttfbMs, P2P_ESTIMATOR_DEFAULTS.defaultTtfbMs);
  });

  test('the default rate holds until minTotalBytes were sampled; the TTFB is used at once', () => {
    const http = new HttpEstimator();
    feed(http, { bytes: 100_000, durationMs: 250, ttfbMs: 50 });
    assert.equal(http.hasGoodEstimate, false);
    assert.equal(http.estimate().bytesPerSec, HTTP_ESTIMATOR_DEFAULTS.defaultBytesPerSec);
    assertClose(http.estimate().ttfbMs, 50);
    feed(http, { bytes: 100_000, durationMs: 250, ttfbMs: 50 });
    assert.equal(http.hasGoodEstimate, true);
    assertClose(http.estimate().bytesPerSec, 500_000);
  });

  test('a tiny sample (a Range completion) updates the TTFB but not the rate', () => {
    const http = new HttpEstimator();
    feed(http, { bytes: MB, durationMs: 1_100, ttfbMs: 100 }, 5);
    feed(http, { bytes: 10_000, durationMs: 1_000, ttfbMs: 900 });
    assertClose(http.estimate().bytesPerSec, MB);
    assert.ok(http.estimate().ttfbMs > 300, `ttfb ${http.estimate().ttfbMs}`);
  });

  test('a drop is followed quickly (the fast average is lower)', () => {
    const http = new HttpEstimator();
    feed(http, { bytes: MB, durationMs: 1_000, ttfbMs: 0 }, 20);
    feed(http, { bytes: MB, durationMs: 4_000, ttfbMs: 0 }, 2); // 250,000 B/s for 8 s
    const { bytesPerSec } = http.estimate();
    // Fast (3 s half-life): 0.5^(8/3) of the old rate left, ≈ 368,000 B/s; slow (9 s) ≈ 657,000 B/s.
    assert.ok(bytesPerSec > 300_000 && bytesPerSec < 400_000, `${bytesPerSec}`);
  });

  test('a burst is not believed (the slow average is lower)', () => {
    const http = new HttpEstimator();
    feed(http, { bytes: MB, durationMs: 1_000, ttfbMs: 0 }, 20);
    feed(http, { bytes: 4 * MB, durationMs: 1_000, ttfbMs: 0 }, 2); // 4,000,000 B/s for 2 s
    const { bytesPerSec } = http.estimate();
    // Fast ≈ 2,110,000 B/s; slow (0.5^(2/9) of the old rate left, zero-bias corrected) ≈ 1,525,000 B/s.
    assert.ok(bytesPerSec > 1_450_000 && bytesPerSec < 1_600_000, `${bytesPerSec}`);
  });

  test('a TTFB spike is believed at once (the higher average), a TTFB dip is not', () => {
    const p2p = new P2PEstimator();
    feed(p2p, { bytes: MB, durationMs: 1_100, ttfbMs: 100 }, 10);
    feed(p2p, { bytes: MB, durationMs: 2_000, ttfbMs: 1_000 });
    assert.ok(p2p.estimate().ttfbMs > 250, `spike ${p2p.estimate().ttfbMs}`);
    const fresh = new P2PEstimator();
    feed(fresh, { bytes: MB, durationMs: 1_100, ttfbMs: 100 }, 10);
    feed(fresh, { bytes: MB, durationMs: 1_010, ttfbMs: 10 });
    assert.ok(fresh.estimate().ttfbMs > 80, `dip ${fresh.estimate().ttfbMs}`);
  });

  test('a response in 0 ms is clamped to minTransferMs, never an infinite rate', () => {
    const http = new HttpEstimator();
    feed(http, { bytes: MB, durationMs: 0, ttfbMs: 0 });
    assertClose(http.estimate().bytesPerSec, MB / (HTTP_ESTIMATOR_DEFAULTS.minTransferMs / 1000));
  });

  test('malformed samples are ignored', () => {
    const http = new HttpEstimator();
    feed(http, { bytes: MB, durationMs: 1_000, ttfbMs: 100 });
    const before = http.estimate();
    for (const sample of [
      { bytes: Number.NaN, durationMs: 1_000 },
      { bytes: MB, durationMs: -1 },
      { bytes: MB, durationMs: Number.POSITIVE_INFINITY },
      { bytes: -MB, durationMs: 1_000 },
      { bytes: MB, durationMs: 1_000, ttfbMs: Number.NaN },
    ]) {
      http.addSample(sample);
    }
    assert.deepEqual(http.estimate(), before);
  });

  test('reset forgets every sample', () => {
    const http = new HttpEstimator();
    feed(http, { bytes: MB, durationMs: 1_000, ttfbMs: 100 }, 3);
    http.reset();
    assert.equal(http.hasGoodEstimate, false);
    assert.deepEqual(http.estimate(), {
      bytesPerSec: HTTP_ESTIMATOR_DEFAULTS.defaultBytesPerSec,
      ttfbMs: HTTP_ESTIMATOR_DEFAULTS.defaultTtfbMs,
    });
  });
});

describe('playerBandwidthEstimateBps', () => {
  function httpAt(bytesPerSec: number): HttpEstimator {
    const http = new HttpEstimator();
    feed(http, { bytes: bytesPerSec, durationMs: 1_100, ttfbMs: 100 }, 5);
    return http;
  }

  /** A P2P estimator measured at `bytesPerSec`, with 20 samples of 20,000+ bytes (past minTotalBytes). */
  function p2pAt(bytesPerSec: number): P2PEstimator {
    const p2p = new P2PEstimator();
    const bytes = Math.max(bytesPerSec, 20_000);
    feed(p2p, { bytes, durationMs: (bytes / bytesPerSec) * 1000 }, 20);
    return p2p;
  }

  test('is the HTTP estimate in bits per second', () => {
    assertClose(playerBandwidthEstimateBps(httpAt(MB), new P2PEstimator()), 8 * MB);
  });

  test('fast peers never raise it above what HTTP alone sustains (peers may vanish)', () => {
    const p2p = p2pAt(10 * MB);
    assertClose(p2p.estimate().bytesPerSec, 10 * MB);
    assertClose(playerBandwidthEstimateBps(httpAt(MB), p2p), 8 * MB);
  });

  test('a slow peer never lowers it (the scheduler completes slow peer downloads over HTTP)', () => {
    const p2p = p2pAt(10_000);
    assertClose(p2p.estimate().bytesPerSec, 10_000);
    assertClose(playerBandwidthEstimateBps(httpAt(MB), p2p), 8 * MB);
  });

  test('with no HTTP samples yet, the HTTP default, however fast the peers', () => {
    assertClose(
      playerBandwidthEstimateBps(new HttpEstimator(), p2pAt(10 * MB)),
      8 * HTTP_ESTIMATOR_DEFAULTS.defaultBytesPerSec,
    );
  });
});
