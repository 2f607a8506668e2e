import { defineConfig } from 'vitest/config';
import SlowestFirstSequencer from './test/support/sequencer.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Each test file runs in its own process, so each can run its own local stack.
    pool: 'forks',
    // Most files wait on emulators and simulated phone calls, not on the CPU: three at a time
    // keep a 2-core machine busy (docs/testing.md).
    maxWorkers: 3,
    // The slowest files first, so that none of them starts last and runs alone.
    sequence: { sequencer: SlowestFirstSequencer },
    // Hang guards, not timing claims: a loaded 2-core machine (two suites at once) takes minutes
    // to bundle every function or synthesize the app, and no test asserts how long anything took.
    testTimeout: 180_000,
    hookTimeout: 600_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'SILENT' },
  },
});
