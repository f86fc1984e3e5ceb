/// <reference types="mocha" />
/**
 * Shaka's verdict (issue 16, requirement 2): an `error` event that names a segment Shaka could not append,
 * transmux or transform is reported to the engine for that segment (`engine.reportRejected`); other errors,
 * and URIs the engine never served, are not. Real Shaka Player with the demo DASH media; the errors are
 * dispatched as Shaka's player dispatches them (a `FakeEvent` whose `detail` is a `shaka.util.Error`).
 */
import type { SegmentKey } from '@shoal/core';
import shaka from 'shaka-player';
import { attachShoal, registerShoal } from '../src/index';
import { waitUntil } from '../../core/test/support/wait';
import { assert, createEngine, newPlayer, newVideo } from './support/page';

const DASH_URL = '/base/demo/media/dash/manifest.mpd';

describe('Shaka append and transmux errors reach engine.reportRejected', () => {
  before(() => {
    shaka.polyfill.installAll();
    registerShoal(shaka);
  });

  it('MEDIA_SOURCE_OPERATION_FAILED / _THREW and TRANSMUXING_FAILED report their segment; other errors do not', async () => {
    const { engine, loads } = createEngine();
    const reported: SegmentKey[] = [];
    engine.reportRejected = (key) => {
      reported.push({ renditionId: key.renditionId, segmentId: key.segmentId });
      return false;
    };
    const video = newVideo();
    const { player } = newPlayer(video);
    const shoal = attachShoal(player, engine);
    try {
      await player.load(DASH_URL);
      await waitUntil(() => loads.length >= 2, 'two media segments through the engine');
      const [first, second] = [loads[0]!, loads[1]!];
      const { Severity, Category, Code } = shaka.util.Error;
      const raise = (code: number, ...data: unknown[]): void => {
        const error = new shaka.util.Error(Severity.RECOVERABLE, Category.MEDIA, code, ...data);
        player.dispatchEvent(new shaka.util.FakeEvent('error', new Map<string, object>([['detail', error]])));
      };
      raise(Code.MEDIA_SOURCE_OPERATION_FAILED, 3, first.url);
      raise(Code.MEDIA_SOURCE_OPERATION_THREW, new Error('append'), 'details', second.url);
      raise(Code.TRANSMUXING_FAILED, first.url);
      raise(Code.VIDEO_ERROR, 3, '', 'decode'); // names no segment
      raise(Code.MEDIA_SOURCE_OPERATION_FAILED, 3, 'https://elsewhere.test/never-served.m4s');
      assert(reported.length === 3, `reported ${JSON.stringify(reported)}`);
      assert(reported[0]!.segmentId === first.segmentId && reported[0]!.renditionId === first.renditionId, 'the failed append names the first segment');
      assert(reported[1]!.segmentId === second.segmentId && reported[1]!.renditionId === second.renditionId, 'the thrown append names the second');
      assert(reported[2]!.segmentId === first.segmentId, 'the transmux failure names the first');
    } finally {
      shoal.destroy();
      await player.destroy();
      engine.destroy();
      video.remove();
    }
  });
});
