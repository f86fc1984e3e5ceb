/**
 * The hls.js event names the adapter listens to, as their string values. hls.js is imported for types
 * only, so the adapter works with whichever build the page uses (full, light, a `<script>` global) and
 * never pulls a second copy into a bundle. Each name is checked against hls.js's `Events` enum at
 * compile time: a misspelt or renamed event fails the build.
 */
import type { ErrorDetails, Events } from 'hls.js';

function hlsEvent<E extends Events>(name: `${E}`): E {
  return name as E;
}

export const HlsEvents = {
  MANIFEST_LOADING: hlsEvent<Events.MANIFEST_LOADING>('hlsManifestLoading'),
  MANIFEST_PARSED: hlsEvent<Events.MANIFEST_PARSED>('hlsManifestParsed'),
  AUDIO_TRACKS_UPDATED: hlsEvent<Events.AUDIO_TRACKS_UPDATED>('hlsAudioTracksUpdated'),
  LEVEL_LOADED: hlsEvent<Events.LEVEL_LOADED>('hlsLevelLoaded'),
  AUDIO_TRACK_LOADED: hlsEvent<Events.AUDIO_TRACK_LOADED>('hlsAudioTrackLoaded'),
  LEVEL_SWITCHING: hlsEvent<Events.LEVEL_SWITCHING>('hlsLevelSwitching'),
  LEVEL_SWITCHED: hlsEvent<Events.LEVEL_SWITCHED>('hlsLevelSwitched'),
  AUDIO_TRACK_SWITCHING: hlsEvent<Events.AUDIO_TRACK_SWITCHING>('hlsAudioTrackSwitching'),
  AUDIO_TRACK_SWITCHED: hlsEvent<Events.AUDIO_TRACK_SWITCHED>('hlsAudioTrackSwitched'),
  MEDIA_ATTACHED: hlsEvent<Events.MEDIA_ATTACHED>('hlsMediaAttached'),
  MEDIA_DETACHING: hlsEvent<Events.MEDIA_DETACHING>('hlsMediaDetaching'),
  DESTROYING: hlsEvent<Events.DESTROYING>('hlsDestroying'),
  ERROR: hlsEvent<Events.ERROR>('hlsError'),
} as const;

function hlsErrorDetail<D extends ErrorDetails>(name: `${D}`): D {
  return name as D;
}

/**
 * The hls.js errors that mean "the player refused a fragment's bytes" (demuxing failed, or the
 * SourceBuffer rejected them): reported to the engine (`reportRejected`), which refetches it over HTTP
 * if peers delivered it and puts those peers on probation.
 */
export const HlsRejectionDetails: ReadonlySet<string> = new Set<string>([
  hlsErrorDetail<ErrorDetails.FRAG_PARSING_ERROR>('fragParsingError'),
  hlsErrorDetail<ErrorDetails.BUFFER_APPEND_ERROR>('bufferAppendError'),
]);
