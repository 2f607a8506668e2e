import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { CONTACT_CHUNK_BYTES, DynamoDbCampaignStore, contactChunks } from '#adapters/dynamodb/campaign-store';
import { systemClock } from '#ports/clock';
import type { StoredContact } from '#ports/campaign-store';
import type { StoredCampaign } from '#schemas/campaign';
import { aStoredCampaign } from '../support/campaigns.ts';
import { CALLS, eventually, startTestApi, type TestApi } from '../support/local-api.ts';

const CAMPAIGNS = '/api/v1/campaigns';
const AGENT = 'agt_01HXK8Z3MNPQRS';
const contacts = (count: number, from: number) =>
  Array.from({ length: count }, (_, i) => ({ toNumber: `+1415${String(6000000 + from + i).padStart(7, '0')}` }));

/**
 * A campaign request with a tiny time budget for its calls (CAMPAIGN_CALLS_BUDGET_MS), against
 * DynamoDB Local and moto: the request answers 201 with every contact counted, the dialer's
 * campaignContacts pages make the other calls, and each contact ends with one call, dialed once.
 */
describe('campaign requests that run out of their calls budget', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({
      environment: {
        PROVIDER_CALLS_PER_SECOND: '20',
        // No time for calls in a request: every call is made by the dialer's pages, one per page.
        CAMPAIGN_CALLS_BUDGET_MS: '0',
        CAMPAIGN_SWEEP_PAGE_SIZE: '9',
      },
    });
  });
  afterAll(() => api.stack.stop());

  async function callsOf(id: string): Promise<Array<{ id: string; toNumber: string; status: string }>> {
    const all: Array<{ id: string; toNumber: string; status: string }> = [];
    let cursor: string | null = null;
    do {
      const page: any = await api.request(
        'GET',
        `${CALLS}?campaignId=${id}&pageSize=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      all.push(...page.body.data);
      cursor = page.body.nextCursor;
    } while (cursor);
    return all;
  }

  it('answers 201 with every contact counted; every contact ends with exactly one call, dialed once', async () => {
    const total = 12;
    const list = contacts(total, 0);
    const created = await api.request('POST', CAMPAIGNS, {
      body: { name: 'Budgeted', agentId: AGENT, contacts: list, pacing: { callsPerMinute: 600 } },
    });
    expect(created).toMatchObject({ status: 201, body: { counts: { total } } });
    const id = created.body.id;

    const done = await eventually(
      () => api.request('GET', `${CAMPAIGNS}/${id}`),
      (r) => r.body.status === 'completed',
      300_000,
      'the campaign to complete',
    );
    expect(done.body.counts).toMatchObject({ total, completed: total });
    const calls = await callsOf(id);
    expect(calls.map((call) => call.toNumber).sort()).toEqual(list.map((c) => c.toNumber).sort());
    const ours = new Set(list.map((c) => c.toNumber));
    const dialed = [...api.stack.simulatedCalls.calls.values()].map((call) => call.to).filter((to) => ours.has(to));
    expect(dialed.sort()).toEqual([...ours].sort());
  }, 600_000);

  it('an append past its budget, repeated with its Idempotency-Key, still makes each contact one call', async () => {
    const first = contacts(3, 100);
    const created = await api.request('POST', CAMPAIGNS, {
      body: { name: 'Appended', agentId: AGENT, contacts: first, startAt: '2099-01-01T00:00:00Z' },
    });
    const id = created.body.id;
    const more = contacts(12, 200);
    const options = { body: { contacts: more }, headers: { 'Idempotency-Key': 'append-budget-1' } };
    const appended = await api.request('POST', `${CAMPAIGNS}/${id}/contacts`, options);
    const again = await api.request('POST', `${CAMPAIGNS}/${id}/contacts`, options);
    expect(appended).toMatchObject({ status: 200, body: { counts: { total: 15 } } });
    expect(again).toMatchObject({ status: 200, body: { counts: { total: 15 } } });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const calls = await eventually(
      () => callsOf(id),
      (all) => all.length >= 15,
      120_000,
      'a call for each of the 15 contacts',
    );
    expect(calls.map((call) => call.toNumber).sort()).toEqual([...first, ...more].map((c) => c.toNumber).sort());
    expect(calls.every((call) => call.status === 'scheduled')).toBe(true);
  }, 300_000);

  it('keeps large contacts in chunks under DynamoDB’s item limit and reads any page of them back exactly', async () => {
    const store = new DynamoDbCampaignStore(createDocumentClient(), api.stack.tableName, systemClock);
    const campaign = aStoredCampaign({
      accountId: 'acc_chunks',
      name: 'Large contacts',
      agentId: AGENT,
      counts: { total: 20 },
    });
    const at = campaign.createdAt;
    // At the schema's bounds: 8 KB of metadata and 4,000 four-byte characters of first message.
    const large = (index: number): StoredContact => ({
      index,
      dueAt: at,
      contact: {
        toNumber: `+1415${String(7000000 + index).padStart(7, '0')}`,
        metadata: { note: 'm'.repeat(8000), n: index },
        overrideFirstMessage: '😀'.repeat(4000),
        timeZone: 'America/New_York',
      },
    });
    const stored = Array.from({ length: 20 }, (_, i) => large(i));
    const chunks = contactChunks(stored);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(Buffer.byteLength(chunk.json)).toBeLessThanOrEqual(CONTACT_CHUNK_BYTES);
    const due = '2000-01-01T00:00:00Z';
    await store.create(campaign, stored, due);
    // An append's contacts, in a range of their own.
    const appended = Array.from({ length: 10 }, (_, i) => large(20 + i));
    const reservation = { firstIndex: 20, count: 10, firstDueAt: at, nextDueAt: at, at };
    const read = await store.get(campaign.accountId, campaign.id);
    await store.reserveContacts(read as StoredCampaign, reservation, appended, due);

    expect(await store.readContacts(campaign.accountId, campaign.id, 7, 18)).toEqual(
      [...stored, ...appended].slice(7, 25),
    );
    expect((await store.readContacts(campaign.accountId, campaign.id, 29, 5)).map((c) => c.index)).toEqual([29]);
    expect(await store.readContacts(campaign.accountId, campaign.id, 30, 5)).toEqual([]);

    // Progress: only a range that starts within what is done moves it; done, it leaves the index.
    const dueNow = async () =>
      (await store.listContactsDue(new Date().toISOString(), 100)).some((c) => c.campaignId === campaign.id);
    expect(await dueNow()).toBe(true);
    expect(await store.recordContactsCreated(campaign.accountId, campaign.id, { from: 10, to: 20 }, due)).toEqual({
      contactsCreated: 0,
      total: 30,
    });
    expect(await store.recordContactsCreated(campaign.accountId, campaign.id, { from: 0, to: 10 }, due)).toEqual({
      contactsCreated: 10,
      total: 30,
    });
    const later = '2999-01-01T00:00:00Z';
    await store.recordContactsCreated(campaign.accountId, campaign.id, { from: 10, to: 30 }, later);
    expect(await dueNow()).toBe(false);
    expect((await store.get(campaign.accountId, campaign.id))?.contactsCreated).toBe(30);
    expect(await store.recordContactsCreated('acc_chunks', 'cmp_none', { from: 0, to: 1 }, due)).toBeNull();
  }, 120_000);
});
