import { describe, expect, it } from 'vitest';
import { dialCall } from '#use-cases/dial-call';
import { dialMessageFor } from '#use-cases/dispatch-call';
import { cancelCampaign, createCampaign } from '#use-cases/campaigns';
import { applyCallEvent } from '#use-cases/apply-call-event';
import { reconcile } from '#use-cases/reconcile';
import { LIMITS } from '../../support/fakes/call-world.ts';
import { aCall } from '../../support/calls.ts';
import { CALLER, campaignRequest, fakeCampaignWorld } from '../../support/fakes/campaign-world.ts';

/** Calls waiting for their campaign's maxConcurrentCalls, on the campaign's own waiting list (from a reviewer's failing tests). */
describe('waiting for a campaign’s ceiling', () => {
  it('entries of a cancelled campaign do not keep the account’s later waiters from being woken (before: they stayed at the head of the account’s list)', async () => {
    const world = fakeCampaignWorld({ slotLimit: 3 });
    const request = campaignRequest(11, { pacing: { maxConcurrentCalls: 1, callsPerMinute: 600 } });
    const { campaign } = await createCampaign(world.deps, { caller: CALLER, request, rawRequest: request });
    world.clock.advance(5);
    const xs = world.table.all().filter((call) => call.campaignId === campaign.id);
    // The first dials; the other ten wait for the campaign's ceiling (ten entries naming it).
    for (const [i, call] of xs.entries())
      expect(await dialCall(world.deps, dialMessageFor(call))).toMatchObject(
        i === 0 ? { result: 'dialed' } : { reason: 'campaign at maxConcurrentCalls' },
      );
    expect(await world.table.oldestWaiters('acc_demo', 20, campaign.id)).toHaveLength(10);
    expect(await world.table.oldestWaiters('acc_demo', 20)).toHaveLength(0);
    // The campaign is cancelled: its waiting calls end cancelled, their entries are stale.
    await cancelCampaign(world.deps, 'acc_demo', campaign.id);
    await world.runSweeps();
    expect(world.table.all().filter((c) => c.status === 'cancelled')).toHaveLength(10);

    // Later, calls of no campaign: two hold the account's other slots, a third waits for one.
    world.clock.advance(60);
    const [p1, p2, z] = [0, 1, 2].map((i) => aCall({}, new Date(world.clock.now().getTime() + i))) as [
      ReturnType<typeof aCall>,
      ReturnType<typeof aCall>,
      ReturnType<typeof aCall>,
    ];
    for (const call of [p1, p2, z]) await world.table.create(call);
    world.clock.advance(1);
    expect(await dialCall(world.deps, dialMessageFor(p1))).toMatchObject({ result: 'dialed' });
    expect(await dialCall(world.deps, dialMessageFor(p2))).toMatchObject({ result: 'dialed' });
    expect(await dialCall(world.deps, dialMessageFor(z))).toMatchObject({ reason: 'no free telephony slot' });
    world.queue.sent.length = 0;

    // Two releases of the account's slots: the waiting call is woken by one of them.
    for (const call of [p1, p2])
      await applyCallEvent(world.deps, { callId: call.id, attempt: 1, event: { kind: 'busy', at: world.clock.now() } });
    expect(world.queue.sent.map((sent) => sent.message.callId)).toContain(z.id);
  });

  it('a campaign’s release wakes its own waiting call even when another campaign has ten calls waiting ahead of it', async () => {
    const world = fakeCampaignWorld({ slotLimit: 10 });
    const pacing = { maxConcurrentCalls: 1, callsPerMinute: 600 };
    const rx = campaignRequest(11, { pacing });
    const x = (await createCampaign(world.deps, { caller: CALLER, request: rx, rawRequest: rx })).campaign;
    world.clock.advance(5);
    const ry = campaignRequest(2, { pacing, name: 'Other' });
    ry.contacts = [{ toNumber: '+14155559001' }, { toNumber: '+14155559002' }];
    const y = (await createCampaign(world.deps, { caller: CALLER, request: ry, rawRequest: ry })).campaign;
    world.clock.advance(5);
    const of = (id: string) => world.table.all().filter((call) => call.campaignId === id);
    for (const call of [...of(x.id), ...of(y.id)]) await dialCall(world.deps, dialMessageFor(call));
    const [ya, yb] = of(y.id).map((call) => world.table.all().find((c) => c.id === call.id)!);
    const holder = [ya!, yb!].find((call) => call.status === 'initiating')!;
    const waiter = [ya!, yb!].find((call) => call.status === 'queued')!;
    expect(await world.table.oldestWaiters('acc_demo', 20, x.id)).toHaveLength(10);
    expect(await world.table.oldestWaiters('acc_demo', 20, y.id)).toHaveLength(1);
    world.queue.sent.length = 0;
    await applyCallEvent(world.deps, { callId: holder.id, attempt: 1, event: { kind: 'busy', at: world.clock.now() } });
    expect(world.queue.sent.map((sent) => sent.message.callId)).toEqual([waiter.id]);
  });

  it('a call waiting for its campaign whose mark failed looks again in a second, as one waiting for an account slot does', async () => {
    const world = fakeCampaignWorld();
    const request = campaignRequest(2, { pacing: { maxConcurrentCalls: 1, callsPerMinute: 600 } });
    await createCampaign(world.deps, { caller: CALLER, request, rawRequest: request });
    world.clock.advance(1);
    const [a, b] = world.table.all();
    expect(await dialCall(world.deps, dialMessageFor(a!))).toMatchObject({ result: 'dialed' });
    world.table.markWaiting = async () => {
      throw new Error('DynamoDB throttled the mark');
    };
    // Without the mark no release will wake it ("Best effort: … a call whose mark failed looks again in a second").
    expect(await dialCall(world.deps, { ...dialMessageFor(b!), waits: 5 })).toMatchObject({
      result: 'later',
      delaySeconds: 1,
    });
  });

  it("repairs a campaign's count of calls holding its slots that drifted (a slot given back twice, or never), once its calls are quiet", async () => {
    const world = fakeCampaignWorld();
    const request = campaignRequest(3, { pacing: { maxConcurrentCalls: 2, callsPerMinute: 600 } });
    const { campaign } = await createCampaign(world.deps, { caller: CALLER, request, rawRequest: request });
    world.clock.advance(1);
    const [a] = world.table.all();
    expect(await dialCall(world.deps, dialMessageFor(a!))).toMatchObject({ result: 'dialed' });
    world.provider.outcomes.set(`CA${a!.id.slice(4)}1`, 'ongoing');
    const stored = () => world.campaigns.campaigns.get(campaign.id)!;
    // Given back twice (a deploy between versions): one call holds a slot, the count says -1.
    stored().activeCalls = -1;
    expect(await reconcile(world.deps)).toMatchObject({ campaignSlotsRepaired: 0 });
    world.clock.advance(LIMITS.watchdogGraceSeconds + 1);
    expect(await reconcile(world.deps)).toMatchObject({ campaignSlotsRepaired: 1 });
    expect(stored().activeCalls).toBe(1);
    // Never given back: the count says 2, so the campaign's other calls would wait for nothing.
    stored().activeCalls = 2;
    expect(await reconcile(world.deps)).toMatchObject({ campaignSlotsRepaired: 1 });
    expect(stored().activeCalls).toBe(1);
    expect(await reconcile(world.deps)).toMatchObject({ campaignSlotsRepaired: 0 });
  });
});
