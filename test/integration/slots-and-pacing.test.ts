import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { keys } from '#adapters/dynamodb/table-design';
import { systemClock } from '#ports/clock';
import { addNumber, createAccount, createAgent, issueApiKey } from '#use-cases/manage-directory';
import { CALLS, callReaches, eventually, startTestApi, type TestApi } from '../support/local-api.ts';

const TERMINAL = ['completed', 'failed', 'no_answer', 'busy', 'cancelled', 'voicemail'];
const ACTIVE = ['initiating', 'ringing', 'in_progress'];

/** An account allowed two calls at once, against a provider allowed one new call per second. */
describe('telephony slots and calls-per-second pacing', () => {
  let api: TestApi;
  let key: string;
  let agentId: string;
  let accountId: string;
  const db = () => createDocumentClient();

  beforeAll(async () => {
    // Calls last about three seconds here, so a burst really overlaps.
    api = await startTestApi({ simulator: { timeScale: 0.25 }, environment: { PROVIDER_CALLS_PER_SECOND: '1' } });
    const deps = { directory: api.directory, clock: systemClock };
    const account = await createAccount(deps, { name: 'Two lines', concurrentCallLimit: 2 });
    accountId = account.id;
    key = (await issueApiKey(deps, { accountId, mode: 'test' })).secret;
    agentId = (await createAgent(deps, { accountId, name: 'Burst', defaultFirstMessage: 'Hello!' })).id;
    await addNumber(deps, { accountId, number: '+12025550188', agentId });
  });
  afterAll(() => api.stack.stop());

  const activeCalls = async () =>
    Number(
      (await db().send(new GetCommand({ TableName: api.stack.tableName, Key: keys.account(accountId) }))).Item
        ?.activeCalls ?? 0,
    );

  it('never has more calls in flight than the limit, dials at most one per second, and frees every slot', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await api.request('POST', CALLS, { key, body: { agentId, toNumber: '+15005550100' } });
      expect(response.status).toBe(201);
      ids.push(response.body.id);
    }
    let maxInFlight = 0;
    let maxCounter = 0;
    await eventually(
      async () => {
        const list = await api.request('GET', `${CALLS}?pageSize=100`, { key });
        const calls = list.body.data as Array<{ status: string }>;
        maxInFlight = Math.max(maxInFlight, calls.filter((call) => ACTIVE.includes(call.status)).length);
        maxCounter = Math.max(maxCounter, await activeCalls());
        return calls;
      },
      (calls) => calls.length === 6 && calls.every((call) => TERMINAL.includes(call.status)),
      60_000,
      'every call of the burst to finish',
    );
    expect(maxInFlight).toBe(2);
    expect(maxCounter).toBe(2);
    expect(await activeCalls()).toBe(0);

    const calls = await Promise.all(ids.map((id) => callReaches(api, id, TERMINAL, 1000, key)));
    expect(calls.every((call) => call.status === 'completed')).toBe(true);
    const dialSeconds = calls.map((call) => call.initiatedAt as string);
    expect(new Set(dialSeconds).size).toBe(dialSeconds.length);
  });

  it('keeps a call queued while every slot is taken, and it can be cancelled there', async () => {
    const busy = await Promise.all(
      [0, 1].map(() =>
        api
          .request('POST', CALLS, { key, body: { agentId, toNumber: '+15005550100' } })
          .then((r) => r.body.id as string),
      ),
    );
    await Promise.all(busy.map((id) => callReaches(api, id, ACTIVE, 60_000, key)));
    const waiting = await api.request('POST', CALLS, { key, body: { agentId, toNumber: '+15005550101' } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await api.request('GET', `${CALLS}/${waiting.body.id}`, { key })).body.status).toBe('queued');

    const cancelled = await api.request('POST', `${CALLS}/${waiting.body.id}/cancel`, { key });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', endReason: 'cancelled' });
    await Promise.all(busy.map((id) => callReaches(api, id, TERMINAL, 60_000, key)));
    expect(
      [...api.stack.simulatedCalls.calls.values()].some((c) => String(c.params.Url).includes(waiting.body.id)),
    ).toBe(false);
    expect(await activeCalls()).toBe(0);
  });
});
