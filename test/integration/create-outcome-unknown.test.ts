import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CALLS, callReaches, startTestApi, type TestApi } from '../support/local-api.ts';
import { startLossyProxy, type ProxiedRequest } from '../support/lossy-proxy.ts';
import { TERMINAL } from '../support/outcomes.ts';

/**
 * A create whose write DynamoDB applied but whose every answer the network lost (each try the AWS
 * SDK makes): the call exists and will be dialed, so the API must not answer as if nothing had
 * happened (a `500 internal_error` promises that nothing changed, docs/api.md), or a client would
 * create it again and the person would be called twice. The whole service runs against DynamoDB
 * Local through a proxy that loses chosen answers.
 */
describe('a create whose every write answer was lost', () => {
  let api: TestApi;
  let proxy: Awaited<ReturnType<typeof startLossyProxy>>;
  /** Which requests lose every answer while set: the create's write, and reads of a call. */
  const losing = { write: '', callReads: false };

  beforeAll(async () => {
    proxy = await startLossyProxy(inject('dynamodbEndpoint'));
    api = await startTestApi({ dynamodbEndpoint: proxy.endpoint });
    const createWrite = (request: ProxiedRequest) =>
      losing.write !== '' &&
      ['.TransactWriteItems', '.PutItem'].some((operation) => request.target.endsWith(operation)) &&
      request.body.includes(losing.write);
    const callRead = (request: ProxiedRequest) =>
      losing.callReads && request.target.endsWith('.GetItem') && request.body.includes('"CALL#');
    proxy.loseAnswers(createWrite, Number.POSITIVE_INFINITY);
    proxy.loseAnswers(callRead, Number.POSITIVE_INFINITY);
  });
  afterAll(async () => {
    await api.stack.stop();
    await proxy.stop();
  });

  const dialsOf = (id: string) =>
    [...api.stack.simulatedCalls.calls.values()].filter((c) => String(c.params.Url).includes(`callId=${id}&`));

  it('reads the call back and answers 201 when the write landed, and the call is dialed once', async () => {
    const lostBefore = proxy.lost();
    losing.write = 'outcome-unknown-landed';
    const response = await api.request('POST', CALLS, {
      body: { agentId: 'agt_01HXK8Z3MNPQRS', toNumber: '+15005550100', metadata: { case: losing.write } },
    });
    losing.write = '';
    // Every try of the write lost its answer (the SDK's default is three tries).
    expect(proxy.lost() - lostBefore).toBeGreaterThanOrEqual(3);
    expect(response.status).toBe(201);
    const call = await callReaches(api, response.body.id, TERMINAL, 90_000);
    expect(call.status).toBe('completed');
    expect(dialsOf(call.id)).toHaveLength(1);
  });

  it('answers 500 outcome_unknown naming the call when it cannot be read back either, and the call still happens once', async () => {
    const lostBefore = proxy.lost();
    losing.write = 'outcome-unknown-unread';
    losing.callReads = true;
    const response = await api.request('POST', CALLS, {
      body: { agentId: 'agt_01HXK8Z3MNPQRS', toNumber: '+15005550100', metadata: { case: losing.write } },
    });
    losing.write = '';
    losing.callReads = false;
    expect(proxy.lost() - lostBefore).toBeGreaterThanOrEqual(6);
    expect(response.status).toBe(500);
    expect(response.body.error).toMatchObject({ type: 'internal', code: 'outcome_unknown' });
    const id = /obc_[0-9A-Z]{26}/.exec(response.body.error.message)?.[0];
    expect(id, response.body.error.message).toBeDefined();
    expect(response.body.error.message).toContain(`GET /api/v1/outbound-calls/${id}`);
    // It was created: the client finds it where the message says, and the create sent it on its way.
    const found = await api.request('GET', `${CALLS}/${id}`);
    expect(found.status).toBe(200);
    expect(found.body.metadata).toEqual({ case: 'outcome-unknown-unread' });
    await callReaches(api, id as string, TERMINAL, 90_000);
    expect(dialsOf(id as string)).toHaveLength(1);
  });
});
