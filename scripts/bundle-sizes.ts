/**
 * `npm run bench:sizes` (and part of `npm run bench`): the size of every published package's browser
 * bundles, minified and gzipped (zlib level 9, like `gzip -9`): the ES module a bundler takes (the adapters'
 * leave `@shoal/core` and the player out) and the `<script>` build. Reads the built files: run
 * `npm run build` first.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { publishedPackages } from './published-packages';

const KIB = 1024;

function kib(bytes: number): string {
  return `${(bytes / KIB).toFixed(1)} KiB`;
}

const rows: string[][] = [['package', 'file', 'min', 'gzip']];
for (const pkg of publishedPackages()) {
  for (const file of [pkg.esmFile, pkg.scriptFile]) {
    if (!existsSync(file)) {
      console.error(`bundle-sizes: ${relative(pkg.dir, file)} of ${pkg.name} is missing: run \`npm run build\` first`);
      process.exit(1);
    }
    const bytes = readFileSync(file);
    rows.push([pkg.name, relative(pkg.dir, file), kib(bytes.length), kib(gzipSync(bytes, { level: 9 }).length)]);
  }
}
const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
console.log('Bundle sizes (minified; gzip -9):');
for (const row of rows) console.log(`  ${row.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')}`);
