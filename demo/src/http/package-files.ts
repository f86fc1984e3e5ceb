/**
 * Installed packages' `dist/` folders served the way a CDN serves npm packages, for pages that use only
 * script tags: `/npm/hls.js/dist/hls.min.js`, `/npm/@shoal/core/dist/shoal.min.js`, … (jsDelivr's
 * `https://cdn.jsdelivr.net/npm/<name>/dist/<file>` layout). Packages that are not installed are left out.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { StaticRoot } from './static-files';

/** The packages whose `dist/` the demo serves under `/npm/`. */
export const SCRIPT_PACKAGES = ['hls.js', 'shaka-player', 'video.js', '@shoal/core', '@shoal/hlsjs-loader', '@shoal/shaka-loader', '@shoal/videojs'] as const;

const require = createRequire(import.meta.url);

export function packageDistRoots(names: readonly string[] = SCRIPT_PACKAGES): StaticRoot[] {
  const roots: StaticRoot[] = [];
  for (const name of names) {
    let manifest: string;
    try {
      manifest = require.resolve(`${name}/package.json`);
    } catch {
      continue;
    }
    roots.push({ urlPrefix: `/npm/${name}/dist/`, dir: join(dirname(manifest), 'dist') });
  }
  return roots;
}
