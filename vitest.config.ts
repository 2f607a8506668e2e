import { readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import SlowestFirstSequencer from './test/support/sequencer.ts';

/**
 * Unit test files that need a process of their own: they set the log level or other variables
 * before importing the module that reads them, stub the environment, or reload modules. Every other
 * unit test file is pure (in-memory fakes, no environment) and runs in a worker shared with other
 * unit files, so the libraries they import are loaded once per worker instead of once per file.
 */
export const ISOLATED_UNIT_TESTS = [
  'test/unit/middleware/',
  'test/unit/tracing.test.ts',
  'test/unit/emf-metrics.test.ts',
  'test/unit/test-keys-without-simulator.test.ts',
  'test/unit/use-cases/answer-call.test.ts',
];

/** A path of ISOLATED_UNIT_TESTS as an `include` glob: a directory stands for every file under it. */
const asGlob = (path: string) => (path.endsWith('/') ? `${path}**/*.test.ts` : path);

/** The unit test files that share workers: every file under test/unit but those above. */
export const SHARED_UNIT_TESTS = (readdirSync(new URL('./test/unit', import.meta.url), { recursive: true }) as string[])
  .map((file) => `test/unit/${file.replaceAll('\\', '/')}`)
  .filter((file) => file.endsWith('.test.ts') && !ISOLATED_UNIT_TESTS.some((prefix) => file.startsWith(prefix)))
  .sort();

const common = {
  // Child processes: an `isolate`d file gets one of its own; the files of a project with
  // `isolate: false` take turns in a few, each reused from file to file.
  pool: 'forks',
  // Hang guards, not timing claims: a loaded 2-core machine (two suites at once) takes minutes
  // to bundle every function or synthesize the app, and no test asserts how long anything took.
  testTimeout: 180_000,
  hookTimeout: 600_000,
  env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'SILENT' },
} as const;

export default defineConfig({
  test: {
    // Most files wait on emulators and simulated phone calls, not on the CPU: three at a time
    // keep a 2-core machine busy (docs/testing.md).
    maxWorkers: 3,
    // The slowest files first, so that none of them starts last and runs alone.
    sequence: { sequencer: SlowestFirstSequencer },
    projects: [
      { test: { ...common, name: 'unit', include: SHARED_UNIT_TESTS, isolate: false } },
      { test: { ...common, name: 'isolated', include: ISOLATED_UNIT_TESTS.map(asGlob) } },
      {
        test: {
          ...common,
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**'],
          // Files share worker processes; each starts with the worker's first environment and
          // fresh project modules (test/support/fresh-modules.ts), and its stacks stopped after it.
          isolate: false,
          setupFiles: ['test/support/fresh-modules.ts'],
          // One in-memory DynamoDB Local and one moto for the run, and the handler bundles' directory.
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
