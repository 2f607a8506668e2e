import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { keys } from '#adapters/dynamodb/table-design';
import { CALLS, callReaches, minutesFromNow, startTestApi, type TestApi } from '../support/local-api.ts';
import { startLossyProxy, type ProxiedRequest } from '../support/lossy-proxy.ts';
import { TERMINAL } from '../support/outcomes.ts';

const AGENT = 'agt_01HXK8Z3MNPQRS';
const WRITES = ['.TransactWriteItems', '.PutItem', '.UpdateItem'];

/**
 * A write DynamoDB applied but whose answers never came back, on every try the AWS SDK made: the
 * API must not answer as if nothing had happened (a `500 internal_error` promises that nothing
 * changed, docs/api.md), or a client would send the create again and the person would be called
 * twice. The adapters send such a write once more (its ClientRequestToken or writeId makes that
 * harmless), and if that goes unanswered too the API answers `500 outcome_unknown`. The whole
 * service runs against DynamoDB Local through a proxy that loses or holds chosen answers, with
 * the AWS SDK's 2 s request timeout of AWS cut to 1 s.
 */
describe('a write whose answers were lost', () => {
  let api: TestApi;
  let proxy: Awaited<ReturnType<typeof startLossyProxy>>;
  /** While set, every write whose body holds it loses its answer. */
  let losing = '';
  const writeHolding = (marker: string) => (request: ProxiedRequest) =>
    marker !== '' && WRITES.some((operation) => request.target.endsWith(operation)) && request.body.includes(marker);

  beforeAll(async () => {
    proxy = await startLossyProxy(inject('dynamodbEndpoint'));
    api = await startTestApi({
      dynamodbEndpoint: proxy.endpoint,
      environment: { AWS_SDK_REQUEST_TIMEOUT_MS: '1000' },
    });
    proxy.loseAnswers((request) => writeHolding(losing)(request), Number.POSITIVE_INFINITY);
  });
  afterAll(async () => {
    await api.stack.stop();
    await proxy.stop();
  });

  const dialsOf = (id: string) =>
    [...api.stack.simulatedCalls.calls.values()].filter((c) => String(c.params.Url).includes(`callId=${id}&`));
  const create = (marker: string, extra: Record<string, unknown> = {}) =>
    api.request('POST', CALLS, { body: { agentId: AGENT, toNumber: '+15005550100', metadata: { marker }, ...extra } });
  /** The id an outcome_unknown message names. */
  const namedCall = (message: string) => /obc_[0-9A-Z]{26}/.exec(message)?.[0] as string;

  /** The requests that carried `marker`, by the SDK `send` they belong to, in order. */
  const sendsOf = (marker: string) => {
    const sends = new Map<string, number>();
    for (const request of proxy.requests().filter((r) => r.body.includes(marker)))
      sends.set(request.invocation, (sends.get(request.invocation) ?? 0) + 1);
    return [...sends.values()];
  };

  it('answers 201 when the extra send is answered, and the call is dialed once', async () => {
    // Every try of the first send loses its answer; the adapter's extra send (a send of its own) is answered.
    let first: string | undefined;
    proxy.loseAnswers((request) => {
      if (!writeHolding('landed-then-answered')(request)) return false;
      first ??= request.invocation;
      return request.invocation === first;
    }, Number.POSITIVE_INFINITY);
    const response = await create('landed-then-answered');
    const sends = sendsOf('landed-then-answered');
    expect(sends).toHaveLength(2);
    expect(sends[0]).toBeGreaterThanOrEqual(3);
    expect(response.status).toBe(201);
    const call = await callReaches(api, response.body.id, TERMINAL, 90_000);
    expect(call.status).toBe('completed');
    expect(dialsOf(call.id)).toHaveLength(1);
  });

  it('answers 500 outcome_unknown naming the call when no send is answered, and the call is still made once', async () => {
    losing = 'never-answered';
    const response = await create('never-answered');
    losing = '';
    // The SDK's tries and the extra send, every one of them the same transaction (one token).
    expect(sendsOf('never-answered')).toHaveLength(2);
    const tokens = proxy
      .requests()
      .filter((r) => r.body.includes('never-answered'))
      .map((r) => /"ClientRequestToken":"([^"]+)"/.exec(r.body)?.[1]);
    expect(new Set(tokens).size).toBe(1);
    expect(response.status).toBe(500);
    expect(response.body.error).toMatchObject({ type: 'internal', code: 'outcome_unknown' });
    const id = namedCall(response.body.error.message);
    expect(response.body.error.message).toContain(`GET /api/v1/outbound-calls/${id}`);
    // It was created: the client finds it where the message says.
    const found = await api.request('GET', `${CALLS}/${id}`);
    expect({ status: found.status, callStatus: found.body.status }).toEqual({ status: 200, callStatus: 'queued' });
    // Its watchdog brings it to the reconciler (two minutes on; moved to now here), which dials it.
    await createDocumentClient().send(
      new UpdateCommand({
        TableName: api.stack.tableName,
        Key: keys.call(id),
        UpdateExpression: 'SET watchdogAt = :now',
        ExpressionAttributeValues: { ':now': new Date().toISOString() },
      }),
    );
    await api.stack.reconcile();
    await callReaches(api, id, TERMINAL, 90_000);
    expect(dialsOf(id)).toHaveLength(1);
  });

  it('answers outcome_unknown, not internal_error, for a cancel that was applied unanswered', async () => {
    const scheduled = await create('cancel-unanswered', { scheduledFor: minutesFromNow(30) });
    expect(scheduled.status).toBe(201);
    losing = scheduled.body.id;
    const cancel = await api.request('POST', `${CALLS}/${scheduled.body.id}/cancel`);
    losing = '';
    expect(cancel.status).toBe(500);
    expect(cancel.body.error).toMatchObject({ type: 'internal', code: 'outcome_unknown' });
    expect((await api.request('GET', `${CALLS}/${scheduled.body.id}`)).body.status).toBe('cancelled');
  });

  it('answers outcome_unknown when the database holds every answer past the request timeout', async () => {
    // Each send is applied and its answer held for longer than the 1 s the SDK waits.
    let holding = true;
    proxy.loseAnswers(
      (request) => holding && writeHolding('held-answers')(request),
      Number.POSITIVE_INFINITY,
      () => new Promise((resolve) => setTimeout(resolve, 1_500)),
    );
    const response = await create('held-answers');
    holding = false;
    expect(sendsOf('held-answers')).toHaveLength(2);
    expect(response.status).toBe(500);
    expect(response.body.error).toMatchObject({ type: 'internal', code: 'outcome_unknown' });
    const id = namedCall(response.body.error.message);
    expect((await api.request('GET', `${CALLS}/${id}`)).status).toBe(200);
  });
});
