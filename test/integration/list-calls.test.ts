import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { DynamoDbCallRepository } from '#adapters/dynamodb/call-repository';
import { aCall } from '../support/calls.ts';
import { CALLS, startTestApi, type TestApi } from '../support/local-api.ts';

const AGENTS = ['agt_01HXK8Z3MNPQRS', 'agt_01HXK8Z3MNPQRT'] as const;
type Listed = {
  data: Array<{ id: string; createdAt: string; agentId: string; status: string }>;
  page: number;
  pageSize: number;
  hasMore: boolean;
  nextCursor: string | null;
};

/**
 * 30 calls written over three days of June 2025 straight through the store (the API only creates
 * calls "now"), alternating agents; every third one cancelled.
 */
describe('listing calls', () => {
  let api: TestApi;
  const calls: Array<{ id: string; createdAt: string; agentId: string; status: string }> = [];

  beforeAll(async () => {
    api = await startTestApi();
    const store = new DynamoDbCallRepository(createDocumentClient(), api.stack.tableName, { now: () => new Date() });
    for (let i = 0; i < 30; i++) {
      const at = new Date(Date.UTC(2025, 5, 1 + Math.floor(i / 10), 9, i, 0));
      const call = aCall({ agentId: AGENTS[i % 2] as string, metadata: { i } }, at);
      const stored = i % 3 === 0 ? { ...call, status: 'cancelled' as const } : call;
      await store.create(stored);
      calls.push(stored);
    }
  });
  afterAll(() => api.stack.stop());

  const newestFirst = (list: typeof calls) => [...list].sort((a, b) => (a.id < b.id ? 1 : -1)).map((call) => call.id);
  const list = async (query: string) => {
    const response = await api.request<Listed>('GET', `${CALLS}${query}`);
    expect(response.status).toBe(200);
    return response.body;
  };

  it('returns the newest first, 20 by default', async () => {
    const page = await list('');
    expect(page.data.map((call) => call.id)).toEqual(newestFirst(calls).slice(0, 20));
    expect(page).toMatchObject({ page: 1, pageSize: 20, hasMore: true });
  });

  it('pages by number, and the pages partition the result', async () => {
    const seen: string[] = [];
    for (let page = 1; page <= 4; page++) {
      const result = await list(`?page=${page}&pageSize=8`);
      expect(result.page).toBe(page);
      expect(result.hasMore).toBe(page < 4);
      seen.push(...result.data.map((call) => call.id));
    }
    expect(seen).toEqual(newestFirst(calls));
  });

  it('follows nextCursor through every call, and the cursor keeps the filters', async () => {
    const seen: string[] = [];
    let query = '?agentId=agt_01HXK8Z3MNPQRT&pageSize=4';
    let page = 0;
    for (;;) {
      const result = await list(query);
      page += 1;
      expect(result.page).toBe(page);
      seen.push(...result.data.map((call) => call.id));
      if (!result.nextCursor) break;
      query = `?agentId=agt_01HXK8Z3MNPQRT&pageSize=4&cursor=${result.nextCursor}`;
    }
    expect(seen).toEqual(newestFirst(calls.filter((call) => call.agentId === 'agt_01HXK8Z3MNPQRT')));

    const first = await list('?agentId=agt_01HXK8Z3MNPQRT&pageSize=4');
    const mismatched = await api.request(
      'GET',
      `${CALLS}?agentId=agt_01HXK8Z3MNPQRS&pageSize=4&cursor=${first.nextCursor}`,
    );
    expect(mismatched.status).toBe(400);
    expect(mismatched.body.error.code).toBe('invalid_cursor');
  });

  it.each([
    ['status', '?status=cancelled&pageSize=100', (call: (typeof calls)[number]) => call.status === 'cancelled'],
    ['agent', `?agentId=${AGENTS[0]}&pageSize=100`, (call: (typeof calls)[number]) => call.agentId === AGENTS[0]],
    [
      'agent and status',
      `?agentId=${AGENTS[0]}&status=queued&pageSize=100`,
      (call: (typeof calls)[number]) => call.agentId === AGENTS[0] && call.status === 'queued',
    ],
    [
      'a dateFrom date',
      '?dateFrom=2025-06-02&pageSize=100',
      (call: (typeof calls)[number]) => call.createdAt >= '2025-06-02',
    ],
    [
      'a dateTo date (the whole day)',
      '?dateTo=2025-06-02&pageSize=100',
      (call: (typeof calls)[number]) => call.createdAt < '2025-06-03',
    ],
    [
      'a date-time range',
      '?dateFrom=2025-06-02T09:05:00Z&dateTo=2025-06-02T09:12:00Z&pageSize=100',
      (call: (typeof calls)[number]) =>
        call.createdAt >= '2025-06-02T09:05:00Z' && call.createdAt <= '2025-06-02T09:12:00Z',
    ],
    [
      'a date-time with an offset',
      '?dateFrom=2025-06-03T11:20:00%2B02:00&pageSize=100',
      (call: (typeof calls)[number]) => call.createdAt >= '2025-06-03T09:20:00Z',
    ],
    [
      'status, agent and dates together',
      `?status=queued&agentId=${AGENTS[1]}&dateFrom=2025-06-01&dateTo=2025-06-02&pageSize=100`,
      (call: (typeof calls)[number]) =>
        call.status === 'queued' && call.agentId === AGENTS[1] && call.createdAt < '2025-06-03',
    ],
  ])('filters by %s', async (_name, query, keep) => {
    const expected = newestFirst(calls.filter(keep));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(calls.length);
    const result = await list(query);
    expect(result.data.map((call) => call.id)).toEqual(expected);
    expect(result.hasMore).toBe(false);
  });

  it('returns an empty page past the end', async () => {
    const result = await list('?page=5&pageSize=10');
    expect(result).toEqual({ data: [], page: 5, pageSize: 10, hasMore: false, nextCursor: null });
  });
});
