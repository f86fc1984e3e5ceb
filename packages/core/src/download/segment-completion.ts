/**
 * The checks a segment passes once every byte is here, before it is stored and handed over. With an
 * integrity entry, the whole segment's hash (every block matched already: this checks the manifest's own
 * consistency). Without one, our commitment (the segment's SHA-256) and, when peers sent any of it, the
 * holders' commitments (`judgeCommitments`): rejected, proven liars are dropped, every sender is put on
 * probation and the whole segment must come from the origin, whose copy then settles who lied.
 */
import type { CommitmentContext } from '../commitments/commitment-context';
import { judgeCommitments, type AssembledSegment } from '../commitments/segment-commitments';
import { ShoalError } from '../errors';
import type { BlockVerifier } from './block-verifier';

export type CompletionVerdict =
  /** Store it; `digest` is our commitment to it (the manifest's, else the one computed; none without either). */
  | { kind: 'store'; digest: string | undefined }
  /** The peers' copy was rejected: fetch the whole segment from the origin. */
  | { kind: 'refetch' }
  | { kind: 'fail'; error: ShoalError };

/** A segment with every byte here, as its download knows it. */
export interface CompletedSegment extends Omit<AssembledSegment, 'digestBase64'> {
  url: string;
  bytes: Uint8Array;
}

/** The verdict on a completed segment; undefined when the download stopped while it was being checked. */
export async function checkCompletedSegment(
  segment: CompletedSegment,
  verifier: BlockVerifier | undefined,
  commitments: CommitmentContext | undefined,
  isStopped: () => boolean,
): Promise<CompletionVerdict | undefined> {
  const { url, bytes, ...assembled } = segment;
  if (verifier) {
    const whole = await verifier.verifyWhole(bytes);
    if (isStopped()) return undefined;
    if (!whole) return { kind: 'fail', error: integrityMismatch(`${url}: the whole segment does not match the integrity manifest`) };
    return { kind: 'store', digest: verifier.entry.sha256 };
  }
  if (isStopped()) return undefined;
  if (!commitments) return { kind: 'store', digest: undefined };
  const digest = await commitments.sha256(bytes).catch(() => undefined);
  if (isStopped()) return undefined;
  if (digest === undefined) return { kind: 'store', digest };
  return judgeCommitments(commitments, { ...assembled, digestBase64: digest }) === 'accept' ? { kind: 'store', digest } : { kind: 'refetch' };
}

export function integrityMismatch(message: string): ShoalError {
  return new ShoalError('integrity-mismatch', message, { source: 'http', fatal: true });
}
