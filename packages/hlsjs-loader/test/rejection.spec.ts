/// <reference types="mocha" />
/**
 * The player's verdict (issue 16, requirement 2): hls.js errors that mean "these bytes do not parse or
 * append" are reported to the engine for the fragment they name (`engine.reportRejected`); other errors
 * are not. A real hls.js with the demo playlist parsed; the errors are raised through hls.js's own
 * event bus, as its demuxer and buffer controller raise them.
 */
import Hls, { ErrorDetails, ErrorTypes } from 'hls.js';
import type { SegmentKey, ShoalEngine } from '@shoal/core';
import { attachShoal, shoalHlsConfig } from '../src/index';
import { assertEqual } from './support/assert';
import { createSpiedEngine } from './support/engine';
import { loadLevelDetails, MEDIA } from './support/player';

describe('hls.js parsing and append errors reach engine.reportRejected', () => {
  let hls: Hls;
  let engine: ShoalEngine;

  afterEach(() => {
    hls?.destroy();
    engine?.destroy();
  });

  it('FRAG_PARSING_ERROR and BUFFER_APPEND_ERROR report their fragment; a load error does not', async () => {
    engine = createSpiedEngine().engine;
    const reported: SegmentKey[] = [];
    engine.reportRejected = (key) => {
      reported.push({ renditionId: key.renditionId, segmentId: key.segmentId });
      return false;
    };
    hls = new Hls({ ...shoalHlsConfig(engine) });
    attachShoal(hls, engine);
    const details = await loadLevelDetails(hls, MEDIA.ts);
    const [first, second] = [details.fragments[0]!, details.fragments[1]!];
    const raise = (type: ErrorTypes, detail: ErrorDetails, frag: typeof first): void => {
      hls.trigger(Hls.Events.ERROR, { type, details: detail, fatal: false, error: new Error(detail), frag });
    };
    raise(ErrorTypes.MEDIA_ERROR, ErrorDetails.FRAG_PARSING_ERROR, first);
    raise(ErrorTypes.MEDIA_ERROR, ErrorDetails.BUFFER_APPEND_ERROR, second);
    raise(ErrorTypes.NETWORK_ERROR, ErrorDetails.FRAG_LOAD_ERROR, second);
    assertEqual(reported.length, 2, `reported ${JSON.stringify(reported)}`);
    assertEqual(reported[0]!.segmentId, first.sn as number, 'the parsing error names the first fragment');
    assertEqual(reported[1]!.segmentId, second.sn as number, 'the append error names the second');
    assertEqual(typeof reported[0]!.renditionId, 'string', 'the level maps to a rendition id');
  });
});
