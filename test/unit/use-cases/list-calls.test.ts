import { describe, expect, it } from 'vitest';
import type { CallListQuery } from '#ports/call-repository';
import type { PageStarts } from '#ports/page-starts';
import { LIST_LIMITS } from '#schemas/list-calls-query';
import { listCalls } from '#use-cases/list-calls';
import { aCall } from '../../support/calls.ts';
import { fakeCallWorld } from '../../support/fakes/call-world.ts';
import { InMemoryPageStarts } from '../../support/fakes/page-starts.ts';

/** Five calls a second apart (the newest last), the second and fourth by another agent. */
async function fiveCalls() {
  const world = fakeCallWorld({ at: new Date('2030-06-01T12:00:00Z') });
  const created = [];
  for (let i = 0; i < 5; i++) {
    const call = aCall({ agentId: i % 2 ? 'agt_b' : 'agt_a' }, world.clock.now());
    await world.table.create(call);
    created.push(call);
    world.clock.advance(1);
  }
  await world.table.create(aCall({ accountId: 'acc_other' }, world.clock.now()));
  // Every query the repository answers, to see how many calls each page skipped.
  const queries: CallListQuery[] = [];
  const calls = Object.assign(Object.create(world.table), {
    list: (query: CallListQuery) => {
      queries.push(query);
      return world.table.list(query);
    },
  });
  const pageStarts = new InMemoryPageStarts(world.clock);
  return { ...world, queries, pageStarts, deps: { calls, pageStarts }, ids: created.map((call) => call.id).reverse() };
}

describe('listCalls', () => {
  it('lists the account’s calls newest first, a page at a time, with a cursor to the next page', async () => {
    const { deps, ids } = await fiveCalls();
    const first = await listCalls(deps, 'acc_demo', { pageSize: 2 });
    expect(first).toMatchObject({ page: 1, pageSize: 2, hasMore: true });
    expect(first.data.map((call) => call.id)).toEqual(ids.slice(0, 2));
    const second = await listCalls(deps, 'acc_demo', { pageSize: 2, cursor: first.nextCursor ?? '' });
    expect(second.page).toBe(2);
    expect(second.data.map((call) => call.id)).toEqual(ids.slice(2, 4));
    const byNumber = await listCalls(deps, 'acc_demo', { pageSize: 2, page: 3 });
    expect(byNumber).toMatchObject({ page: 3, hasMore: false, nextCursor: null });
    expect(byNumber.data.map((call) => call.id)).toEqual(ids.slice(4));
  });

  it('filters by agent and by date', async () => {
    const { deps, ids } = await fiveCalls();
    const agentB = await listCalls(deps, 'acc_demo', { agentId: 'agt_b' });
    expect(agentB.data.map((call) => call.id)).toEqual([ids[1], ids[3]]);
    const none = await listCalls(deps, 'acc_demo', { dateFrom: '2030-06-02' });
    expect(none.data).toEqual([]);
  });

  it('refuses a cursor it did not issue, or one from another listing', async () => {
    const { deps } = await fiveCalls();
    await expect(listCalls(deps, 'acc_demo', { cursor: 'bm90IGEgY3Vyc29y' })).rejects.toMatchObject({
      code: 'invalid_cursor',
    });
    const first = await listCalls(deps, 'acc_demo', { pageSize: 2 });
    await expect(
      listCalls(deps, 'acc_demo', { pageSize: 2, agentId: 'agt_a', cursor: first.nextCursor ?? '' }),
    ).rejects.toMatchObject({ code: 'invalid_cursor' });
  });

  it('refuses a page deeper than the bound, pointing at the cursor', async () => {
    const { deps } = await fiveCalls();
    await expect(listCalls(deps, 'acc_demo', { pageSize: 100, page: 1000 })).rejects.toMatchObject({
      code: 'page_too_deep',
    });
  });

  it('starts page N+1 where page N ended, skipping nothing, and continues past calls created meanwhile', async () => {
    const { deps, ids, queries, table, clock } = await fiveCalls();
    const first = await listCalls(deps, 'acc_demo', { pageSize: 2, page: 1 });
    expect(first.data.map((call) => call.id)).toEqual(ids.slice(0, 2));
    const newer = aCall({}, clock.now());
    await table.create(newer);
    const second = await listCalls(deps, 'acc_demo', { pageSize: 2, page: 2 });
    expect(second.data.map((call) => call.id)).toEqual(ids.slice(2, 4));
    const third = await listCalls(deps, 'acc_demo', { pageSize: 2, page: 3 });
    expect(third).toMatchObject({ page: 3, hasMore: false, nextCursor: null });
    expect(third.data.map((call) => call.id)).toEqual(ids.slice(4));
    expect(queries.map((query) => query.offset)).toEqual([0, 0, 0]);
    // Another page size is another listing: its page 2 is the second slice of the list as it is now.
    const otherSize = await listCalls(deps, 'acc_demo', { pageSize: 3, page: 2 });
    expect(otherSize.data.map((call) => call.id)).toEqual([newer.id, ...ids].slice(3, 6));
    expect(queries.at(-1)?.offset).toBe(3);
  });

  it('a jump skips only from the nearest page start remembered, and forgets starts after their time', async () => {
    const { deps, ids, queries, clock } = await fiveCalls();
    await listCalls(deps, 'acc_demo', { pageSize: 1, page: 1 });
    await listCalls(deps, 'acc_demo', { pageSize: 1, page: 2 });
    const fifth = await listCalls(deps, 'acc_demo', { pageSize: 1, page: 5 });
    expect(fifth.data.map((call) => call.id)).toEqual([ids[4]]);
    expect(queries.at(-1)).toMatchObject({ offset: 2, after: { id: ids[1] } });
    clock.advance(LIST_LIMITS.pageStartTtlSeconds);
    const again = await listCalls(deps, 'acc_demo', { pageSize: 1, page: 4 });
    expect(again.data.map((call) => call.id)).toEqual([ids[3]]);
    expect(queries.at(-1)).toMatchObject({ offset: 3, after: undefined });
  });

  it('a page by number needs no lookup when it is the first, nor when a cursor says where it starts', async () => {
    const { deps, pageStarts } = await fiveCalls();
    const first = await listCalls(deps, 'acc_demo', { pageSize: 2 });
    await listCalls(deps, 'acc_demo', { pageSize: 2, cursor: first.nextCursor ?? '' });
    expect(pageStarts.nearestAsked).toBe(0);
  });

  it('goes as deep as pages were served in order; the bound counts from the nearest start', async () => {
    const { deps, ids, queries } = await fiveCalls();
    const remembered: PageStarts = {
      nearest: async () => ({ page: 1000, after: { createdAt: '2030-06-01T12:00:01Z', id: ids[3] as string } }),
      remember: async () => {},
    };
    const deep = await listCalls({ ...deps, pageStarts: remembered }, 'acc_demo', { pageSize: 100, page: 1000 });
    expect(deep.data.map((call) => call.id)).toEqual([ids[4]]);
    expect(queries.at(-1)?.offset).toBe(0);
    await expect(
      listCalls({ ...deps, pageStarts: remembered }, 'acc_demo', { pageSize: 100, page: 1100 }),
    ).rejects.toMatchObject({ code: 'page_too_deep', param: 'page' });
  });
});
