// Runs every test file (`*.test.ts` under packages/*/test, demo/test and test/) with Node's test runner and tsx.
// Usage: node scripts/run-tests.mjs [filter-substring...] [--exclude=substring...]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function findTests(dir) {
  let out = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(findTests(path));
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const args = process.argv.slice(2);
const excludes = args.filter((a) => a.startsWith('--exclude=')).map((a) => a.slice('--exclude='.length));
const filters = args.filter((a) => !a.startsWith('--exclude='));
const packages = readdirSync(join(root, 'packages')).map((p) => join(root, 'packages', p, 'test'));
let files = [...packages, join(root, 'demo', 'test'), join(root, 'test')].flatMap(findTests).sort();
if (filters.length) files = files.filter((f) => filters.some((s) => f.includes(s)));
files = files.filter((f) => !excludes.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error('run-tests: no test files matched');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  // --test-force-exit: a test file whose tests are done exits even if a native WebRTC handle (a rare
  // node-datachannel close stall) would keep it alive; --test-timeout bounds any single test (5 min).
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-force-exit', '--test-timeout=300000', '--test-reporter=spec', ...files],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
