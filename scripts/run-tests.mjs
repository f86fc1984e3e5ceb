// Runs every test file (`*.test.ts` under packages/*/test, demo/test and test/) with Node's test runner and tsx.
// Usage: node scripts/run-tests.mjs [filter-substring...] [--exclude=substring...] [--tier=unit|network]
// `--tier` keeps one tier (scripts/test-tiers.mjs); `--tier=unit` also loads scripts/unit-tier-guard.mjs into
// every process, so a unit-tier test that reaches for the network fails; other runs load
// scripts/blocking-report-pipe.mjs (see --test-force-exit below).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tierOf } from './test-tiers.mjs';

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
    else if (name.endsWith('.test.ts')) out.push(relative(root, path).split(sep).join('/'));
  }
  return out;
}

const args = process.argv.slice(2);
const excludes = args.filter((a) => a.startsWith('--exclude=')).map((a) => a.slice('--exclude='.length));
const tiers = args.filter((a) => a.startsWith('--tier=')).map((a) => a.slice('--tier='.length));
if (tiers.some((t) => t !== 'unit' && t !== 'network')) {
  console.error(`run-tests: --tier is unit or network, got ${tiers.join(', ')}`);
  process.exit(1);
}
const filters = args.filter((a) => !a.startsWith('--exclude=') && !a.startsWith('--tier='));
const packages = readdirSync(join(root, 'packages')).map((p) => join(root, 'packages', p, 'test'));
let files = [...packages, join(root, 'demo', 'test'), join(root, 'test')].flatMap(findTests).sort();
if (filters.length) files = files.filter((f) => filters.some((s) => f.includes(s)));
files = files.filter((f) => !excludes.some((s) => f.includes(s)));
if (tiers.length) files = files.filter((f) => tiers.includes(tierOf(f)));
if (files.length === 0) {
  console.error('run-tests: no test files matched');
  process.exit(1);
}
const unitOnly = tiers.length === 1 && tiers[0] === 'unit';
// One file at a time (WebRTC tests share the namespace's ports and CPU), except the unit tier alone: its
// files share nothing (virtual clocks, loopback ports chosen by the OS), so they run one per core.
const concurrency = unitOnly ? availableParallelism() : 1;
// --test-force-exit (network tier): a test file whose tests are done exits even if a native WebRTC handle
// (a rare node-datachannel close stall) would keep it alive. That exit used to drop the file's last test
// reports still queued in its stdout pipe, and the runner reported fewer tests and no failure
// (nodejs/node#64833): scripts/blocking-report-pipe.mjs, preloaded with it, makes those writes blocking
// (measured: 4 of 8 runs of three scheduler and wire files lost 2–10 of their 183 tests without it, none
// of 8 with it). The unit tier does without the flag: its tests hold no native handles.
// --test-timeout bounds any single test (5 min).
const forceExit = unitOnly ? [] : ['--test-force-exit'];
const preloads = unitOnly ? ['unit-tier-guard.mjs'] : ['blocking-report-pipe.mjs'];
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...forceExit, '--test-timeout=300000', '--test-reporter=spec', ...files],
  { cwd: root, stdio: 'inherit', env: withPreloads(preloads) },
);
process.exit(result.status ?? 1);

/** The environment with scripts/<preloads> loaded into this run's processes and their children. */
function withPreloads(names) {
  const imports = names.map((name) => `--import=${pathToFileURL(join(root, 'scripts', name)).href}`);
  return { ...process.env, NODE_OPTIONS: [process.env.NODE_OPTIONS ?? '', ...imports].join(' ').trim() };
}
