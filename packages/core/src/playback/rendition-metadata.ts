/** Rendition metadata as adapters hand it to the engine. */
import type { RenditionMetadata } from '../types';

/**
 * `metadata` without its absent (undefined) fields, so the metadata of one rendition compares, serialises
 * and logs alike whichever player read it.
 */
export function compactMetadata(metadata: RenditionMetadata): RenditionMetadata {
  return Object.fromEntries(Object.entries(metadata).filter(([, value]) => value !== undefined)) as RenditionMetadata;
}
