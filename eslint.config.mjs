// ESLint 9 flat config: `npm run lint` (`eslint .`), run by `npm test` right after the typecheck.
//
// Rule choice, first pass:
// - `recommended` (syntactic) from @eslint/js and typescript-eslint, not `recommendedTypeChecked`: the
//   type-checked set adds dozens of `no-unsafe-*` findings at every JSON, `as unknown` and third-party
//   boundary (bittorrent-tracker, simple-peer, player globals) whose fix is ceremony, not a bug found.
// - Plus the type-aware rules that catch real async bugs, each cheap in findings:
//   `no-floating-promises` (a rejection nobody handles: an unhandled rejection kills Node),
//   `no-misused-promises` (an async function where a void callback is expected: an event listener, a
//   `setTimeout` or an `http.createServer` handler whose rejection goes nowhere), `await-thenable`
//   (awaiting a non-promise usually means a missing call), `only-throw-error` (our errors are `ShoalError`
//   or at least `Error`, never a string), and `consistent-type-imports` (type-only imports erased
//   visibly, which keeps adapters' bundles from pulling in core modules for a type).
// - Type information comes from the two tsconfigs `npm run typecheck` uses: the root one (Node view of
//   every package, tests, scripts, bench) and demo/tsconfig.web.json (the demo pages, with the DOM lib).
//   A file in neither (plain JS: *.cjs / *.mjs configs and scripts) gets the JS rules only.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const typeAwareRules = {
  '@typescript-eslint/no-floating-promises': [
    'error',
    {
      // node:test's `test`/`describe`/`it` return a promise the runner itself awaits and reports.
      allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }],
    },
  ],
  '@typescript-eslint/no-misused-promises': 'error',
  '@typescript-eslint/await-thenable': 'error',
  '@typescript-eslint/only-throw-error': 'error',
};

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/',
      '**/dist/',
      '.bench/',
      'test-results/',
      'scratch/',
      // Generated media: `.ts` here is MPEG-TS, not TypeScript.
      'demo/media/**/*.ts',
      // Compiled by the packaging test against the packed tarballs, not this checkout's sources.
      'test/packaging/consumer-app/',
    ],
  },
  js.configs.recommended,
  {
    rules: {
      // A `let` read by a closure made before its one assignment (a request handler that serves a config
      // known only once the server listens) stays `let`: as a `const` an early read would throw.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: globals.node },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.json', './demo/tsconfig.web.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      ...typeAwareRules,
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // `_name` marks a parameter a signature needs but the body does not use.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
);
