#!/usr/bin/env node
/**
 * `npx @shoal/tracker --port 8000` (bin `shoal-tracker`): flags and environment (`cli-config.ts`), JSON
 * log lines on stdout, graceful shutdown on SIGTERM/SIGINT (a second signal exits at once).
 */
import { CLI_USAGE, parseCliConfig } from './cli-config.js';
import { startTracker } from './start-tracker.js';

async function main(): Promise<void> {
  let config;
  try {
    config = parseCliConfig(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`shoal-tracker: ${(error as Error).message}\n\n${CLI_USAGE}`);
    process.exit(2);
  }
  if (config.help) {
    console.log(CLI_USAGE);
    return;
  }
  const tracker = await startTracker(config.options);
  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(1);
    stopping = true;
    void tracker.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: Error) => {
  console.error(`shoal-tracker: ${error.message}`);
  process.exit(1);
});
