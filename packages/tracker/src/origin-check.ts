/** The page-origin allow-list, checked on the WebSocket upgrade's `Origin` header. */
import type { RejectionReason } from './errors.js';

export interface OriginPolicy {
  /** Lower-case origins; `null` admits every origin. */
  allowedOrigins: ReadonlySet<string> | null;
  allowMissingOrigin: boolean;
}

/** `null` when the upgrade may proceed, else why not. */
export function checkOrigin(originHeader: string | undefined, policy: OriginPolicy): RejectionReason | null {
  if (originHeader === undefined || originHeader === '') return policy.allowMissingOrigin ? null : 'missing-origin';
  if (policy.allowedOrigins === null) return null;
  return policy.allowedOrigins.has(originHeader.toLowerCase()) ? null : 'origin';
}
