/**
 * `@shoal/core/integrity`: the publisher tools of the integrity manifest (`INTEGRITY.md`), Node-only (they
 * hash with `node:crypto` and read files). Apart from `@shoal/core/node` so that an origin or a packager
 * using them loads no WebRTC. Never import this from browser code.
 */
export {
  createIntegrityManifest,
  writeIntegrityManifest,
  integritySegmentOf,
  integrityManifestOf,
  LiveIntegrityManifest,
  runIntegrityCli,
  INTEGRITY_FILE_SUFFIX,
  DEFAULT_LIVE_INTEGRITY_SEGMENTS,
} from './integrity/manifest-builder';
export type { CreatedIntegrityManifest, LiveIntegrityManifestOptions } from './integrity/manifest-builder';
export type { IntegrityManifestJson, IntegritySegmentJson } from './integrity/integrity-manifest';
export { INTEGRITY_MANIFEST_VERSION } from './integrity/integrity-manifest';
