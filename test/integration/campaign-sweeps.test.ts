import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLS, eventually, minutesFromNow, startTestApi, type TestApi } from '../support/local-api.ts';

const CAMPAIGNS = '/api/v1/campaigns';
const AGENT = 'agt_01HXK8Z3MNPQRS';
/** A small page, so that campaigns of a few pages stay small: the paging is what is under test. */
const SWEEP_PAGE_SIZE = 20;
const contacts = (count: number, from: number) =>
  Array.from({ length: count }, (_, i) => ({ toNumber: `+1415${String(4000000 + from + i).padStart(7, '0')}` }));

/**
 * Resume and cancel of campaigns larger than one page, against DynamoDB Local and moto: the API
 * answers after one write, and the dialer works through the calls a page at a time (campaign
 * sweeps on the dial queue, use-cases/campaign-sweeps.ts), following the campaign-status index.
 */
describe('campaign sweeps through the local stack', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({
      environment: { PROVIDER_CALLS_PER_SECOND: '20', CAMPAIGN_SWEEP_PAGE_SIZE: String(SWEEP_PAGE_SIZE) },
    });
  });
  afterAll(() => api.stack.stop());

  async function statuses(id: string): Promise<Record<string, number>> {
    const seen: Record<string, number> = {};
    let cursor: string | null = null;
    do {
      const page: any = await api.request(
        'GET',
        `${CALLS}?campaignId=${id}&pageSize=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      for (const call of page.body.data) seen[call.status] = (seen[call.status] ?? 0) + 1;
      cursor = page.body.nextCursor;
    } while (cursor);
    return seen;
  }

  it('cancels every waiting call of a campaign of several pages; a repeated cancel is harmless', async () => {
    const total = SWEEP_PAGE_SIZE * 2 + 10;
    const created = await api.request('POST', CAMPAIGNS, {
      body: {
        name: 'Big later',
        agentId: AGENT,
        contacts: contacts(1000, 0).slice(0, total),
        startAt: minutesFromNow(60),
        pacing: { callsPerMinute: 600 },
      },
    });
    expect(created).toMatchObject({ status: 201, body: { status: 'scheduled', counts: { total } } });
    const id = created.body.id;
    await eventually(
      () => api.request('GET', `${CAMPAIGNS}/${id}`),
      (r) => r.body.counts.scheduled === total,
      60_000,
      'the counts to show every call scheduled',
    );

    const cancelled = await api.request('POST', `${CAMPAIGNS}/${id}/cancel`);
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    expect((await api.request('POST', `${CAMPAIGNS}/${id}/cancel`)).body.status).toBe('cancelled');
    expect(
      await eventually(
        () => statuses(id),
        (seen) => seen.cancelled === total,
        120_000,
        `all ${total} calls cancelled`,
      ),
    ).toEqual({ cancelled: total });
    await eventually(
      () => api.request('GET', `${CAMPAIGNS}/${id}`),
      (r) => r.body.counts.cancelled === total && r.body.counts.scheduled === 0,
      60_000,
      'the counts to show every call cancelled',
    );
  }, 300_000);

  it('resumes a paused campaign whose held calls span pages: each is dialed once, and the campaign completes', async () => {
    const total = SWEEP_PAGE_SIZE + 6;
    const created = await api.request('POST', CAMPAIGNS, {
      body: {
        name: 'Big soon',
        agentId: AGENT,
        contacts: contacts(total, 2000),
        startAt: minutesFromNow(0.5),
        pacing: { callsPerMinute: 600 },
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await api.request('POST', `${CAMPAIGNS}/${id}/pause`)).body.status).toBe('paused');
    // Every call's time comes within the next minute, and each is held (queued) at the dial gate.
    await eventually(
      () => statuses(id),
      (seen) => seen.queued === total,
      180_000,
      `all ${total} calls held`,
    );
    expect([...api.stack.simulatedCalls.calls.values()]).toHaveLength(0);

    expect((await api.request('POST', `${CAMPAIGNS}/${id}/resume`)).body.status).toBe('running');
    const done = await eventually(
      () => api.request('GET', `${CAMPAIGNS}/${id}`),
      (r) => r.body.status === 'completed',
      300_000,
      'the campaign to complete',
    );
    expect(done.body.counts).toMatchObject({ total, completed: total, queued: 0 });
    // Dialed once each: the simulator saw each number once.
    const dialed = [...api.stack.simulatedCalls.calls.values()].map((call) => call.to);
    const ours = new Set(contacts(total, 2000).map((contact) => contact.toNumber));
    expect(dialed.filter((to) => ours.has(to)).sort()).toEqual([...ours].sort());
  }, 600_000);
});
