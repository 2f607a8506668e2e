import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLS, eventually, minutesFromNow, startTestApi, type TestApi } from '../support/local-api.ts';

const CAMPAIGNS = '/api/v1/campaigns';
const AGENT = 'agt_01HXK8Z3MNPQRS';
const TERMINAL = ['completed', 'failed', 'no_answer', 'busy', 'cancelled', 'voicemail'];
/** Distinct numbers the carrier simulator answers (every number it does not list: answered, agent ends). */
const contacts = (count: number, from = 0) =>
  Array.from({ length: count }, (_, i) => ({ toNumber: `+1415${String(3000000 + from + i).padStart(7, '0')}` }));

async function campaignCalls(api: TestApi, id: string) {
  const calls: any[] = [];
  let cursor: string | null = null;
  do {
    const page: any = await api.request(
      'GET',
      `${CALLS}?campaignId=${id}&pageSize=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(page.status).toBe(200);
    calls.push(...page.body.data);
    cursor = page.body.nextCursor;
  } while (cursor);
  return calls;
}

describe('campaigns through the local API', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.stack.stop());

  it('creates a campaign, counts move, pause holds every call not dialed, resume finishes it, it completes', async () => {
    const created = await api.request('POST', CAMPAIGNS, {
      body: { name: 'E2E', agentId: AGENT, contacts: contacts(20), pacing: { callsPerMinute: 120 } },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(created.body).toMatchObject({ status: 'running', counts: { total: 20 }, completedAt: null });

    // Counts move as calls go through their lifecycle (from the table's stream).
    await eventually(
      () => api.request('GET', `${CAMPAIGNS}/${id}`),
      (r) => r.body.counts.completed >= 1,
      180_000,
      'a completed call in the counts',
    );

    // Pause: no call of the campaign starts dialing after the answer.
    const paused = await api.request('POST', `${CAMPAIGNS}/${id}/pause`);
    const answeredAt = Date.now();
    expect(paused).toMatchObject({ status: 200, body: { status: 'paused' } });
    // Calls already dialing finish; every other call ends up held (queued) once its time has come.
    const settled = await eventually(
      () => campaignCalls(api, id),
      (calls) => calls.length === 20 && calls.every((c) => TERMINAL.includes(c.status) || c.status === 'queued'),
      180_000,
      'every call ended or held',
    );
    for (const call of settled.filter((c) => c.initiatedAt !== null)) {
      expect(Date.parse(call.initiatedAt)).toBeLessThanOrEqual(answeredAt);
    }
    const held = settled.filter((c) => c.status === 'queued').length;
    expect(held).toBeGreaterThan(0);
    const whilePaused = await eventually(
      () => api.request('GET', `${CAMPAIGNS}/${id}`),
      (r) => r.body.counts.queued === held,
      180_000,
      'the counts to show the held calls',
    );
    expect(whilePaused.body.status).toBe('paused');

    // Resume: the held calls are dialed, and the campaign completes when the last ends.
    expect((await api.request('POST', `${CAMPAIGNS}/${id}/resume`)).body.status).toBe('running');
    const done = await eventually(
      () => api.request('GET', `${CAMPAIGNS}/${id}`),
      (r) => r.body.status === 'completed',
      240_000,
      'the campaign to complete',
    );
    const calls = await campaignCalls(api, id);
    expect(calls).toHaveLength(20);
    expect(calls.every((c) => c.campaignId === id && c.status === 'completed')).toBe(true);
    expect(done.body.counts).toMatchObject({ total: 20, completed: 20, queued: 0, in_progress: 0 });
    expect(done.body.completedAt).not.toBeNull();
    // A second pause of a completed campaign still works, and the list shows the campaign.
    const list = await api.request('GET', `${CAMPAIGNS}?pageSize=100`);
    expect(list.body.data.map((c: any) => c.id)).toContain(id);
  }, 900_000);

  it('cancels every call not yet dialed, and takes no more contacts after', async () => {
    const created = await api.request('POST', CAMPAIGNS, {
      headers: { 'Idempotency-Key': 'e2e-cancel' },
      body: { name: 'Later', agentId: AGENT, contacts: contacts(5, 100), startAt: minutesFromNow(60) },
    });
    expect(created).toMatchObject({ status: 201, body: { status: 'scheduled' } });
    const again = await api.request('POST', CAMPAIGNS, {
      headers: { 'Idempotency-Key': 'e2e-cancel' },
      body: { name: 'Later', agentId: AGENT, contacts: contacts(5, 100), startAt: created.body.startAt },
    });
    const id = created.body.id;
    const appended = await api.request('POST', `${CAMPAIGNS}/${id}/contacts`, { body: { contacts: contacts(2, 200) } });
    expect(appended).toMatchObject({ status: 200, body: { counts: { total: 7 } } });
    const cancelled = await api.request('POST', `${CAMPAIGNS}/${id}/cancel`);
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    // The answer is the campaign's status; its calls are cancelled by the dialer a page at a time, at once.
    const calls = await eventually(
      () => campaignCalls(api, id),
      (all) => all.length === 7 && all.every((c) => c.status === 'cancelled'),
      60_000,
      'every call of the cancelled campaign cancelled',
    );
    expect(calls.map((c) => c.endReason)).toEqual(Array(7).fill('cancelled'));
    await eventually(
      () => api.request('GET', `${CAMPAIGNS}/${id}`),
      (r) => r.body.counts.cancelled === 7 && r.body.counts.scheduled === 0,
      60_000,
      'the counts to show 7 cancelled',
    );
    expect(
      (await api.request('POST', `${CAMPAIGNS}/${id}/contacts`, { body: { contacts: contacts(1, 300) } })).status,
    ).toBe(409);
    expect((await api.request('POST', `${CAMPAIGNS}/${id}/resume`)).status).toBe(409);
    // The first request's key answered the same campaign, or the new body's hash differed (422): never a second campaign.
    expect([201, 422]).toContain(again.status);
    if (again.status === 201) expect(again.body.id).toBe(id);
  }, 120_000);

  it('refuses bad input with a 4xx naming the field', async () => {
    const post = (body: unknown) => api.request('POST', CAMPAIGNS, { body });
    const base = { name: 'Bad', agentId: AGENT, contacts: contacts(1, 500) };
    const cases: Array<[unknown, string]> = [
      [{ ...base, contacts: contacts(1001, 1000) }, 'contacts'],
      [{ ...base, contacts: [...contacts(2, 600), ...contacts(1, 600)] }, 'contacts.2.toNumber'],
      [{ ...base, contacts: [] }, 'contacts'],
      [{ ...base, contacts: [{ toNumber: '+14155550199', timeZone: 'Mars/Olympus' }] }, 'contacts.0.timeZone'],
      [{ ...base, pacing: { maxConcurrentCalls: 100_000 } }, 'pacing.maxConcurrentCalls'],
      [{ ...base, pacing: { callsPerMinute: 0 } }, 'pacing.callsPerMinute'],
      [{ ...base, startAt: '2030-01-01T09:00:00' }, 'startAt'],
      [
        { ...base, callingWindow: { days: [], start: '09:00', end: '17:00', timeZone: 'callee' } },
        'callingWindow.days',
      ],
      [
        { ...base, callingWindow: { days: ['mon'], start: '18:00', end: '09:00', timeZone: 'America/New_York' } },
        'callingWindow.start',
      ],
      [
        { ...base, callingWindow: { days: ['mon'], start: '09:00', end: '17:00', timeZone: 'Nowhere/Land' } },
        'callingWindow.timeZone',
      ],
      [
        { ...base, retryPolicy: { no_answer: { maxRetries: 4, delayMinutes: 10 } } },
        'retryPolicy.no_answer.maxRetries',
      ],
      [{ ...base, contactz: [] }, 'contactz'],
    ];
    for (const [body, param] of cases) {
      const response = await post(body);
      expect(response.status, JSON.stringify(response.body)).toBe(400);
      expect(response.body.error.param, JSON.stringify(response.body)).toBe(param);
    }
    const account = await api.request('POST', CAMPAIGNS, { body: { ...base, pacing: { maxConcurrentCalls: 999 } } });
    expect(account.body.error).toMatchObject({
      code: 'pacing_above_account_limit',
      param: 'pacing.maxConcurrentCalls',
    });
    expect((await api.request('GET', `${CAMPAIGNS}/cmp_nope`)).status).toBe(404);
    expect((await api.request('GET', `${CAMPAIGNS}/cmp_01HXMN8ZABC1230000000000XY`)).status).toBe(404);
    expect((await api.request('GET', `${CALLS}?campaignId=nope`)).status).toBe(400);
  }, 120_000);

  it('never answers a 5xx to whatever is sent to the campaign routes (fast-check)', async () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    const contact = fc.record(
      { toNumber: fc.oneof(fc.constant('+14155550199'), fc.string()), timeZone: fc.string(), metadata: json },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      json,
      fc.record(
        {
          name: fc.oneof(fc.string(), json),
          agentId: fc.oneof(fc.constant(AGENT), fc.string()),
          contacts: fc.oneof(fc.array(contact, { maxLength: 4 }), json),
          startAt: fc.oneof(
            fc.string(),
            fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          ),
          pacing: fc.oneof(json, fc.record({ callsPerMinute: fc.integer(), maxConcurrentCalls: fc.integer() })),
          callingWindow: json,
          retryPolicy: json,
        },
        { requiredKeys: [] },
      ),
    );
    const path = fc.oneof(
      fc.constant(CAMPAIGNS),
      fc.string({ maxLength: 40 }).map((id) => `${CAMPAIGNS}/${encodeURIComponent(id)}/contacts`),
      fc.constantFrom('pause', 'resume', 'cancel').map((verb) => `${CAMPAIGNS}/cmp_01HXMN8ZABC1230000000000XY/${verb}`),
    );
    await fc.assert(
      fc.asyncProperty(path, body, async (target, sent) => {
        const response = await api.request('POST', target, { body: sent });
        expect(response.status, JSON.stringify(response.body)).toBeLessThan(500);
        if (response.status >= 400) expect(typeof response.body.error.code).toBe('string');
      }),
      { numRuns: 150 },
    );
  }, 300_000);
});
