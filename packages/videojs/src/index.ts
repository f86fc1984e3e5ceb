/**
 * `@shoal/videojs`: Shoal in video.js 8, through hls.js: a source handler for HLS sources.
 *
 *   registerShoalSourceHandler(videojs, { Hls, createEngine: () => new ShoalEngine({ trackerUrls }) });
 *   videojs('my-video').src({ src: manifestUrl, type: 'application/x-mpegURL' });
 */
export { registerShoalSourceHandler, shoalSessionOf } from './source-handler';
export type {
  ShoalSourceHandlerOptions,
  ShoalSourceHandlerRegistration,
  ShoalVideojsSession,
  VideojsLike,
  VideojsPlayerLike,
  VideojsSource,
  VideojsSourceHandler,
  VideojsTechLike,
} from './source-handler';
