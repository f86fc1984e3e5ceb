/** Node-only additions to `@shoal/core`. Never import this from browser code. */
export { installNodeEndOfCandidatesFix } from './transport/node-wrtc';
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
