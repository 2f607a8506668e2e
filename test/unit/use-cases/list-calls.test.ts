import { describe, expect, it } from 'vitest';
import { listCalls } from '#use-cases/list-calls';
import { aCall } from '../../support/calls.ts';
import { fakeCallWorld } from '../../support/fakes/call-world.ts';

/** Five calls a second apart (the newest last), the second and fourth by another agent. */
async function fiveCalls() {
  const world = fakeCallWorld({ at: new Date('2030-06-01T12:00:00Z') });
  const calls = [];
  for (let i = 0; i < 5; i++) {
    const call = aCall({ agentId: i % 2 ? 'agt_b' : 'agt_a' }, world.clock.now());
    await world.table.create(call);
    calls.push(call);
    world.clock.advance(1);
  }
  await world.table.create(aCall({ accountId: 'acc_other' }, world.clock.now()));
  return { ...world, ids: calls.map((call) => call.id).reverse() };
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
});
