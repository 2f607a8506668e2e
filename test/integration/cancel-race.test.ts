import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { DynamoDbCallRepository } from '#adapters/dynamodb/call-repository';
import { ConcurrentModificationError } from '#domain/errors';
import { CALLS, minutesFromNow, startTestApi, type TestApi } from '../support/local-api.ts';

describe('status writes are conditional on the status read', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.stack.stop());

  it('lets exactly one of many concurrent cancels win; the rest get 409 naming the status', async () => {
    const created = await api.request('POST', CALLS, {
      body: { agentId: 'agt_01HXK8Z3MNPQRS', toNumber: '+14155550199', scheduledFor: minutesFromNow(30) },
    });
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => api.request('POST', `${CALLS}/${created.body.id}/cancel`)),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([200, 409, 409, 409, 409, 409]);
    for (const response of responses.filter((r) => r.status === 409)) {
      expect(response.body.error.message).toContain('is cancelled');
    }
  });

  it('refuses a write whose expected status is stale', async () => {
    const created = await api.request('POST', CALLS, {
      body: { agentId: 'agt_01HXK8Z3MNPQRS', toNumber: '+14155550199', scheduledFor: minutesFromNow(30) },
    });
    const store = new DynamoDbCallRepository(createDocumentClient(), api.stack.tableName, { now: () => new Date() });
    const call = await store.get('acc_demo', created.body.id);
    expect(call?.status).toBe('scheduled');
    await store.update({ ...call!, status: 'cancelled' }, call!);
    await expect(store.update({ ...call!, status: 'initiating' }, call!)).rejects.toBeInstanceOf(
      ConcurrentModificationError,
    );
    expect((await store.get('acc_demo', created.body.id))?.status).toBe('cancelled');
  });
});
