/** Request paths as paths inside a served folder. */
import { posix } from 'node:path';

/** Relative path inside the media folder, or undefined when it tries to leave it. */
export function safeRelativePath(raw: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const normalized = posix.normalize(decoded).replace(/^\/+/, '');
  if (normalized === '' || normalized === '.' || normalized.startsWith('..')) return undefined;
  return normalized;
}
