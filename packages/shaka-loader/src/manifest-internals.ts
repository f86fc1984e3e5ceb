/**
 * Every read of Shaka's internal manifest structure, in one place. `player.getManifest()` is public but its
 * result is "NOT covered by semantic versioning" (Shaka logs that warning on each call), and Shaka's public
 * track API (`getVariantTracks()`) gives neither the segment index nor the attributes rendition ids need.
 * Used: `manifest.variants[]`, each variant's `bandwidth`, `video`, `audio`; each stream's `id`, `type`,
 * `bandwidth`, `codecs`, `width`, `height`, `language`, `originalId`, `groupId`, `label`,
 * `isAudioMuxedInVideo` (see `rendition.ts`), and `segmentIndex` (iterable of `SegmentReference`, built by
 * Shaka when it first needs a stream).
 * Checked against shaka-player 4.4.3, 4.16.50 and 5.2.12 (the karma specs run against 4.16 and 5.2).
 */
import type { ShakaPlayer, ShakaSegmentReference, ShakaStream, ShakaVariant } from './shaka';

/** The variants of the loaded manifest, or undefined before one is loaded. */
export function manifestVariants(player: ShakaPlayer): readonly ShakaVariant[] | undefined {
  return player.getManifest()?.variants;
}

/** The references a stream's segment index holds now, or undefined when Shaka has not built it yet. */
export function segmentReferences(stream: ShakaStream): Iterable<ShakaSegmentReference | null> | undefined {
  return stream.segmentIndex ?? undefined;
}
