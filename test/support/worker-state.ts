import { vi } from 'vitest';

/**
 * Kept on the process, not in this module: the reset below makes this module itself evaluate
 * again within the same file (once for the setup file, once more for the test file's imports).
 */
const state = globalThis as typeof globalThis & {
  __workerEnvironment?: Record<string, string | undefined>;
  __runningStacks?: Set<() => Promise<void>>;
};
state.__runningStacks ??= new Set();
const running = state.__runningStacks;

/**
 * Puts a shared worker process back, as far as the project's code can tell, as a new one would be
 * for the next test file: the environment the worker started with (variables added since are
 * removed, changed ones restored; vitest's own are left to vitest),
 * and the project's own modules to be evaluated afresh on their next import, so that the
 * composition roots (functions/handlers/composition/*), which read the environment once at import
 * as they do at a Lambda cold start, read this file's. The libraries in node_modules are not
 * evaluated again: loading them once per worker instead of once per file is what sharing saves.
 * The first call in a worker records its environment. State outside the project's modules
 * (globalThis, a library's prototype, process listeners) is not put back: code that keeps some
 * finds it again when evaluated afresh (local/lambda-context.ts, local/emulators.ts) or undoes it
 * after its file (bench/request-counter.ts, through request-counting.ts).
 */
export function startAsNewWorker(): void {
  state.__workerEnvironment ??= workerEnvironment();
  const initial = state.__workerEnvironment;
  for (const name of Object.keys(workerEnvironment())) if (!(name in initial)) delete process.env[name];
  Object.assign(process.env, initial);
  vi.resetModules();
}

/** The environment but vitest's own variables (VITEST_WORKER_ID and the like), which vitest keeps current itself. */
export function workerEnvironment(): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST')));
}

/** The environment the worker started with (as workerEnvironment), once startAsNewWorker has run in it. */
export function firstWorkerEnvironment(): Record<string, string | undefined> | undefined {
  return state.__workerEnvironment;
}

/**
 * Records a running local stack; returns what its `stop` must call once it has stopped. Until
 * then, `stopLeftoverStacks` stops it.
 */
export function trackStack(stop: () => Promise<void>): () => void {
  running.add(stop);
  return () => running.delete(stop);
}

/**
 * Stops every local stack a test file started and did not stop: run after each file that shares
 * its worker (fresh-modules.ts), so that no poller or timer of one file keeps working, and keeps
 * the emulators busy, while the next file runs.
 */
export async function stopLeftoverStacks(): Promise<void> {
  await Promise.all([...running].map((stop) => stop()));
}
