import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEEKDAYS } from '#schemas/calling-window';
import { CALLS, callReaches, startTestApi, type TestApi } from '../support/local-api.ts';
import { ahead } from '../support/dates-ahead.ts';

const SUPPRESSIONS = '/api/v1/suppressions';
const AGENT = 'agt_01HXK8Z3MNPQRS';

/** The suppression list and calling windows through real HTTP on the local stack (DynamoDB Local, moto). */
describe('suppression list and calling windows on the local stack', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.stack.stop();
  });

  it('adds a number idempotently, lists it, and removes it by its URL-encoded number', async () => {
    const first = await api.request('POST', SUPPRESSIONS, { body: { phoneNumber: '+15005550199', reason: 'asked' } });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ phoneNumber: '+15005550199', reason: 'asked' });
    const again = await api.request('POST', SUPPRESSIONS, { body: { phoneNumber: '+15005550199' } });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const listed = await api.request('GET', `${SUPPRESSIONS}?pageSize=10`);
    expect(listed.status).toBe(200);
    expect(listed.body.data).toContainEqual(first.body);
    const refused = await api.request('POST', CALLS, { body: { agentId: AGENT, toNumber: '+15005550199' } });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'number_suppressed', param: 'toNumber' });
    expect((await api.request('DELETE', `${SUPPRESSIONS}/%2B15005550199`)).status).toBe(204);
    expect((await api.request('DELETE', `${SUPPRESSIONS}/%2B15005550199`)).status).toBe(404);
    expect((await api.request('DELETE', `${SUPPRESSIONS}/not-a-number`)).status).toBe(400);
  });

  it('never dials a number suppressed after its call was scheduled: it ends cancelled, endReason suppressed', async () => {
    const scheduledFor = new Date(Date.now() + 20_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const created = await api.request('POST', CALLS, {
      body: { agentId: AGENT, toNumber: '+15005550100', scheduledFor },
    });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('scheduled');
    const suppressed = await api.request('POST', SUPPRESSIONS, { body: { phoneNumber: '+15005550100' } });
    expect(suppressed.status).toBe(201);
    const call = await callReaches(
      api,
      created.body.id,
      ['cancelled', 'initiating', 'ringing', 'in_progress', 'completed'],
      90_000,
    );
    expect(call).toMatchObject({ status: 'cancelled', endReason: 'suppressed', initiatedAt: null, attempts: [] });
  });

  it('stores a calling window and retry policy on the call and returns them', async () => {
    const callingWindow = { days: ['sat'], start: '09:00', end: '10:00', timeZone: 'Pacific/Kiritimati' };
    const retryPolicy = { busy: { maxRetries: 2, delayMinutes: 5 } };
    const created = await api.request('POST', CALLS, {
      body: {
        agentId: AGENT,
        toNumber: '+15005550103',
        callingWindow,
        retryPolicy,
        scheduledFor: ahead('2030-06-17T09:00:00Z'),
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'scheduled', callingWindow, retryPolicy });
    // 2030-06-17 is a Monday (and stays one, ahead()); the window opens Saturday 22 June 09:00 in
    // Kiritimati (UTC+14), 21 June 19:00Z.
    expect(created.body.scheduledFor).toBe(ahead('2030-06-21T19:00:00Z'));
    const read = await api.request('GET', `${CALLS}/${created.body.id}`);
    expect(read.body).toMatchObject({ callingWindow, retryPolicy, scheduledFor: ahead('2030-06-21T19:00:00Z') });
  });

  it('answers any calling window, retry policy or suppression input with a 2xx or a 4xx naming the field, never a 5xx (fast-check)', async () => {
    const window = fc.record(
      {
        days: fc.oneof(fc.array(fc.constantFrom(...WEEKDAYS, 'funday')), fc.anything()),
        start: fc.oneof(fc.constantFrom('09:00', '18:00', '24:00', '9:00'), fc.string()),
        end: fc.oneof(fc.constantFrom('17:00', '08:00'), fc.string()),
        timeZone: fc.oneof(fc.constantFrom('callee', 'America/New_York', 'Mars/Base', ''), fc.string()),
        blackoutDates: fc.oneof(
          fc.array(
            fc.record({
              from: fc.constantFrom(ahead('2030-01-01'), ahead('2030-02-30'), 'x'),
              to: fc.constantFrom('2029-12-31', ahead('2030-01-02')),
            }),
          ),
          fc.anything(),
        ),
      },
      { requiredKeys: [] },
    );
    const entry = fc.record(
      {
        maxRetries: fc.oneof(fc.integer({ min: -1, max: 5 }), fc.anything()),
        delayMinutes: fc.oneof(fc.integer({ min: -1, max: 2000 }), fc.anything()),
      },
      { requiredKeys: [] },
    );
    const policy = fc.oneof(
      fc.dictionary(fc.constantFrom('no_answer', 'busy', 'voicemail', 'failed', 'completed'), entry),
      fc.anything(),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(window, fc.anything()),
        policy,
        fc.boolean(),
        async (callingWindow, retryPolicy, withMaxRetries) => {
          const response = await api.request('POST', CALLS, {
            body: {
              agentId: AGENT,
              toNumber: '+15005550100',
              scheduledFor: ahead('2030-06-17T09:00:00Z'),
              callingWindow,
              retryPolicy,
              ...(withMaxRetries ? { maxRetries: 1 } : {}),
            },
          });
          expect(response.status, JSON.stringify(response.body)).toBeLessThan(500);
          if (response.status >= 400) expect(response.body.error.code).toBeTruthy();
        },
      ),
      { numRuns: 60 },
    );
    await fc.assert(
      fc.asyncProperty(fc.anything(), fc.string(), async (body, path) => {
        const created = await api.request('POST', SUPPRESSIONS, { body: { phoneNumber: body, reason: path } });
        expect(created.status).toBeLessThan(500);
        const removed = await api.request('DELETE', `${SUPPRESSIONS}/${encodeURIComponent(path)}`);
        expect(removed.status).toBeLessThan(500);
        const listed = await api.request('GET', `${SUPPRESSIONS}?cursor=${encodeURIComponent(path)}`);
        expect(listed.status).toBeLessThan(500);
      }),
      { numRuns: 40 },
    );
  });
});
