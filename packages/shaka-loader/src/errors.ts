/**
 * Every failure the plugin reports is a `shaka.util.Error` in the NETWORK category, shaped as Shaka's own
 * `HttpFetchPlugin` shapes it (same severity, code and data order), so Shaka's retry logic and the
 * application's error handlers see what they would see without Shoal.
 */
import { isShoalError } from '@shoal/core';
import type { Shaka, ShakaError, ShakaRequestType } from './shaka';

export interface FailureContext {
  uri: string;
  requestType: ShakaRequestType;
}

/** Aborted by Shaka (seek, switch, destroy): `OPERATION_ABORTED` with data `[uri, requestType]`. */
export function abortedError(shaka: Shaka, { uri, requestType }: FailureContext): ShakaError {
  const { Severity, Category, Code } = shaka.util.Error;
  return new shaka.util.Error(Severity.RECOVERABLE, Category.NETWORK, Code.OPERATION_ABORTED, uri, requestType);
}

/**
 * A failed engine load as Shaka's fetch plugin would report it:
 * - `http-status` → `BAD_HTTP_STATUS`, data `[uri, status, responseText, headers, requestType, responseUri]`;
 * - `http-timeout` → `TIMEOUT`, data `[uri, requestType]`;
 * - `aborted` → `OPERATION_ABORTED`;
 * - anything else (`http-network`, `http-length-mismatch`; a non-origin failure, which the plugin hands to Shaka's own plugin
 *   instead and so never maps) → `HTTP_ERROR`, data `[uri, cause, requestType]`.
 */
export function toShakaError(shaka: Shaka, error: unknown, context: FailureContext): ShakaError {
  if (error instanceof shaka.util.Error) return error;
  const { Severity, Category, Code } = shaka.util.Error;
  const { uri, requestType } = context;
  if (isShoalError(error)) {
    switch (error.code) {
      case 'http-status':
        return new shaka.util.Error(
          Severity.RECOVERABLE,
          Category.NETWORK,
          Code.BAD_HTTP_STATUS,
          uri,
          error.status ?? 0,
          null,
          {},
          requestType,
          uri,
        );
      case 'http-timeout':
        return new shaka.util.Error(Severity.RECOVERABLE, Category.NETWORK, Code.TIMEOUT, uri, requestType);
      case 'aborted':
        return abortedError(shaka, context);
      default:
        break;
    }
  }
  return new shaka.util.Error(Severity.RECOVERABLE, Category.NETWORK, Code.HTTP_ERROR, uri, error, requestType);
}
