import { ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLS, callReaches, eventually, startTestApi, type TestApi } from '../support/local-api.ts';

const AGENT = 'agt_01HXK8Z3MNPQRS';
const TERMINAL = ['completed', 'failed', 'no_answer', 'busy', 'cancelled', 'voicemail'];

/**
 * Calls through the whole local pipeline: API → DynamoDB Local → SQS and Scheduler in moto →
 * dialer → Twilio adapter → carrier simulator → signed webhooks → state machine. The simulator's
 * time runs 20× fast and a retry "minute" lasts one second.
 */
describe('calls through the local pipeline', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.stack.stop());

  const create = async (body: Record<string, unknown>) => {
    const response = await api.request('POST', CALLS, { body: { agentId: AGENT, ...body } });
    expect(response.status).toBe(201);
    return response.body as { id: string; status: string };
  };

  it.each([
    ['+15005550100', 'completed', 'agent_ended'],
    ['+15005550101', 'completed', 'customer_ended'],
    ['+15005550103', 'busy', 'busy'],
    ['+15005550104', 'voicemail', 'voicemail_left'],
    ['+15005550105', 'failed', 'invalid_number'],
    ['+15005550106', 'failed', 'provider_error'],
    // A fax machine: its own end reason, not a voicemail (before: voicemail/voicemail_left).
    ['+15005550107', 'failed', 'fax_detected'],
    // An answering machine whose verdict comes only with the answer request (before: completed/customer_ended).
    ['+15005550108', 'voicemail', 'voicemail_left'],
  ])('a call to %s ends %s with endReason %s', async (toNumber, status, endReason) => {
    const { id } = await create({ toNumber });
    const call = await callReaches(api, id, TERMINAL);
    expect(call).toMatchObject({ status, endReason, retryCount: 0 });
    expect(call.endedAt).not.toBeNull();
    expect(call.attempts).toHaveLength(1);
    expect(call.attempts[0]).toMatchObject({ attempt: 1, status, endReason });
    if (status === 'completed' || status === 'voicemail' || endReason === 'fax_detected') {
      expect(call.conversationId).toMatch(/^conv_/);
      expect(call.connectedAt).not.toBeNull();
      expect(call.durationSeconds).toBe(Math.round((Date.parse(call.endedAt) - Date.parse(call.connectedAt)) / 1000));
    } else {
      expect(call.conversationId).toBeNull();
      expect(call.durationSeconds).toBe(0);
    }
  });

  it('moves through every published status of a connected call, in order', async () => {
    const { id } = await create({ toNumber: '+15005550100' });
    const seen: string[] = [];
    await eventually(
      async () => {
        const status = (await api.request('GET', `${CALLS}/${id}`)).body.status as string;
        if (seen.at(-1) !== status) seen.push(status);
        return status;
      },
      (status) => TERMINAL.includes(status),
      60_000,
    );
    const order = ['queued', 'initiating', 'ringing', 'in_progress', 'completed'];
    expect(seen.every((status, i) => i === 0 || order.indexOf(status) > order.indexOf(seen[i - 1] as string))).toBe(
      true,
    );
    expect(seen).toContain('in_progress');
    expect(seen.at(-1)).toBe('completed');
  });

  it('hands the answered call to the agent with the first message, metadata and ids', async () => {
    const { id } = await create({
      toNumber: '+15005550100',
      metadata: { customerId: 'cust_9' },
      overrideFirstMessage: 'Hi Jane!',
    });
    const call = await callReaches(api, id, TERMINAL);
    const simulated = [...api.stack.simulatedCalls.calls.values()].find((c) => String(c.params.Url).includes(id));
    // The simulator read the TwiML as strictly as Twilio, and found nothing wrong with it.
    expect(simulated?.errorCode).toBeNull();
    expect(simulated?.answerTwiml).toContain('<Connect action="');
    expect(simulated?.answerTwiml).toContain('<Stream url="wss://');
    for (const [name, value] of [
      ['callId', id],
      ['agentId', AGENT],
      ['conversationId', call.conversationId],
      ['firstMessage', 'Hi Jane!'],
      ['metadata', '{&quot;customerId&quot;:&quot;cust_9&quot;}'],
    ]) {
      expect(simulated?.answerTwiml).toContain(`<Parameter name="${name}" value="${value}"/>`);
    }
    const defaulted = await create({ toNumber: '+15005550101' });
    await callReaches(api, defaulted.id, TERMINAL);
    const other = [...api.stack.simulatedCalls.calls.values()].find((c) => String(c.params.Url).includes(defaulted.id));
    expect(other?.answerTwiml).toContain('value="Hi, this is Aria calling from Acme about your upcoming appointment."');
  });

  it('retries a call nobody answers, then ends no_answer with three attempts', async () => {
    const { id } = await create({ toNumber: '+15005550102', maxRetries: 2, retryDelayMinutes: 1 });
    // A loaded machine may first see it waiting for its second retry: the first is what matters here.
    const waiting = await callReaches(api, id, ['scheduled'], 60_000);
    expect(waiting.retryCount).toBeGreaterThanOrEqual(1);
    expect(waiting.attempts[0]).toMatchObject({ attempt: 1, status: 'no_answer', endReason: 'no_answer' });
    const call = await callReaches(api, id, TERMINAL, 60_000);
    expect(call).toMatchObject({ status: 'no_answer', endReason: 'no_answer', retryCount: 2, maxRetries: 2 });
    expect(call.attempts.map((a: { attempt: number; status: string }) => [a.attempt, a.status])).toEqual([
      [1, 'no_answer'],
      [2, 'no_answer'],
      [3, 'no_answer'],
    ]);
    // Each retry waits retryDelayMinutes after the previous attempt ended.
    for (const [previous, next] of [
      [0, 1],
      [1, 2],
    ] as const) {
      const gap = Date.parse(call.attempts[next].initiatedAt) - Date.parse(call.attempts[previous].endedAt);
      expect(gap).toBeGreaterThanOrEqual(0);
    }
    const dials = [...api.stack.simulatedCalls.calls.values()].filter((c) => String(c.params.Url).includes(id));
    expect(dials).toHaveLength(3);
  });

  it('can cancel a call waiting for its retry', async () => {
    const { id } = await api
      .request('POST', CALLS, {
        body: { agentId: AGENT, toNumber: '+15005550102', maxRetries: 3, retryDelayMinutes: 30 },
      })
      .then((r) => r.body);
    await callReaches(api, id, ['scheduled'], 60_000);
    const cancelled = await api.request('POST', `${CALLS}/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', retryCount: 1 });
  });

  it('dials a call scheduled a few seconds ahead at its time, never before it', async () => {
    const scheduledFor = new Date(Math.ceil((Date.now() + 4000) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    const { id, status } = await create({ toNumber: '+15005550100', scheduledFor });
    expect(status).toBe('scheduled');
    const call = await callReaches(api, id, ['initiating', 'ringing', 'in_progress', ...TERMINAL], 60_000);
    const lateMs = Date.parse(call.initiatedAt) - Date.parse(scheduledFor);
    // Never early. How late is a benchmark's and the dispatch-lag metric's business, not a test's:
    // a loaded machine may delay any timer.
    expect(lateMs).toBeGreaterThanOrEqual(0);
  });

  it('cancelling a scheduled call deletes its schedule, and it is never dialed', async () => {
    const scheduler = new SchedulerClient({});
    const group = api.stack.queues.scheduleGroupName;
    const scheduledFor = new Date(Date.now() + 3 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const { id } = await create({ toNumber: '+15005550100', scheduledFor });
    const names = async () =>
      ((await scheduler.send(new ListSchedulesCommand({ GroupName: group }))).Schedules ?? []).map((s) => s.Name);
    expect(await names()).toContain(`${id}-a1`);
    expect((await api.request('POST', `${CALLS}/${id}/cancel`)).status).toBe(200);
    expect(await names()).not.toContain(`${id}-a1`);
    expect([...api.stack.simulatedCalls.calls.values()].some((c) => String(c.params.Url).includes(id))).toBe(false);
  });
});
