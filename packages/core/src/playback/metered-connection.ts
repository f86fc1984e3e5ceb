/**
 * Uploads off by default on a metered connection. What the browser says of the network
 * (`navigator.connection`, Network Information API: Chromium-based browsers) is passed in by the host as
 * `ShoalPlatform.connection`; core never reads the browser global itself.
 */
import type { ShoalConfig } from '../config';

/** The part of `NetworkInformation` read here. Both fields may be missing (most browsers lack the API). */
export interface NetworkConnectionLike {
  /** The user asked for reduced data use (the `Save-Data` setting). */
  readonly saveData?: boolean;
  /** `'cellular'`, `'wifi'`, `'ethernet'`… (Chrome on Android). */
  readonly type?: string;
}

/** Metered, as far as the browser says: data saving on, or a cellular link. Unknown is not metered. */
export function isMeteredConnection(connection: NetworkConnectionLike | undefined): boolean {
  return connection?.saveData === true || connection?.type === 'cellular';
}

/**
 * The site's config with `uploadEnabled: false` added when the connection is metered and the site left
 * `uploadEnabled` unset; a site that sets it (true or false) decides.
 */
export function withMeteredDefaults(
  config: Partial<ShoalConfig>,
  connection: NetworkConnectionLike | undefined,
): Partial<ShoalConfig> {
  if (config.uploadEnabled !== undefined || !isMeteredConnection(connection)) return config;
  return { ...config, uploadEnabled: false };
}
