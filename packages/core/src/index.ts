/** `@shoal/core`: the public surface. Adapters import only from here. */
export { ShoalEngine } from './engine';
export type {
  ShoalPlatform,
  StreamsDescription,
  RenditionDescription,
  SegmentDescription,
  PlaybackState,
  LoadSegmentOptions,
  LoadSegmentResult,
  ShoalStats,
} from './engine';
export { DEFAULT_CONFIG, mergeConfig } from './config';
export type { ShoalConfig } from './config';
export { ShoalError, isShoalError } from './errors';
export type { ShoalErrorCode, ShoalErrorSource } from './errors';
export type { ShoalEvents, SegmentLoadedEvent, SegmentSource } from './events';
export type { SuspectReason } from './commitments/commitment-context';
export type { ByteRange, Segment, SegmentKey, RenditionMetadata } from './types';
export type { Clock, TimerHandle } from './clock/clock';
export { systemClock } from './clock/system-clock';
export type { Transport, TransportEvents } from './transport/transport';
export type { TrackerClient, TrackerClientOptions, TrackerClientEvents } from './tracker/tracker-client';
export type { SegmentStorage, StoredSegmentInfo, PlaybackContext } from './storage/segment-storage';
export { MemoryStorage } from './storage/memory-storage';
export type { MemoryStorageOptions } from './storage/memory-storage';
export { IndexedDbSegmentStorage, DEFAULT_INDEXEDDB_NAME } from './storage/indexeddb-storage';
export type { IndexedDbSegmentStorageOptions } from './storage/indexeddb-storage';
export type { OpenPersistentStorage, PersistentStorageOptions } from './storage/segment-storage';
export { WebTorrentTrackerClient } from './tracker/webtorrent-tracker-client';
export { swarmIdFromManifestUrl, infoHashFromSwarmId, renditionIdOf, createPeerId, SWARM_ID_IGNORED_PARAMS } from './swarm/swarm-identity';
export type { SwarmIdOptions } from './swarm/swarm-identity';
export { PROTOCOL_VERSION, MAX_MESSAGE_BYTES, BLOCK_BYTES } from './wire/messages';
export { SimplePeerTransport } from './transport/simple-peer-transport';
export { mediaPlayback, bufferedUntilSec, PLAYBACK_EVENTS } from './playback/media-element';
export type { MediaElementLike, TimeRangesLike, MediaPlayback } from './playback/media-element';
export { destroyOnPageHide, estimateHttpTransfer } from './playback/page-lifecycle';
export type { EstimatedHttpTransfer, HttpEstimates } from './playback/page-lifecycle';
export { PlaybackFeed } from './playback/playback-feed';
export type { PlaybackFeedOptions } from './playback/playback-feed';
export { attachLifecycle, INACTIVE_ATTACHMENT } from './playback/player-attachment';
export { isMeteredConnection, withMeteredDefaults } from './playback/metered-connection';
export type { NetworkConnectionLike } from './playback/metered-connection';
export type { PlayerAttachment } from './playback/player-attachment';
export { isShoalActive, isOriginFailure } from './playback/loader-handoff';
export type { P2pSwitch } from './playback/loader-handoff';
export { compactMetadata } from './playback/rendition-metadata';
