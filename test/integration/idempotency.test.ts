import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignContactKey } from '#domain/campaign';
import { CALLS, startTestApi, type TestApi } from '../support/local-api.ts';

const body = { agentId: 'agt_01HXK8Z3MNPQRS', toNumber: '+14155550199', metadata: { customerId: 'cust_1' } };

describe('Idempotency-Key on create', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.stack.stop());

  const count = async (key?: string) =>
    (await api.request('GET', `${CALLS}?pageSize=100`, key ? { key } : {})).body.data.length as number;

  it('answers a retry with the same key and body with the first response, creating nothing', async () => {
    const before = await count();
    const first = await api.request('POST', CALLS, { body, headers: { 'idempotency-key': 'order-1001' } });
    expect(first.status).toBe(201);
    // Same JSON with keys in another order is the same request.
    const retry = await api.request('POST', CALLS, {
      body: { metadata: { customerId: 'cust_1' }, toNumber: '+14155550199', agentId: 'agt_01HXK8Z3MNPQRS' },
      headers: { 'idempotency-key': 'order-1001' },
    });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    // The same answer, field for field in the same order (before: the replay's fields came in the store's order).
    expect(Object.keys(retry.body)).toEqual(Object.keys(first.body));
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await count()).toBe(before + 1);
  });

  it('rejects the same key with a different body, creating nothing', async () => {
    await api.request('POST', CALLS, { body, headers: { 'idempotency-key': 'order-1002' } });
    const before = await count();
    const response = await api.request('POST', CALLS, {
      body: { ...body, toNumber: '+14155550100' },
      headers: { 'idempotency-key': 'order-1002' },
    });
    expect(response.status).toBe(422);
    expect(response.body.error).toMatchObject({
      type: 'unprocessable',
      code: 'idempotency_key_reused',
      param: 'Idempotency-Key',
    });
    expect(await count()).toBe(before);
  });

  it('creates exactly one call when the same request races itself', async () => {
    const before = await count();
    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        api.request('POST', CALLS, { body, headers: { 'idempotency-key': 'order-race' } }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(8).fill(201));
    expect(new Set(responses.map((response) => response.body.id)).size).toBe(1);
    expect(await count()).toBe(before + 1);
  });

  it('scopes keys to the account', async () => {
    const other = await api.createOtherAccount();
    const mine = await api.request('POST', CALLS, { body, headers: { 'idempotency-key': 'shared-key' } });
    const theirs = await api.request('POST', CALLS, {
      key: other.key,
      body: { agentId: other.agentId, toNumber: '+14155550199' },
      headers: { 'idempotency-key': 'shared-key' },
    });
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(await count(other.key)).toBe(1);
  });

  it('does not remember a rejected request', async () => {
    const bad = await api.request('POST', CALLS, {
      body: { ...body, toNumber: '123' },
      headers: { 'idempotency-key': 'order-1003' },
    });
    expect(bad.status).toBe(400);
    const good = await api.request('POST', CALLS, { body, headers: { 'idempotency-key': 'order-1003' } });
    expect(good.status).toBe(201);
  });

  it("refuses a key of a campaign contact's form, so it can never take that contact's call", async () => {
    const created = await api.request('POST', '/api/v1/campaigns', {
      body: {
        name: 'Reserved keys',
        agentId: body.agentId,
        contacts: [{ toNumber: '+14155550142' }],
        startAt: '2099-01-01T00:00:00Z',
      },
    });
    expect(created.status).toBe(201);
    const before = await count();
    for (const key of [campaignContactKey(created.body.id, 0), campaignContactKey(created.body.id, 1)]) {
      const response = await api.request('POST', CALLS, { body, headers: { 'idempotency-key': key } });
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'invalid_idempotency_key', param: 'Idempotency-Key' });
    }
    expect(await count()).toBe(before);
    // A key that only looks alike is the customer's to use (the forms: campaign-contact-key.test.ts).
    const alike = await api.request('POST', CALLS, {
      body,
      headers: { 'idempotency-key': `${created.body.id}#1a` },
    });
    expect(alike.status).toBe(201);
    expect(await count()).toBe(before + 1);
  });

  it('rejects a malformed key', async () => {
    const response = await api.request('POST', CALLS, { body, headers: { 'idempotency-key': 'x'.repeat(256) } });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'invalid_idempotency_key', param: 'Idempotency-Key' });
  });
});
