/**
 * The packages users install in pages (packages/* without `"private": true`, nor `"shoal": {"server": true}`) and the files their package.json
 * exports: the ES module bundlers load in a browser and the `<script>` build (the exported `*.min.js`,
 * scripts/webpack-script.cjs). Used by the bundle-size report and the packed-tarball consumer test.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface PublishedPackage {
  name: string;
  version: string;
  /** Absolute directory, e.g. /…/packages/core. */
  dir: string;
  /** Absolute path of `exports["."]`'s browser ES module (`import`). */
  esmFile: string;
  /** Absolute path of the exported `<script>` build. */
  scriptFile: string;
}

interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  /** `{ "server": true }`: a Node server package (`@shoal/tracker`), with no browser build to size or load. */
  shoal?: { server?: boolean };
  exports?: Record<string, string | Record<string, string>>;
}

export function publishedPackages(): PublishedPackage[] {
  const packagesDir = join(REPO_ROOT, 'packages');
  const found: PublishedPackage[] = [];
  for (const entry of readdirSync(packagesDir).sort()) {
    const dir = join(packagesDir, entry);
    const manifestPath = join(dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as PackageJson;
    if (manifest.private || manifest.shoal?.server) continue;
    const main = manifest.exports?.['.'];
    const esm = typeof main === 'string' ? main : main?.import;
    const script = Object.keys(manifest.exports ?? {}).find((key) => key.endsWith('.min.js'));
    if (!esm || !script) throw new Error(`${manifest.name}: package.json must export "." (import) and its <script> build (*.min.js)`);
    found.push({
      name: manifest.name,
      version: manifest.version,
      dir,
      esmFile: join(dir, esm),
      scriptFile: join(dir, script),
    });
  }
  return found;
}
