/** A store's failure as the `storage:warning` the engine emits: a `ShoalError` as is, anything else wrapped. */
import { ShoalError } from '../errors';

/** `doing`: what failed, for the message ("Storing a segment", "Reading a stored segment"). */
export function storageFailure(error: unknown, doing: string): ShoalError {
  if (error instanceof ShoalError) return error;
  return new ShoalError('storage-failed', `${doing} failed: ${String(error)}`, { source: 'storage', cause: error });
}
