// Preloaded into the network tier's test processes (scripts/run-tests.mjs): each test file's process
// reports its results to the runner over its stdout, a pipe, whose writes are asynchronous on Linux. With
// --test-force-exit the process exits once its tests are done, and report frames still queued in the pipe
// are lost: the runner then counts fewer tests than ran and reports no failure (nodejs/node#64833; seen
// here as 77–82 of scheduler/policy.test.ts's 84 tests). Blocking writes are flushed before the exit.
const handle = process.stdout._handle;
if (handle && typeof handle.setBlocking === 'function') handle.setBlocking(true);
