/**
 * Keeps the engine told what hls.js knows: the stream's renditions (manifest), their segment lists
 * (every playlist load, live refreshes included), which renditions are loading and playing (level and
 * audio track switches), and the playback state (media element events, through core's `PlaybackFeed`).
 * Reads hls.js events only; its loaders never see this.
 */
import { PlaybackFeed, type MediaElementLike, type RenditionDescription, type ShoalEngine } from '@shoal/core';
import type Hls from 'hls.js';
import type {
  AudioTrackLoadedData,
  AudioTrackSwitchedData,
  AudioTrackSwitchingData,
  ErrorData,
  LevelLoadedData,
  LevelSwitchedData,
  LevelSwitchingData,
  ManifestLoadingData,
  MediaAttachedData,
} from 'hls.js';
import { HlsEvents, HlsRejectionDetails } from './hls-events';
import { audioTrackMetadata, audioTrackRenditionId, fragmentRenditionId, levelMetadata, levelRenditionId } from './rendition';
import { segmentDescriptions } from './segments';

export class EngineFeed {
  private readonly playback: PlaybackFeed;
  /** The level hls.js loads fragments of (LEVEL_SWITCHING) and the one on screen (LEVEL_SWITCHED). */
  private loadingLevel: string | undefined;
  private playingLevel: string | undefined;
  private audioTrack: string | undefined;

  constructor(
    private readonly hls: Hls,
    engine: ShoalEngine,
  ) {
    this.playback = new PlaybackFeed({
      engine,
      holeToleranceSec: () => hls.config.maxBufferHole,
      activeRenditions: () => [this.loadingLevel, this.playingLevel, this.audioTrack],
      onDestroy: () => this.stopListening(),
    });
    hls.on(HlsEvents.MANIFEST_LOADING, this.onManifestLoading, this);
    hls.on(HlsEvents.MANIFEST_PARSED, this.describeStreams, this);
    hls.on(HlsEvents.AUDIO_TRACKS_UPDATED, this.describeStreams, this);
    hls.on(HlsEvents.LEVEL_LOADED, this.onLevelLoaded, this);
    hls.on(HlsEvents.AUDIO_TRACK_LOADED, this.onAudioTrackLoaded, this);
    hls.on(HlsEvents.LEVEL_SWITCHING, this.onLevelSwitching, this);
    hls.on(HlsEvents.LEVEL_SWITCHED, this.onLevelSwitched, this);
    hls.on(HlsEvents.AUDIO_TRACK_SWITCHING, this.onAudioTrackSwitch, this);
    hls.on(HlsEvents.AUDIO_TRACK_SWITCHED, this.onAudioTrackSwitch, this);
    hls.on(HlsEvents.MEDIA_ATTACHED, this.onMediaAttached, this);
    hls.on(HlsEvents.MEDIA_DETACHING, this.onMediaDetaching, this);
    hls.on(HlsEvents.DESTROYING, this.destroy, this);
    hls.on(HlsEvents.ERROR, this.onError, this);
    this.catchUp();
  }

  /** Stop listening to hls.js and the media element. Idempotent; hls.js's DESTROYING calls it too. */
  destroy(): void {
    this.playback.destroy();
  }

  /** The feed's own teardown, run once by `PlaybackFeed.destroy()`. */
  private stopListening(): void {
    const hls = this.hls;
    hls.off(HlsEvents.MANIFEST_LOADING, this.onManifestLoading, this);
    hls.off(HlsEvents.MANIFEST_PARSED, this.describeStreams, this);
    hls.off(HlsEvents.AUDIO_TRACKS_UPDATED, this.describeStreams, this);
    hls.off(HlsEvents.LEVEL_LOADED, this.onLevelLoaded, this);
    hls.off(HlsEvents.AUDIO_TRACK_LOADED, this.onAudioTrackLoaded, this);
    hls.off(HlsEvents.LEVEL_SWITCHING, this.onLevelSwitching, this);
    hls.off(HlsEvents.LEVEL_SWITCHED, this.onLevelSwitched, this);
    hls.off(HlsEvents.AUDIO_TRACK_SWITCHING, this.onAudioTrackSwitch, this);
    hls.off(HlsEvents.AUDIO_TRACK_SWITCHED, this.onAudioTrackSwitch, this);
    hls.off(HlsEvents.MEDIA_ATTACHED, this.onMediaAttached, this);
    hls.off(HlsEvents.MEDIA_DETACHING, this.onMediaDetaching, this);
    hls.off(HlsEvents.DESTROYING, this.destroy, this);
    hls.off(HlsEvents.ERROR, this.onError, this);
  }

  /** Attached after `loadSource` or `attachMedia`: tell the engine what hls.js already has. */
  private catchUp(): void {
    const hls = this.hls;
    if (hls.levels.length === 0) {
      if (hls.url) this.joinSwarm(hls.url);
      return;
    }
    this.describeStreams();
    for (const level of hls.levels) {
      if (level.details) this.updateStream(levelRenditionId(level), level.details);
    }
    for (const track of hls.audioTracks) {
      const id = audioTrackRenditionId(track);
      if (id && track.details) this.updateStream(id, track.details);
    }
    const loading = hls.levels[hls.loadLevel];
    const playing = hls.levels[hls.currentLevel];
    const audio = hls.audioTracks[hls.audioTrack];
    this.loadingLevel = loading && levelRenditionId(loading);
    this.playingLevel = playing && levelRenditionId(playing);
    this.audioTrack = audio && audioTrackRenditionId(audio);
    this.playback.setMedia((hls.media as MediaElementLike | null) ?? null);
  }

  /**
   * The manifest URL is all the engine needs to join the swarm: joining now rather than once the manifest
   * is parsed gives the tracker and the first peer connections the manifest and playlist round trips to
   * come up, so a joining viewer's first segments can come from peers instead of the origin.
   */
  private onManifestLoading(_event: string, data: ManifestLoadingData): void {
    this.joinSwarm(data.url);
  }

  private joinSwarm(manifestUrl: string): void {
    this.playback.toEngine((engine) => engine.setStreams({ manifestUrl }));
  }

  private describeStreams(): void {
    const manifestUrl = this.hls.url;
    if (!manifestUrl) return;
    const renditions: RenditionDescription[] = this.hls.levels.map((level) => ({ metadata: levelMetadata(level) }));
    for (const track of this.hls.audioTracks) {
      if (track.url) renditions.push({ metadata: audioTrackMetadata(track) });
    }
    this.playback.toEngine((engine) => engine.setStreams({ manifestUrl, renditions }));
  }

  private onLevelLoaded(_event: string, data: LevelLoadedData): void {
    const level = data.levelInfo ?? this.hls.levels[data.level];
    if (level) this.updateStream(levelRenditionId(level), data.details);
  }

  private onAudioTrackLoaded(_event: string, data: AudioTrackLoadedData): void {
    const track = data.track ?? this.hls.audioTracks[data.id];
    const id = track && audioTrackRenditionId(track);
    if (id) this.updateStream(id, data.details);
  }

  private updateStream(renditionId: string, details: LevelLoadedData['details']): void {
    const segments = segmentDescriptions(details.fragments);
    this.playback.toEngine((engine) => engine.updateStream(renditionId, segments, { live: details.live }));
  }

  /**
   * hls.js could not parse or append a fragment: if peers delivered it, the engine drops its copy, blames
   * those peers and serves hls.js's retry from the origin (`engine.reportRejected`). hls.js's own error
   * handling (retry, level switch) runs as usual.
   */
  private onError(_event: string, data: ErrorData): void {
    const frag = data.frag;
    if (!HlsRejectionDetails.has(data.details) || !frag || typeof frag.sn !== 'number') return;
    const renditionId = fragmentRenditionId(this.hls, frag);
    if (renditionId === undefined) return;
    const segmentId = frag.sn;
    this.playback.toEngine((engine) => void engine.reportRejected({ renditionId, segmentId }));
  }

  private onLevelSwitching(_event: string, data: LevelSwitchingData): void {
    this.loadingLevel = levelRenditionId(data);
    this.playback.report();
  }

  private onLevelSwitched(_event: string, data: LevelSwitchedData): void {
    const level = this.hls.levels[data.level];
    this.playingLevel = level && levelRenditionId(level);
    this.playback.report();
  }

  private onAudioTrackSwitch(_event: string, data: AudioTrackSwitchingData | AudioTrackSwitchedData): void {
    this.audioTrack = audioTrackRenditionId(data);
    this.playback.report();
  }

  private onMediaAttached(_event: string, data: MediaAttachedData): void {
    this.playback.setMedia(data.media as MediaElementLike);
  }

  private onMediaDetaching(): void {
    this.playback.setMedia(null);
  }
}
