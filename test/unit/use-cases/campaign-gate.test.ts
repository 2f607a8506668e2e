import { describe, expect, it } from 'vitest';
import type { StoredCampaign } from '#schemas/campaign';
import { campaignHold, HELD_CALL_WATCHDOG_SECONDS } from '#use-cases/campaign-gate';
import { aCall } from '../../support/calls.ts';
import { fakeCallWorld } from '../../support/fakes/call-world.ts';

/** A campaign store that holds one campaign in `status`. */
const campaignIn = (status: StoredCampaign['status']) => ({
  get: async () => ({ status }) as StoredCampaign,
});

describe("campaignHold (the dialer's campaign gate)", () => {
  async function queuedCampaignCall() {
    const world = fakeCallWorld();
    const call = { ...aCall({}, world.clock.now()), campaignId: 'cmp_01J0000000000000000000000' };
    await world.table.create(call);
    return { world, call };
  }

  it('holds a call of a paused campaign: still queued, its watchdog an hour on, its message dropped', async () => {
    const { world, call } = await queuedCampaignCall();
    const held = await campaignHold({ calls: world.table, clock: world.clock, campaigns: campaignIn('paused') }, call);
    expect(held).toEqual({ result: 'dropped', reason: 'campaign paused: call held' });
    const stored = await world.table.get(call.accountId, call.id);
    expect(stored).toMatchObject({ status: 'queued', version: call.version });
    expect(Date.parse(stored?.watchdogAt as string)).toBe(
      world.clock.now().getTime() + HELD_CALL_WATCHDOG_SECONDS * 1000,
    );
  });

  it('cancels a call of a cancelled campaign', async () => {
    const { world, call } = await queuedCampaignCall();
    const dropped = await campaignHold(
      { calls: world.table, clock: world.clock, campaigns: campaignIn('cancelled') },
      call,
    );
    expect(dropped).toEqual({ result: 'dropped', reason: 'campaign cancelled: call cancelled' });
    expect(await world.table.get(call.accountId, call.id)).toMatchObject({ status: 'cancelled' });
  });

  it('lets a call go on when its campaign runs, when it has no campaign, and where no campaign can exist', async () => {
    const { world, call } = await queuedCampaignCall();
    const deps = { calls: world.table, clock: world.clock };
    expect(await campaignHold({ ...deps, campaigns: campaignIn('running') }, call)).toBeNull();
    expect(await campaignHold({ ...deps, campaigns: { get: async () => null } }, call)).toBeNull();
    expect(
      await campaignHold({ ...deps, campaigns: campaignIn('paused') }, { ...call, campaignId: undefined }),
    ).toBeNull();
    expect(await campaignHold(deps, call)).toBeNull();
    expect(await world.table.get(call.accountId, call.id)).toEqual(call);
  });
});
