#!/usr/bin/env node
// `npx shoal-integrity <folder-or-playlist>...`: writes <playlist>.integrity.json beside each playlist
// (see packages/core/INTEGRITY.md). The work is `runIntegrityCli` of `@shoal/core/integrity`.
import { runIntegrityCli } from '../dist/integrity.js';

process.exitCode = await runIntegrityCli(process.argv.slice(2));
