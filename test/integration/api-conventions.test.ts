import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLS, callReaches, startTestApi, type TestApi } from '../support/local-api.ts';
import { ahead } from '../support/dates-ahead.ts';

const AGENT = 'agt_01HXK8Z3MNPQRS';
const LATER = ahead('2030-06-17T09:00:00Z');
const TERMINAL = ['completed', 'failed', 'no_answer', 'busy', 'cancelled', 'voicemail'];

/**
 * Everyday HTTP conventions through the local API (docs/api.md, "Request ids, Location, 405"), and
 * PATCH of a scheduled call as a client uses it: the call keeps its id and is dialed at its new
 * time; whatever body is sent answers 200 or a 4xx that changed nothing.
 */
describe('API conventions and PATCH through HTTP', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.stack.stop());

  const schedule = async (scheduledFor = LATER) => {
    const created = await api.request('POST', CALLS, {
      body: { agentId: AGENT, toNumber: '+15005550100', scheduledFor },
    });
    expect(created.status).toBe(201);
    return created;
  };

  it('answers a 201 with Location, and every answer, errors included, with a Request-Id the error body repeats', async () => {
    const created = await schedule();
    expect(created.headers.get('location')).toBe(`${CALLS}/${created.body.id}`);
    // Every create that answers 201 says where the new resource is (before: campaigns and suppressions did not).
    const campaign = await api.request('POST', '/api/v1/campaigns', {
      body: { name: 'Located', agentId: AGENT, startAt: LATER, contacts: [{ toNumber: '+14155550177' }] },
    });
    expect(campaign.status).toBe(201);
    expect(campaign.headers.get('location')).toBe(`/api/v1/campaigns/${campaign.body.id}`);
    expect((await api.request('GET', campaign.headers.get('location') as string)).body.id).toBe(campaign.body.id);
    const suppression = await api.request('POST', '/api/v1/suppressions', { body: { phoneNumber: '+14155550178' } });
    expect(suppression.status).toBe(201);
    expect(suppression.headers.get('location')).toBe('/api/v1/suppressions/%2B14155550178');
    const ok = await api.request('GET', `${CALLS}/${created.body.id}`);
    const missing = await api.request('GET', `${CALLS}/obc_01HXMN8ZABC123`);
    const invalid = await api.request('POST', CALLS, { body: { agentId: AGENT } });
    const ids = [created, ok, missing, invalid].map((answer) => answer.headers.get('request-id'));
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(missing.body.error.requestId).toBe(missing.headers.get('request-id'));
    expect(invalid.body.error.requestId).toBe(invalid.headers.get('request-id'));
  });

  it('every listing refuses a cursor it did not issue the same way: 400 invalid_cursor naming cursor (before: invalid_field for campaigns and deliveries)', async () => {
    const hook = (await api.request('GET', '/api/v1/webhooks')).body.data[0]?.id ?? 'wh_01HXMN8ZABC1230000000000XY';
    for (const listing of [CALLS, '/api/v1/suppressions', '/api/v1/campaigns', `/api/v1/webhooks/${hook}/deliveries`]) {
      const answer = await api.request('GET', `${listing}?cursor=garbage`);
      expect(answer.status, `${listing}: ${JSON.stringify(answer.body)}`).toBe(400);
      expect(answer.body.error, listing).toMatchObject({ code: 'invalid_cursor', param: 'cursor' });
    }
  });

  it('says how to send an offset when a + in a date filter arrived as a space', async () => {
    const spaced = await api.request('GET', `${CALLS}?dateFrom=2026-12-01T00:00:00+01:00`);
    expect(spaced.status).toBe(400);
    expect(spaced.body.error).toMatchObject({ param: 'dateFrom', message: expect.stringContaining('%2B') });
    expect((await api.request('GET', `${CALLS}?dateFrom=2026-12-01T00:00:00%2B01:00`)).status).toBe(200);
  });

  it('answers a known path asked with another method 405 with Allow, and an unknown path 404', async () => {
    const wrong = await api.request('DELETE', CALLS);
    expect(wrong.status).toBe(405);
    expect(wrong.body.error.code).toBe('method_not_allowed');
    expect(wrong.headers.get('allow')?.split(/,\s*/).sort()).toEqual(['GET', 'POST']);
    expect((await api.request('GET', '/api/v1/nothing-here')).status).toBe(404);
  });

  it('moves a scheduled call to now: same id, dialed once, at its new time', async () => {
    const created = await schedule();
    const now = new Date().toISOString();
    const moved = await api.request('PATCH', `${CALLS}/${created.body.id}`, {
      body: { scheduledFor: now, metadata: { moved: true } },
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ id: created.body.id, metadata: { moved: true } });
    const ended = await callReaches(api, created.body.id, TERMINAL, 60_000);
    expect(ended.status).toBe('completed');
    expect(ended.attempts).toHaveLength(1);
    // Once it is no longer scheduled, a change is a 409 naming the status.
    const late = await api.request('PATCH', `${CALLS}/${created.body.id}`, { body: { maxRetries: 1 } });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('call_not_updatable');
  });

  it('PATCH: any body answers 200 or a 4xx, and a 4xx changes nothing', async () => {
    const created = await schedule();
    const path = `${CALLS}/${created.body.id}`;
    const field = fc.constantFrom(
      'scheduledFor',
      'metadata',
      'overrideFirstMessage',
      'maxRetries',
      'retryDelayMinutes',
      'status',
      'toNumber',
      '__proto__',
    );
    const value = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.constantFrom(ahead('2031-01-01T00:00:00Z'), '2025-01-01T00:00:00Z', 'Hello\u0001', -1, 4, 1441),
    );
    const body = fc.oneof(
      fc.dictionary(field, value, { maxKeys: 4 }).map((object) => JSON.stringify(object)),
      fc.string({ maxLength: 60 }),
      fc.constantFrom('', '[]', 'null', '{"metadata":{"constructor":{}}}', '{"maxRetries":1e309}'),
    );
    await fc.assert(
      fc.asyncProperty(body, async (rawBody) => {
        const before = (await api.request('GET', path)).body;
        const answer = await api.request('PATCH', path, {
          rawBody,
          headers: { 'content-type': 'application/json' },
        });
        expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(500);
        if (answer.status >= 400) {
          expect(answer.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
          expect((await api.request('GET', path)).body).toEqual(before);
        } else {
          expect(answer.body.status).toBe('scheduled');
        }
      }),
      { numRuns: 40, endOnFailure: true },
    );
  }, 300_000);
});
