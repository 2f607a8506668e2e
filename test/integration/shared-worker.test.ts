import { describe, expect, it } from 'vitest';
import { startTestApi } from '../support/local-api.ts';
import { startAsNewWorker, stopLeftoverStacks } from '../support/worker-state.ts';

/** This file's environment before anything of its own ran; another file may have run in this worker before it. */
const tableNameAtStart = process.env.TABLE_NAME;

describe('test files that share a worker process (test/support/worker-state.ts)', () => {
  it('start without the variables an earlier file set', () => {
    expect(tableNameAtStart).toBeUndefined();
  });

  it('read their own environment in the composition roots, as a new process would', async () => {
    process.env.TABLE_NAME = 'first-file-table';
    const first = await import('#handlers/composition/table');
    expect(first.tableEnv.TABLE_NAME).toBe('first-file-table');

    startAsNewWorker();
    expect(process.env.TABLE_NAME).toBeUndefined();
    process.env.TABLE_NAME = 'second-file-table';
    const second = await import('#handlers/composition/table');
    expect(second.tableEnv.TABLE_NAME).toBe('second-file-table');
    expect(second.calls).not.toBe(first.calls);
    startAsNewWorker();
  });

  it('have the local stacks a file left running stopped after it', async () => {
    const api = await startTestApi();
    expect((await api.request('GET', '/api/v1/outbound-calls')).status).toBe(200);
    await stopLeftoverStacks();
    await expect(fetch(`${api.stack.url}/api/v1/outbound-calls`)).rejects.toThrow();
    // Stopping it again, as the file's own afterAll would, is harmless.
    await api.stack.stop();
  });
});
