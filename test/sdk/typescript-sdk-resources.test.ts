import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConflictError,
  type CreateCampaignParams,
  MethodNotAllowedError,
  NotFoundError,
  RateLimitError,
  InternalServerError,
  Voisnap,
  verifyWebhook,
  WebhookVerificationError,
} from '../../sdk/typescript/src/index.ts';
import { startFakeServer, type FakeServer, type Reply } from '../support/http-fakes.ts';

/**
 * The SDK's campaigns, suppressions, webhooks and PATCH methods, request ids and Retry-After,
 * against a scripted server (the campaigns and suppressions API lands separately: these tests hold
 * the SDK to issue 12's contract), and its webhook verification against signatures made the way
 * functions/domain/webhook-events.ts makes them.
 */
let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
const clientOf = (url: string, options: { maxRetries?: number } = {}) =>
  new Voisnap({ apiKey: 'vsnp_test_key', baseUrl: url, ...options });
const sent = () => (server?.requests ?? []).map((request) => `${request.method} ${request.url}`);
const bodies = () => (server?.requests ?? []).map((request) => (request.body ? JSON.parse(request.body) : undefined));
const CAMPAIGN = { id: 'cmp_01M8EHKFKGWDY2XBPKECRRF86P', status: 'running', counts: { total: 2 } };
const ok = (body: unknown, status = 200): Reply => ({ status, body });

describe('errors', () => {
  it('carry the request id from the Request-Id header, else from the error body', async () => {
    server = await startFakeServer([
      {
        status: 404,
        headers: { 'request-id': 'req_from_header' },
        body: { error: { type: 'not_found', code: 'call_not_found', message: 'No call.', requestId: 'req_in_body' } },
      },
      {
        status: 404,
        body: { error: { type: 'not_found', code: 'call_not_found', message: 'No call.', requestId: 'req_b' } },
      },
      { status: 405, headers: { allow: 'GET, PATCH' }, body: { message: 'Method Not Allowed', requestId: 'req_top' } },
      { status: 401, body: { message: 'Unauthorized' } },
    ]);
    const client = clientOf(server.url);
    const fail = (promise: Promise<unknown>) => promise.catch((error: unknown) => error);
    const byHeader = await fail(client.outboundCalls.get('obc_1'));
    expect(byHeader).toBeInstanceOf(NotFoundError);
    expect(byHeader).toMatchObject({ requestId: 'req_from_header', code: 'call_not_found' });
    expect(await fail(client.outboundCalls.get('obc_1'))).toMatchObject({ requestId: 'req_b' });
    const wrongMethod = await fail(client.outboundCalls.get('obc_1'));
    expect(wrongMethod).toBeInstanceOf(MethodNotAllowedError);
    expect(wrongMethod).toMatchObject({ status: 405, requestId: 'req_top' });
    expect(await fail(client.outboundCalls.get('obc_1'))).toMatchObject({ status: 401, requestId: undefined });
  });

  it('wait as long as Retry-After asks on a 429 or 503 (seconds or an HTTP date), not the shorter backoff', async () => {
    server = await startFakeServer([
      { status: 429, headers: { 'retry-after': '2' }, body: { message: 'Too Many Requests' } },
      { status: 503, headers: { 'retry-after': new Date(Date.now() + 4_000).toUTCString() }, body: { message: 'x' } },
      ok({ id: 'obc_1', status: 'queued' }),
    ]);
    const started = Date.now();
    await clientOf(server.url).outboundCalls.get('obc_1');
    expect(server.requests).toHaveLength(3);
    // Backoff alone would wait at most 0.5 s then 1 s; Retry-After asks 2 s, then until 4 s after the start
    // (an HTTP date has whole seconds, so up to a second earlier).
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
  });

  it('raise at once, with retryAfterMs, when Retry-After asks more than a minute', async () => {
    server = await startFakeServer([
      { status: 429, headers: { 'retry-after': '120' }, body: { message: 'Slow down' } },
    ]);
    const error = await clientOf(server.url, { maxRetries: 3 })
      .outboundCalls.get('obc_1')
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ retryAfterMs: 120_000, message: 'Slow down' });
    expect(server.requests).toHaveLength(1);
  });

  it('an unreadable Retry-After falls back to the backoff', async () => {
    server = await startFakeServer([{ status: 503, headers: { 'retry-after': 'soon' }, body: { message: 'x' } }]);
    const error = await clientOf(server.url, { maxRetries: 1 })
      .outboundCalls.get('obc_1')
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ retryAfterMs: undefined });
    expect(server.requests).toHaveLength(2);
  });
});

describe('outboundCalls.update', () => {
  it('PATCHes the fields of a scheduled call, and a 409 is a ConflictError, not retried', async () => {
    server = await startFakeServer([
      ok({ id: 'obc_1', status: 'scheduled', scheduledFor: '2030-06-17T10:00:00Z' }),
      {
        status: 409,
        body: { error: { type: 'conflict', code: 'call_not_scheduled', message: 'Call obc_1 is queued.' } },
      },
    ]);
    const client = clientOf(server.url);
    const change = { scheduledFor: '2030-06-17T10:00:00Z', metadata: { a: 1 }, maxRetries: 1, retryDelayMinutes: 5 };
    expect(await client.outboundCalls.update('obc_1', change)).toMatchObject({ scheduledFor: '2030-06-17T10:00:00Z' });
    await expect(client.outboundCalls.update('obc_1', { overrideFirstMessage: 'Hi' })).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(sent()).toEqual(['PATCH /api/v1/outbound-calls/obc_1', 'PATCH /api/v1/outbound-calls/obc_1']);
    expect(bodies()).toEqual([change, { overrideFirstMessage: 'Hi' }]);
    expect(server.requests[0]?.headers['content-type']).toBe('application/json');
  });
});

describe('campaigns', () => {
  it('create, get, addContacts, pause, resume and cancel send what issue 12 specifies', async () => {
    server = await startFakeServer([ok(CAMPAIGN, 201), ok(CAMPAIGN)]);
    const client = clientOf(server.url);
    const params: CreateCampaignParams = {
      name: 'Spring reminders',
      agentId: 'agt_01HXK8Z3MNPQRS',
      contacts: [{ toNumber: '+14155550199', metadata: { customerId: 'c1' }, timeZone: 'America/Chicago' }],
      callingWindow: { days: ['mon', 'tue'], start: '09:00', end: '17:00', timeZone: 'callee' },
      pacing: { callsPerMinute: 5, maxConcurrentCalls: 2 },
      retryPolicy: { no_answer: { maxRetries: 2, delayMinutes: 60 } },
    };
    const id = CAMPAIGN.id;
    expect(await client.campaigns.create(params)).toMatchObject({ id });
    await client.campaigns.create(params, { idempotencyKey: 'batch-1' });
    await client.campaigns.get(id);
    await client.campaigns.addContacts(id, [{ toNumber: '+14155550100' }], { idempotencyKey: 'more-1' });
    await client.campaigns.addContacts(id, [{ toNumber: '+14155550101' }]);
    await client.campaigns.pause(id);
    await client.campaigns.resume(id);
    await client.campaigns.cancel(id);
    expect(sent()).toEqual([
      'POST /api/v1/campaigns',
      'POST /api/v1/campaigns',
      `GET /api/v1/campaigns/${id}`,
      `POST /api/v1/campaigns/${id}/contacts`,
      `POST /api/v1/campaigns/${id}/contacts`,
      `POST /api/v1/campaigns/${id}/pause`,
      `POST /api/v1/campaigns/${id}/resume`,
      `POST /api/v1/campaigns/${id}/cancel`,
    ]);
    const [first, second, , third, fourth] = server.requests;
    expect(JSON.parse(first?.body ?? '')).toEqual(params);
    expect(first?.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(second?.headers['idempotency-key']).toBe('batch-1');
    expect(JSON.parse(third?.body ?? '')).toEqual({ contacts: [{ toNumber: '+14155550100' }] });
    expect(third?.headers['idempotency-key']).toBe('more-1');
    expect(fourth?.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a create whose answer is lost is retried with the same Idempotency-Key', async () => {
    server = await startFakeServer(['drop-connection', ok(CAMPAIGN, 201)]);
    await clientOf(server.url).campaigns.create({ name: 'n', agentId: 'a', contacts: [{ toNumber: '+14155550199' }] });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.headers['idempotency-key']).toBe(server.requests[0]?.headers['idempotency-key']);
  });

  it('list() follows nextCursor through every page, sending the filters again with each cursor', async () => {
    server = await startFakeServer([
      ok({ data: [{ id: 'cmp_3' }, { id: 'cmp_2' }], page: 1, pageSize: 2, hasMore: true, nextCursor: 'cmp_2' }),
      ok({ data: [{ id: 'cmp_1' }], page: 2, pageSize: 2, hasMore: false, nextCursor: null }),
    ]);
    const ids: string[] = [];
    for await (const campaign of clientOf(server.url).campaigns.list({ pageSize: 2 })) ids.push(campaign.id);
    expect(ids).toEqual(['cmp_3', 'cmp_2', 'cmp_1']);
    expect(sent()).toEqual(['GET /api/v1/campaigns?pageSize=2', 'GET /api/v1/campaigns?pageSize=2&cursor=cmp_2']);
  });

  it('refuses an empty id before sending anything', () => {
    expect(() => clientOf('http://127.0.0.1:9').campaigns.pause('')).toThrow(/campaignId/);
  });
});

describe('suppressions', () => {
  it('add, list with auto-paging, and remove (the + of the number escaped in the path)', async () => {
    const suppression = { phoneNumber: '+14155550199', reason: 'asked', createdAt: '2030-01-01T00:00:00Z' };
    server = await startFakeServer([
      ok(suppression, 201),
      ok({ data: [suppression], nextCursor: 'next-1' }),
      ok({ data: [{ ...suppression, phoneNumber: '+14155550100' }], nextCursor: null }),
      { status: 204 },
    ]);
    const client = clientOf(server.url);
    expect(await client.suppressions.add({ phoneNumber: '+14155550199', reason: 'asked' })).toEqual(suppression);
    const numbers: string[] = [];
    for await (const each of client.suppressions.list({ pageSize: 1 })) numbers.push(each.phoneNumber);
    expect(numbers).toEqual(['+14155550199', '+14155550100']);
    expect(await client.suppressions.remove('+14155550199')).toBeUndefined();
    expect(sent()).toEqual([
      'POST /api/v1/suppressions',
      'GET /api/v1/suppressions?pageSize=1',
      'GET /api/v1/suppressions?pageSize=1&cursor=next-1',
      'DELETE /api/v1/suppressions/%2B14155550199',
    ]);
    expect(bodies()[0]).toEqual({ phoneNumber: '+14155550199', reason: 'asked' });
  });

  it('list() may start from a page, then follows the cursors without it', async () => {
    const suppression = { phoneNumber: '+14155550199', reason: null, createdAt: '2030-01-01T00:00:00Z' };
    server = await startFakeServer([
      ok({ data: [suppression], page: 3, pageSize: 1, hasMore: true, nextCursor: 'next-3' }),
      ok({ data: [], page: 4, pageSize: 1, hasMore: false, nextCursor: null }),
    ]);
    const numbers: string[] = [];
    for await (const each of clientOf(server.url).suppressions.list({ page: 3, pageSize: 1 }))
      numbers.push(each.phoneNumber);
    expect(numbers).toEqual(['+14155550199']);
    expect(sent()).toEqual([
      'GET /api/v1/suppressions?page=3&pageSize=1',
      'GET /api/v1/suppressions?pageSize=1&cursor=next-3',
    ]);
  });
});

describe('webhooks', () => {
  it('every endpoint method sends its method and path', async () => {
    const endpoint = { id: 'whk_1', url: 'https://example.com/h', events: ['SessionEnded'] };
    server = await startFakeServer((request) => {
      if (request.method === 'DELETE') return { status: 204 };
      if (request.url.includes('/deliveries'))
        return request.url.includes('cursor=')
          ? ok({ data: [{ id: 'dlv_1' }], nextCursor: null })
          : ok({ data: [{ id: 'dlv_2' }], nextCursor: 'c2' });
      return ok(endpoint);
    });
    const client = clientOf(server.url);
    await client.webhooks.create({ url: 'https://example.com/h', events: ['SessionEnded'] });
    await client.webhooks.list();
    await client.webhooks.get('whk_1');
    await client.webhooks.update('whk_1', { enabled: true });
    await client.webhooks.rotateSecret('whk_1');
    const deliveries: string[] = [];
    for await (const attempt of client.webhooks.deliveries('whk_1', { pageSize: 1 })) deliveries.push(attempt.id);
    await client.webhooks.redeliver('whk_1', 'evt_1');
    expect(await client.webhooks.delete('whk_1')).toBeUndefined();
    expect(deliveries).toEqual(['dlv_2', 'dlv_1']);
    expect(sent()).toEqual([
      'POST /api/v1/webhooks',
      'GET /api/v1/webhooks',
      'GET /api/v1/webhooks/whk_1',
      'PATCH /api/v1/webhooks/whk_1',
      'POST /api/v1/webhooks/whk_1/rotate-secret',
      'GET /api/v1/webhooks/whk_1/deliveries?pageSize=1',
      'GET /api/v1/webhooks/whk_1/deliveries?pageSize=1&cursor=c2',
      'POST /api/v1/webhooks/whk_1/events/evt_1/redeliver',
      'DELETE /api/v1/webhooks/whk_1',
    ]);
    expect(bodies()[0]).toEqual({ url: 'https://example.com/h', events: ['SessionEnded'] });
    expect(bodies()[3]).toEqual({ enabled: true });
  });
});

describe('verifyWebhook', () => {
  const secret = 'whsec_test_secret';
  const body = JSON.stringify({ id: 'evt_1', type: 'SessionEnded', createdAt: '2030-01-01T00:00:00Z', data: {} });
  const now = 1_900_000_000_000;
  const t = now / 1000;
  const sign = (key: string, timestamp: number, payload = body) =>
    createHmac('sha256', key).update(`${timestamp}.${payload}`).digest('hex');
  const reason = (promise: Promise<unknown>) =>
    promise.then(
      () => 'verified',
      (error: unknown) => (error instanceof WebhookVerificationError ? error.reason : error),
    );

  it('returns the event when a v1 matches and t is within the tolerance', async () => {
    expect(await verifyWebhook(body, `t=${t},v1=${sign(secret, t)}`, secret, { now })).toMatchObject({ id: 'evt_1' });
    // During a rotation the header carries two signatures; either matches.
    const both = `t=${t},v1=${sign('whsec_new', t)},v1=${sign(secret, t)}`;
    expect(await reason(verifyWebhook(body, both, secret, { now }))).toBe('verified');
    expect(
      await reason(verifyWebhook(new TextEncoder().encode(body), both, ['whsec_other', 'whsec_new'], { now })),
    ).toBe('verified');
    expect(await reason(verifyWebhook(body, `t=${t - 299},v1=${sign(secret, t - 299)}`, secret, { now }))).toBe(
      'verified',
    );
  });

  it('refuses a wrong secret, a changed body, an old or future timestamp and a malformed header', async () => {
    const header = `t=${t},v1=${sign(secret, t)}`;
    expect(await reason(verifyWebhook(body, header, 'whsec_wrong', { now }))).toBe('no_matching_signature');
    expect(await reason(verifyWebhook(`${body} `, header, secret, { now }))).toBe('no_matching_signature');
    expect(await reason(verifyWebhook(body, `t=${t + 1},v1=${sign(secret, t)}`, secret, { now }))).toBe(
      'no_matching_signature',
    );
    const old = t - 301;
    expect(await reason(verifyWebhook(body, `t=${old},v1=${sign(secret, old)}`, secret, { now }))).toBe(
      'timestamp_out_of_tolerance',
    );
    expect(
      await reason(verifyWebhook(body, `t=${old},v1=${sign(secret, old)}`, secret, { now, toleranceSeconds: 400 })),
    ).toBe('verified');
    const ahead = t + 301;
    expect(await reason(verifyWebhook(body, `t=${ahead},v1=${sign(secret, ahead)}`, secret, { now }))).toBe(
      'timestamp_out_of_tolerance',
    );
    for (const malformed of ['', 'v1=abc', `t=${t}`, `t=soon,v1=${sign(secret, t)}`, 'garbage'])
      expect(await reason(verifyWebhook(body, malformed, secret, { now })), malformed).toMatch(/header$/);
    expect(await reason(verifyWebhook(body, undefined, secret, { now }))).toBe('missing_header');
    expect(await reason(verifyWebhook(body, `t=${t},v1=zz${sign(secret, t).slice(2)}`, secret, { now }))).toBe(
      'no_matching_signature',
    );
  });
});
