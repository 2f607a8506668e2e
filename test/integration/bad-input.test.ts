import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLS, minutesFromNow, startTestApi, type TestApi } from '../support/local-api.ts';

const AGENT = 'agt_01HXK8Z3MNPQRS';
const valid = { agentId: AGENT, toNumber: '+14155550199' };

/** Every rejection is a 400 (or the status its name says) naming the field, and writes nothing. */
describe('bad input', () => {
  let api: TestApi;
  let other: Awaited<ReturnType<TestApi['createOtherAccount']>>;

  beforeAll(async () => {
    api = await startTestApi();
    other = await api.createOtherAccount();
  });
  afterAll(() => api.stack.stop());

  async function callCount(): Promise<number> {
    const response = await api.request('GET', `${CALLS}?pageSize=100`);
    return response.body.data.length;
  }

  const createCases: Array<[string, () => { body?: unknown; rawBody?: string }, string, string | undefined]> = [
    ['missing agentId', () => ({ body: { toNumber: '+14155550199' } }), 'missing_field', 'agentId'],
    ['missing toNumber', () => ({ body: { agentId: AGENT } }), 'missing_field', 'toNumber'],
    ['toNumber without +', () => ({ body: { ...valid, toNumber: '4155550199' } }), 'invalid_phone_number', 'toNumber'],
    ['toNumber too short', () => ({ body: { ...valid, toNumber: '+1415' } }), 'invalid_phone_number', 'toNumber'],
    [
      'toNumber with spaces',
      () => ({ body: { ...valid, toNumber: '+1 415 555 0199' } }),
      'invalid_phone_number',
      'toNumber',
    ],
    [
      'an agent of another account',
      () => ({ body: { ...valid, agentId: other.agentId } }),
      'agent_not_found',
      'agentId',
    ],
    ['an agent that does not exist', () => ({ body: { ...valid, agentId: 'agt_nope' } }), 'agent_not_found', 'agentId'],
    [
      'fromNumber not assigned to the agent',
      () => ({ body: { ...valid, fromNumber: '+14155550124' } }),
      'from_number_not_assigned',
      'fromNumber',
    ],
    [
      'fromNumber of another account',
      () => ({ body: { ...valid, fromNumber: other.number } }),
      'from_number_not_assigned',
      'fromNumber',
    ],
    [
      'scheduledFor without a zone',
      () => ({ body: { ...valid, scheduledFor: '2030-06-17T09:00:00' } }),
      'invalid_scheduled_for',
      'scheduledFor',
    ],
    [
      'scheduledFor unparseable',
      () => ({ body: { ...valid, scheduledFor: 'next tuesday' } }),
      'invalid_scheduled_for',
      'scheduledFor',
    ],
    [
      'scheduledFor beyond the skew tolerance',
      () => ({ body: { ...valid, scheduledFor: minutesFromNow(-6) } }),
      'scheduled_for_in_past',
      'scheduledFor',
    ],
    ['maxRetries 4', () => ({ body: { ...valid, maxRetries: 4 } }), 'invalid_field', 'maxRetries'],
    ['maxRetries -1', () => ({ body: { ...valid, maxRetries: -1 } }), 'invalid_field', 'maxRetries'],
    ['maxRetries 1.5', () => ({ body: { ...valid, maxRetries: 1.5 } }), 'invalid_field', 'maxRetries'],
    ['retryDelayMinutes 0', () => ({ body: { ...valid, retryDelayMinutes: 0 } }), 'invalid_field', 'retryDelayMinutes'],
    [
      'retryDelayMinutes a string',
      () => ({ body: { ...valid, retryDelayMinutes: '30' } }),
      'invalid_field',
      'retryDelayMinutes',
    ],
    [
      'metadata an array',
      () => ({ body: { ...valid, metadata: [{ customerId: 'c1' }] } }),
      'invalid_metadata',
      'metadata',
    ],
    [
      'metadata over the bound',
      () => ({ body: { ...valid, metadata: { notes: 'x'.repeat(9000) } } }),
      'invalid_metadata',
      'metadata',
    ],
    [
      'a misspelt field',
      () => ({ body: { ...valid, scheduledfor: minutesFromNow(60) } }),
      'unknown_field',
      'scheduledfor',
    ],
    ['a body that is not JSON', () => ({ rawBody: '{"agentId": "agt_01HXK8Z3MNPQRS",' }), 'invalid_json', undefined],
    ['an empty body', () => ({ rawBody: '' }), 'invalid_json', undefined],
    ['a JSON array body', () => ({ body: [valid] }), 'invalid_request_body', undefined],
  ];

  it.each(createCases)(
    'create with %s: 400 %s naming the field, nothing written',
    async (_name, input, code, param) => {
      const before = await callCount();
      const response = await api.request('POST', CALLS, input());
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({ type: 'invalid_request', code });
      expect(response.body.error.param).toBe(param);
      expect(typeof response.body.error.message).toBe('string');
      expect(await callCount()).toBe(before);
    },
  );

  it('treats a scheduledFor just inside the tolerance as due now', async () => {
    const scheduledFor = minutesFromNow(-2);
    const response = await api.request('POST', CALLS, { body: { ...valid, scheduledFor } });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ status: 'queued', scheduledFor });
  });

  it.each([
    ['an unknown query parameter', '?colour=blue', 'unknown_parameter', 'colour'],
    ['a status that is not published', '?status=done', 'invalid_field', 'status'],
    ['pageSize 0', '?pageSize=0', 'invalid_field', 'pageSize'],
    ['pageSize 1000', '?pageSize=1000', 'invalid_field', 'pageSize'],
    ['page 0', '?page=0', 'invalid_field', 'page'],
    ['a dateFrom that is not a date', '?dateFrom=yesterday', 'invalid_field', 'dateFrom'],
    ['a page too deep for page numbers', '?page=1000&pageSize=100', 'page_too_deep', 'page'],
    ['a cursor that was not issued', '?cursor=bm9wZQ', 'invalid_cursor', 'cursor'],
  ])('list with %s: 400 %s', async (_name, query, code, param) => {
    const response = await api.request('GET', `${CALLS}${query}`);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ type: 'invalid_request', code, param });
  });

  it('answers 404 for a call id that does not exist, on get and cancel', async () => {
    for (const [method, path] of [
      ['GET', `${CALLS}/obc_01HXMN8ZABC123`],
      ['GET', `${CALLS}/obc_01JZZZZZZZZZZZZZZZZZZZZZZZ`],
      ['POST', `${CALLS}/obc_01JZZZZZZZZZZZZZZZZZZZZZZZ/cancel`],
    ] as const) {
      const response = await api.request(method, path);
      expect(response.status).toBe(404);
      expect(response.body.error).toMatchObject({ type: 'not_found', code: 'call_not_found', param: 'callId' });
    }
  });

  it('answers 404 in the error shape for a route that does not exist', async () => {
    const response = await api.request('DELETE', `${CALLS}/obc_01JZZZZZZZZZZZZZZZZZZZZZZZ/archive`);
    expect(response.status).toBe(404);
    expect(response.body.error).toMatchObject({ type: 'not_found', code: 'route_not_found' });
    // A path the API has, with a method it does not answer there, is a 405 naming the ones it does.
    const wrongMethod = await api.request('DELETE', `${CALLS}/obc_01JZZZZZZZZZZZZZZZZZZZZZZZ`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toContain('GET');
  });
});
