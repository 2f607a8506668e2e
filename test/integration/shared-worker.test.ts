import { InvokeStoreBase } from '@aws/lambda-invoke-store';
import { describe, expect, it, vi } from 'vitest';
import { startTestApi } from '../support/local-api.ts';
import { firstWorkerEnvironment, startAsNewWorker, stopLeftoverStacks } from '../support/worker-state.ts';

/**
 * This file's environment before anything of its own ran, its imports included (the local stack's
 * modules set a variable when evaluated); another file may have run in this worker before it.
 */
const environmentAtStart = vi.hoisted(() => ({ ...process.env }));

/** Runs `work`, then puts the worker back as a next file would find it, whatever `work` did. */
async function asIfTwoFiles(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } finally {
    startAsNewWorker();
  }
}

describe('test files that share a worker process (test/support/worker-state.ts, fresh-modules.ts)', () => {
  it('start with the environment the worker started with, whatever an earlier file set', () => {
    expect(firstWorkerEnvironment()).toBeDefined();
    const withoutVitest = Object.fromEntries(
      Object.entries(environmentAtStart).filter(([name]) => !name.startsWith('VITEST')),
    );
    expect(withoutVitest).toEqual(firstWorkerEnvironment());
  });

  it('read their own environment in the composition roots, as a new process would', () =>
    asIfTwoFiles(async () => {
      process.env.TABLE_NAME = 'first-file-table';
      const first = await import('#handlers/composition/table');
      expect(first.tableEnv.TABLE_NAME).toBe('first-file-table');

      startAsNewWorker();
      expect(process.env.TABLE_NAME).toBe(firstWorkerEnvironment()?.TABLE_NAME);
      process.env.TABLE_NAME = 'second-file-table';
      const second = await import('#handlers/composition/table');
      expect(second.tableEnv.TABLE_NAME).toBe('second-file-table');
      expect(second.calls).not.toBe(first.calls);
    }));

  it("scope each invocation's log context, though another file's AWS SDK request made the runtime store first", () =>
    asIfTwoFiles(async () => {
      // What the SDK's recursion-detection middleware leaves when it finds no store: one without scopes.
      const runtime = globalThis as { awslambda?: { InvokeStore?: unknown } };
      runtime.awslambda = { InvokeStore: { getXRayTraceId: () => undefined } };
      startAsNewWorker();
      const { lambdaContext } = await import('../../local/lambda-context.ts');
      const store = runtime.awslambda.InvokeStore as InvokeStoreBase;
      const requestIds = await Promise.all(
        ['dialer', 'events-stream'].map(async (name) => {
          const context = lambdaContext(name);
          await new Promise((resolve) => setTimeout(resolve, 10));
          return [context.awsRequestId, store.get(InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID)];
        }),
      );
      for (const [own, seen] of requestIds) expect(seen).toBe(own);
      expect(process.env.AWS_LAMBDA_MAX_CONCURRENCY).toBeDefined();
    }));

  it('can stop the local stacks a file left running (fresh-modules.ts does, after each file)', async () => {
    const api = await startTestApi();
    expect((await api.request('GET', '/api/v1/outbound-calls')).status).toBe(200);
    await stopLeftoverStacks();
    await expect(fetch(`${api.stack.url}/api/v1/outbound-calls`)).rejects.toThrow();
    // Stopping it again, as the file's own afterAll would, is harmless.
    await api.stack.stop();
  });
});
