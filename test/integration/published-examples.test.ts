import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLS, callReaches, minutesFromNow, startTestApi, type TestApi } from '../support/local-api.ts';

/** The API reference's curl examples, sent exactly as published (only the host and key differ). */
describe('published examples against the local stack', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.stack.stop());

  let immediateId: string;
  let scheduledId: string;
  let scheduledFor: string;

  it('creates an immediate call: 201 and the whole call object', async () => {
    const response = await api.request('POST', CALLS, {
      rawBody: `{
    "agentId": "agt_01HXK8Z3MNPQRS",
    "toNumber": "+14155550199",
    "metadata": {
      "customerId": "cust_12345",
      "customerName": "Jane Smith",
      "appointmentTime": "2025-06-20T10:00:00"
    },
    "overrideFirstMessage": "Hi Jane, this is Aria calling from Acme to confirm your appointment on June 20th at 10 AM."
  }`,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(201);
    const call = response.body;
    expect(call).toMatchObject({
      agentId: 'agt_01HXK8Z3MNPQRS',
      toNumber: '+14155550199',
      fromNumber: '+14155550123',
      status: 'queued',
      direction: 'outbound',
      scheduledFor: null,
      initiatedAt: null,
      connectedAt: null,
      endedAt: null,
      durationSeconds: null,
      conversationId: null,
      endReason: null,
      retryCount: 0,
      maxRetries: 0,
      retryDelayMinutes: 15,
      metadata: { customerId: 'cust_12345', customerName: 'Jane Smith', appointmentTime: '2025-06-20T10:00:00' },
      overrideFirstMessage:
        'Hi Jane, this is Aria calling from Acme to confirm your appointment on June 20th at 10 AM.',
      attempts: [],
    });
    expect(call.id).toMatch(/^obc_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(call.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    immediateId = call.id;
  });

  it('creates a scheduled call (scheduledFor moved into the future)', async () => {
    scheduledFor = minutesFromNow(60);
    const response = await api.request('POST', CALLS, {
      rawBody: `{
    "agentId": "agt_01HXK8Z3MNPQRS",
    "toNumber": "+14155550199",
    "scheduledFor": "${scheduledFor}",
    "metadata": { "customerId": "cust_12345" },
    "maxRetries": 2,
    "retryDelayMinutes": 30
  }`,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      status: 'scheduled',
      scheduledFor,
      maxRetries: 2,
      retryDelayMinutes: 30,
      retryCount: 0,
    });
    scheduledId = response.body.id;
  });

  it('gets a call by id', async () => {
    const response = await api.request('GET', `${CALLS}/${immediateId}`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: immediateId, agentId: 'agt_01HXK8Z3MNPQRS', toNumber: '+14155550199' });
  });

  it('dials the immediate call, which the agent completes', async () => {
    const call = await callReaches(api, immediateId, ['completed', 'failed', 'no_answer', 'busy', 'voicemail']);
    expect(call).toMatchObject({ status: 'completed', endReason: 'agent_ended', retryCount: 0 });
    expect(call.conversationId).toMatch(/^conv_/);
    expect(call.durationSeconds).toBe(Math.round((Date.parse(call.endedAt) - Date.parse(call.connectedAt)) / 1000));
    expect(call.attempts).toHaveLength(1);
  });

  it('lists with the published status and agentId filters', async () => {
    const response = await api.request('GET', `${CALLS}?status=scheduled&agentId=agt_01HXK8Z3MNPQRS`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ page: 1, pageSize: 20, hasMore: false, nextCursor: null });
    expect(response.body.data.map((call: { id: string }) => call.id)).toEqual([scheduledId]);
  });

  it('cancels the scheduled call with the published command, then refuses a second cancel', async () => {
    const response = await api.request('POST', `${CALLS}/${scheduledId}/cancel`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: scheduledId, status: 'cancelled', endReason: 'cancelled' });

    const again = await api.request('POST', `${CALLS}/${scheduledId}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ type: 'conflict', code: 'call_not_cancellable' });
    expect(again.body.error.message).toContain('cancelled');

    const listed = await api.request('GET', `${CALLS}?status=cancelled`);
    expect(listed.body.data.map((call: { id: string }) => call.id)).toEqual([scheduledId]);
    const scheduled = await api.request('GET', `${CALLS}?status=scheduled&agentId=agt_01HXK8Z3MNPQRS`);
    expect(scheduled.body.data).toEqual([]);
  });

  it('refuses to cancel a call that has been dialed, naming its status', async () => {
    const response = await api.request('POST', `${CALLS}/${immediateId}/cancel`);
    expect(response.status).toBe(409);
    expect(response.body.error.message).toContain('is completed');
  });
});
