import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '#ports/clock';
import { issueApiKey, revokeApiKey } from '#use-cases/manage-directory';
import { CALLS, startTestApi, type TestApi } from '../support/local-api.ts';

describe('authentication and account isolation', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.stack.stop());

  it('rejects a request without an Authorization header with 401, as API Gateway does', async () => {
    const response = await api.request('GET', CALLS, { key: null });
    expect(response.status).toBe(401);
  });

  it.each([
    ['malformed', 'not-a-key', 'malformed_api_key'],
    ['of an unknown prefix', `vsnp_prod_${'a'.repeat(32)}`, 'malformed_api_key'],
    ['unknown', `vsnp_test_${'a'.repeat(32)}`, 'invalid_api_key'],
    ['live-prefixed but unknown', `vsnp_live_${'b'.repeat(32)}`, 'invalid_api_key'],
  ])('rejects a %s key with 401 in the standard error shape', async (_name, key, code) => {
    for (const [method, path] of [
      ['GET', CALLS],
      ['POST', CALLS],
      ['GET', `${CALLS}/obc_01JZZZZZZZZZZZZZZZZZZZZZZZ`],
    ] as const) {
      const response = await api.request(method, path, { key, body: method === 'POST' ? {} : undefined });
      expect(response.status).toBe(401);
      expect(response.body.error).toMatchObject({ type: 'authentication_failed', code });
    }
  });

  it('stops accepting a key once it is revoked', async () => {
    const deps = { directory: api.directory, clock: systemClock };
    const { key, secret } = await issueApiKey(deps, { accountId: 'acc_demo', mode: 'test' });
    expect((await api.request('GET', CALLS, { key: secret })).status).toBe(200);
    await revokeApiKey(deps, { accountId: 'acc_demo', keyId: key.id });
    const response = await api.request('GET', CALLS, { key: secret });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('invalid_api_key');
  });

  it('hides every call of another account: 404 on get and cancel, absent from lists', async () => {
    const other = await api.createOtherAccount();
    const created = await api.request('POST', CALLS, {
      key: other.key,
      body: { agentId: other.agentId, toNumber: '+14155550199' },
    });
    expect(created.status).toBe(201);
    expect(created.body.fromNumber).toBe(other.number);
    const id = created.body.id;

    const get = await api.request('GET', `${CALLS}/${id}`);
    expect(get.status).toBe(404);
    expect(get.body.error.code).toBe('call_not_found');
    const cancel = await api.request('POST', `${CALLS}/${id}/cancel`);
    expect(cancel.status).toBe(404);
    const mine = await api.request('GET', `${CALLS}?pageSize=100`);
    expect(mine.body.data.some((call: { id: string }) => call.id === id)).toBe(false);
    const byAgent = await api.request('GET', `${CALLS}?agentId=${other.agentId}`);
    expect(byAgent.body.data).toEqual([]);

    // The owner still sees it, unchanged by the other account's cancel attempt.
    const own = await api.request('GET', `${CALLS}/${id}`, { key: other.key });
    expect(own.status).toBe(200);
    expect(own.body.status).not.toBe('cancelled');
  });
});
