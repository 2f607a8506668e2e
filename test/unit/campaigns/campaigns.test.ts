import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CALL_STATUSES, type CallStatus } from '#schemas/call';
import { aCall } from '../../support/calls.ts';
import { dialCall } from '#use-cases/dial-call';
import { dialMessageFor } from '#use-cases/dispatch-call';
import { cancelCall } from '#use-cases/cancel-call';
import {
  appendContacts,
  cancelCampaign,
  createCampaign,
  getCampaign,
  listCampaigns,
  pauseCampaign,
  resumeCampaign,
} from '#use-cases/campaigns';
import { countCampaignChange } from '#use-cases/campaign-counts';
import { SWEEP_PAGE_SIZE, sweepCampaign } from '#use-cases/campaign-sweeps';
import { applyCallEvent } from '#use-cases/apply-call-event';
import type { CampaignSweepMessage } from '#schemas/dial-message';
import { CALLER, campaignRequest, fakeCampaignWorld, numbers } from '../../support/fakes/campaign-world.ts';

const create = (world: ReturnType<typeof fakeCampaignWorld>, request = campaignRequest(3), key?: string) =>
  createCampaign(world.deps, { caller: CALLER, request, rawRequest: request, idempotencyKey: key });

/** Counts of the campaign's calls straight from the table, as the campaign reports them. */
function directCounts(world: ReturnType<typeof fakeCampaignWorld>, campaignId: string) {
  const counts = Object.fromEntries(CALL_STATUSES.map((s) => [s, 0])) as Record<CallStatus, number>;
  for (const call of world.table.all()) if (call.campaignId === campaignId) counts[call.status] += 1;
  return counts;
}

describe('createCampaign', () => {
  it('makes one call per contact, carrying campaignId, due one every 60 / callsPerMinute seconds', async () => {
    const world = fakeCampaignWorld();
    const { campaign } = await create(world, campaignRequest(3, { pacing: { callsPerMinute: 20 } }));
    expect(campaign).toMatchObject({ status: 'running', counts: { total: 3 }, pacing: { callsPerMinute: 20 } });
    expect(campaign.id).toMatch(/^cmp_[0-9A-Z]{26}$/);
    const calls = world.table.all().sort((a, b) => (a.toNumber < b.toNumber ? -1 : 1));
    expect(calls.map((c) => c.campaignId)).toEqual([campaign.id, campaign.id, campaign.id]);
    expect(calls.map((c) => c.status)).toEqual(['queued', 'scheduled', 'scheduled']);
    const start = world.clock.now().getTime();
    expect(calls.slice(1).map((c) => Date.parse(c.scheduledFor ?? '') - start)).toEqual([3000, 6000]);
    await world.drain();
    expect((await getCampaign(world.deps, 'acc_demo', campaign.id)).counts).toMatchObject({
      total: 3,
      queued: 1,
      scheduled: 2,
    });
  });

  it('refuses, before storing anything, contacts whose call could not be created (before: 400 after the campaign and earlier calls were stored)', async () => {
    const world = fakeCampaignWorld();
    const allWeek = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as Array<'mon'>;
    const never = {
      days: allWeek,
      start: '09:00',
      end: '17:00',
      timeZone: 'America/New_York',
      blackoutDates: [
        { from: '2029-12-01', to: '2030-11-30' },
        { from: '2030-12-01', to: '2031-11-30' },
        { from: '2031-12-01', to: '2032-11-29' },
      ],
    };
    await expect(create(world, campaignRequest(3, { callingWindow: never }))).rejects.toMatchObject({
      code: 'calling_window_never_open',
      param: 'callingWindow',
    });
    // A toll-free number (no zone to tell), behind two good ones, with the window in the callee's zone.
    const callee = { ...never, blackoutDates: [], timeZone: 'callee' };
    const unknownZone = campaignRequest(2, { callingWindow: callee });
    unknownZone.contacts.push({ toNumber: '+18005550100' });
    await expect(create(world, unknownZone)).rejects.toMatchObject({
      code: 'callee_time_zone_unknown',
      param: 'contacts.2.toNumber',
    });
    // Half an hour a day in both Alaska zones (an hour apart) is never open in both at once.
    const narrow = campaignRequest(2, { callingWindow: { ...callee, end: '09:30' } });
    narrow.contacts.push({ toNumber: '+19075550100' });
    await expect(create(world, narrow)).rejects.toMatchObject({ code: 'calling_window_never_open' });
    expect(world.table.all()).toHaveLength(0);

    const { campaign } = await create(world, campaignRequest(1, { callingWindow: callee }));
    const append = (contacts: Array<{ toNumber: string; timeZone?: string }>) =>
      appendContacts(world.deps, { caller: CALLER, campaignId: campaign.id, contacts, rawRequest: contacts });
    await expect(append([{ toNumber: '+14155550111' }, { toNumber: '+18005550100' }])).rejects.toMatchObject({
      code: 'callee_time_zone_unknown',
      param: 'contacts.1.toNumber',
    });
    expect(world.table.all()).toHaveLength(1);
    expect((await getCampaign(world.deps, 'acc_demo', campaign.id)).counts.total).toBe(1);
    await append([{ toNumber: '+14155550111' }, { toNumber: '+18005550100', timeZone: 'America/Chicago' }]);
    expect(world.table.all()).toHaveLength(3);
    expect((await listCampaigns(world.deps, 'acc_demo', {})).data).toHaveLength(1);
  });

  it('makes a suppressed contact a cancelled call (endReason suppressed), never dialed, so the counts add up', async () => {
    const world = fakeCampaignWorld();
    const [first, second] = numbers(2);
    await world.suppressions.add('acc_demo', { phoneNumber: second!, reason: null, createdAt: '2030-01-01T00:00:00Z' });
    const request = campaignRequest(2, { pacing: { callsPerMinute: 600 } });
    const { campaign } = await create(world, request, 'sup-1');
    await create(world, request, 'sup-1');
    const calls = world.table.all();
    expect(calls).toHaveLength(2);
    expect(calls.find((c) => c.toNumber === second)).toMatchObject({ status: 'cancelled', endReason: 'suppressed' });
    expect(calls.find((c) => c.toNumber === first)?.status).toBe('queued');
    expect(world.queue.sent.map((s) => s.message.callId)).not.toContain(calls.find((c) => c.toNumber === second)?.id);
    await world.drain();
    expect((await getCampaign(world.deps, 'acc_demo', campaign.id)).counts).toMatchObject({
      total: 2,
      queued: 1,
      cancelled: 1,
    });
  });

  it('answers a repeated Idempotency-Key with the same campaign and creates no call twice', async () => {
    const world = fakeCampaignWorld();
    const request = campaignRequest(5);
    const first = await create(world, request, 'key-1');
    const again = await create(world, request, 'key-1');
    expect(again).toMatchObject({ replayed: true, campaign: { id: first.campaign.id } });
    expect(world.table.all()).toHaveLength(5);
    await expect(create(world, campaignRequest(4), 'key-1')).rejects.toMatchObject({ code: 'idempotency_key_reused' });
  });

  it('refuses a maxConcurrentCalls above the account limit, an unknown agent and a past startAt (400 naming the field)', async () => {
    const world = fakeCampaignWorld({ slotLimit: 5 });
    await expect(create(world, campaignRequest(1, { pacing: { maxConcurrentCalls: 6 } }))).rejects.toMatchObject({
      kind: 'invalid_request',
      param: 'pacing.maxConcurrentCalls',
    });
    await expect(create(world, { ...campaignRequest(1), agentId: 'agt_nobody' })).rejects.toMatchObject({
      param: 'agentId',
    });
    await expect(create(world, campaignRequest(1, { startAt: '2029-01-01T00:00:00Z' }))).rejects.toMatchObject({
      param: 'startAt',
    });
    expect(world.table.all()).toHaveLength(0);
  });

  it('appends contacts after the last one, idempotently, and lists campaigns newest first', async () => {
    const world = fakeCampaignWorld();
    const { campaign } = await create(world, campaignRequest(2, { pacing: { callsPerMinute: 60 } }));
    const more = numbers(2, 100).map((toNumber) => ({ toNumber }));
    const append = (key?: string) =>
      appendContacts(world.deps, {
        caller: CALLER,
        campaignId: campaign.id,
        contacts: more,
        rawRequest: { contacts: more },
        idempotencyKey: key,
      });
    expect((await append('more-1')).campaign.counts.total).toBe(4);
    expect((await append('more-1')).replayed).toBe(true);
    expect(world.table.all()).toHaveLength(4);
    const due = world.table
      .all()
      .map((c) => c.scheduledFor ?? c.createdAt)
      .sort();
    expect(due.map((d) => (Date.parse(d) - world.clock.now().getTime()) / 1000)).toEqual([0, 1, 2, 3]);
    world.clock.advance(1);
    const second = await create(world);
    const list = await listCampaigns(world.deps, 'acc_demo', { pageSize: 1 });
    expect(list).toMatchObject({ data: [{ id: second.campaign.id }], hasMore: true, nextCursor: second.campaign.id });
    const next = await listCampaigns(world.deps, 'acc_demo', { pageSize: 1, cursor: list.nextCursor ?? '' });
    expect(next).toMatchObject({ data: [{ id: campaign.id }], hasMore: false, nextCursor: null });
  });
});

describe('pause, resume, cancel', () => {
  it('holds a paused campaign’s calls at the dial gate and sends them again, paced, on resume', async () => {
    const world = fakeCampaignWorld();
    const { campaign } = await create(world, campaignRequest(3, { pacing: { callsPerMinute: 30 } }));
    await pauseCampaign(world.deps, 'acc_demo', campaign.id);
    world.clock.advance(60);
    for (const call of world.table.all()) {
      expect(await dialCall(world.deps, dialMessageFor(call))).toMatchObject({ result: 'dropped' });
    }
    expect(world.provider.placed).toHaveLength(0);
    expect(world.table.all().map((c) => c.status)).toEqual(['queued', 'queued', 'queued']);
    world.queue.sent.length = 0;
    const resumed = await resumeCampaign(world.deps, 'acc_demo', campaign.id);
    expect(resumed.status).toBe('running');
    // The answer is one write and one message; the dialer sends the held calls on, a page at a time.
    expect(world.queue.sent).toHaveLength(0);
    expect(world.sweeps).toHaveLength(1);
    expect(await world.runSweeps()).toBe(1);
    expect(world.queue.sent.map((s) => s.delaySeconds).sort()).toEqual([0, 2, 4]);
    for (const { message } of world.queue.sent) {
      world.clock.at = new Date(message.dueAt);
      expect(await dialCall(world.deps, message)).toMatchObject({ result: 'dialed' });
    }
    expect(world.provider.placed).toHaveLength(3);
  });

  it('resumes a campaign paused before its startAt as scheduled, not running (before: running, years early)', async () => {
    const world = fakeCampaignWorld();
    const startAt = new Date(world.clock.now().getTime() + 3 * 86_400_000).toISOString();
    const { campaign } = await create(world, campaignRequest(2, { startAt }));
    expect(campaign.status).toBe('scheduled');
    expect((await pauseCampaign(world.deps, 'acc_demo', campaign.id)).status).toBe('paused');
    expect((await resumeCampaign(world.deps, 'acc_demo', campaign.id)).status).toBe('scheduled');
    // A resume of a campaign that is not paused changes nothing and answers it as it is, before
    // its startAt and after (when it is running).
    expect((await resumeCampaign(world.deps, 'acc_demo', campaign.id)).status).toBe('scheduled');
    world.clock.advance(4 * 86_400);
    expect((await resumeCampaign(world.deps, 'acc_demo', campaign.id)).status).toBe('running');
  });

  it('keeps maxConcurrentCalls: the gate refuses a call while the campaign has that many connected; the end of one wakes the waiting call, which dials at once', async () => {
    const world = fakeCampaignWorld();
    const { campaign } = await create(
      world,
      campaignRequest(2, { pacing: { maxConcurrentCalls: 1, callsPerMinute: 600 } }),
    );
    world.clock.advance(1);
    const [a, b] = world.table.all();
    expect(await dialCall(world.deps, dialMessageFor(a!))).toMatchObject({ result: 'dialed' });
    const waiting = await dialCall(world.deps, dialMessageFor(b!));
    expect(waiting).toMatchObject({ result: 'later', reason: 'campaign at maxConcurrentCalls', delaySeconds: 2 });
    expect(await world.table.oldestWaiters('acc_demo', 10, campaign.id)).toEqual([
      expect.objectContaining({ callId: b!.id, campaignId: campaign.id }),
    ]);
    world.queue.sent.length = 0;

    // The first call ends: the same write gives the campaign's slot back (before any stream record
    // is handled) and wakes the second, whose woken message passes the gate.
    await applyCallEvent(world.deps, {
      callId: a!.id,
      attempt: 1,
      event: { kind: 'failed', at: world.clock.now(), reason: 'provider_error' },
    });
    expect((await world.campaigns.get('acc_demo', campaign.id))?.activeCalls).toBe(0);
    expect(world.queue.sent).toEqual([{ message: expect.objectContaining({ callId: b!.id }), delaySeconds: 0 }]);
    expect(await dialCall(world.deps, world.queue.sent[0]!.message)).toMatchObject({ result: 'dialed' });
    // The stream's records change the counts but give no slot back twice.
    await world.drain();
    expect(await world.campaigns.get('acc_demo', campaign.id)).toMatchObject({
      activeCalls: 1,
      counts: { failed: 1, initiating: 1 },
    });
  });

  it('a call waiting for its campaign is woken only by a release of that campaign, and one that freed meanwhile looks again in a second', async () => {
    const world = fakeCampaignWorld();
    const pacing = { maxConcurrentCalls: 1, callsPerMinute: 600 };
    const x = (await create(world, campaignRequest(2, { pacing }))).campaign;
    const y = (await create(world, { ...campaignRequest(1, { pacing }), contacts: [{ toNumber: numbers(1, 50)[0]! }] }))
      .campaign;
    world.clock.advance(1);
    const of = (id: string) => world.table.all().filter((call) => call.campaignId === id);
    const [xa, xb] = of(x.id);
    const [ya] = of(y.id);
    for (const call of [xa!, ya!])
      expect(await dialCall(world.deps, dialMessageFor(call))).toMatchObject({ result: 'dialed' });
    expect(await dialCall(world.deps, dialMessageFor(xb!))).toMatchObject({ reason: 'campaign at maxConcurrentCalls' });
    world.queue.sent.length = 0;
    const fail = (callId: string) =>
      applyCallEvent(world.deps, {
        callId,
        attempt: 1,
        event: { kind: 'failed', at: world.clock.now(), reason: 'provider_error' },
      });

    // Campaign y's call ends: an account slot comes back, but x is still at its ceiling.
    await fail(ya!.id);
    expect(world.queue.sent).toEqual([]);
    // Campaign x's call ends: its waiting call is woken.
    await fail(xa!.id);
    expect(world.queue.sent.map((sent) => sent.message.callId)).toEqual([xb!.id]);

    // A release between the gate's refusal and the waiting call's mark (which it cannot see) shows
    // in the campaign read after the mark: the call looks again in a second, not after its backoff.
    const world2 = fakeCampaignWorld();
    const c = (await create(world2, campaignRequest(2, { pacing }))).campaign;
    world2.clock.advance(1);
    const [ca, cb] = world2.table.all().filter((call) => call.campaignId === c.id);
    expect(await dialCall(world2.deps, dialMessageFor(ca!))).toMatchObject({ result: 'dialed' });
    const mark = world2.table.markWaiting.bind(world2.table);
    world2.table.markWaiting = async (accountId, until) => {
      await applyCallEvent(world2.deps, {
        callId: ca!.id,
        attempt: 1,
        event: { kind: 'failed', at: world2.clock.now(), reason: 'provider_error' },
      });
      return mark(accountId, until);
    };
    expect(await dialCall(world2.deps, dialMessageFor(cb!))).toMatchObject({
      result: 'later',
      delaySeconds: 1,
      reason: 'a telephony slot was given back while it joined the waiting list',
    });
  });

  it("a long queue of one campaign's calls does not hide a call waiting for an account slot behind it", async () => {
    const world = fakeCampaignWorld({ slotLimit: 2 });
    const { campaign } = await create(
      world,
      campaignRequest(13, { pacing: { maxConcurrentCalls: 1, callsPerMinute: 600 } }),
    );
    world.clock.advance(2);
    const [first, ...rest] = world.table.all().filter((call) => call.campaignId === campaign.id);
    expect(await dialCall(world.deps, dialMessageFor(first!))).toMatchObject({ result: 'dialed' });
    for (const call of rest)
      expect(await dialCall(world.deps, dialMessageFor(call))).toMatchObject({
        reason: 'campaign at maxConcurrentCalls',
      });
    // Two calls of no campaign: one takes the account's last slot, the other waits for one.
    const holder = aCall({ toNumber: '+14155550181' }, world.clock.now());
    world.clock.advance(1);
    const waiter = aCall({ toNumber: '+14155550182' }, world.clock.now());
    for (const call of [holder, waiter]) await world.table.create(call);
    expect(await dialCall(world.deps, dialMessageFor(holder))).toMatchObject({ result: 'dialed' });
    expect(await dialCall(world.deps, dialMessageFor(waiter))).toMatchObject({ reason: 'no free telephony slot' });
    world.queue.sent.length = 0;
    // The holder ends: its account slot wakes the waiter, past the twelve calls of the full campaign.
    await applyCallEvent(world.deps, {
      callId: holder.id,
      attempt: 1,
      event: { kind: 'failed', at: world.clock.now(), reason: 'provider_error' },
    });
    expect(world.queue.sent.map((sent) => sent.message.callId)).toEqual([waiter.id]);
  });

  it('the stream gives a campaign slot back only for a release written without it (before this version)', async () => {
    const world = fakeCampaignWorld();
    const { campaign } = await create(
      world,
      campaignRequest(1, { pacing: { maxConcurrentCalls: 1, callsPerMinute: 600 } }),
    );
    world.clock.advance(1);
    const [a] = world.table.all();
    await dialCall(world.deps, dialMessageFor(a!));
    await world.drain();
    const dialing = (await world.table.getById(a!.id))!;
    expect((await world.campaigns.get('acc_demo', campaign.id))?.activeCalls).toBe(1);
    // A record of an end written by the service before releases gave the campaign's slot back.
    const ended = { ...dialing, status: 'failed' as const, version: dialing.version + 1, campaignSlotGivenBack: null };
    await countCampaignChange(world.countDeps, { before: dialing, after: ended });
    expect((await world.campaigns.get('acc_demo', campaign.id))?.activeCalls).toBe(0);
  });

  it('cancels every call of a 1,000-contact campaign that was not dialed, and the counts add up', async () => {
    const world = fakeCampaignWorld();
    const { campaign } = await create(world, campaignRequest(1000, { pacing: { callsPerMinute: 600 } }));
    world.clock.advance(2);
    const dialed = world.table.all().filter((c) => c.status === 'queued');
    for (const call of dialed) await dialCall(world.deps, dialMessageFor(call));
    expect(world.provider.placed.length).toBe(dialed.length);
    const cancelled = await cancelCampaign(world.deps, 'acc_demo', campaign.id);
    expect(cancelled.status).toBe('cancelled');
    // The answer changed one item; the calls are cancelled by the sweep, 100 a page (scheduled, then queued).
    expect(world.table.all().filter((c) => c.status === 'cancelled')).toHaveLength(0);
    expect(await world.runSweeps()).toBeGreaterThanOrEqual(10);
    const calls = world.table.all();
    expect(calls.filter((c) => c.status === 'cancelled')).toHaveLength(1000 - dialed.length);
    expect(calls.filter((c) => c.status === 'scheduled' || c.status === 'queued')).toHaveLength(0);
    // A message that was on its way meets the cancelled campaign at the gate and dials nothing.
    for (const call of calls) await dialCall(world.deps, dialMessageFor(call));
    expect(world.provider.placed.length).toBe(dialed.length);
    await world.drain();
    const counts = (await getCampaign(world.deps, 'acc_demo', campaign.id)).counts;
    expect(counts).toEqual({ total: 1000, ...directCounts(world, campaign.id) });
  });
});

describe('the page-by-page work of resume and cancel (sweeps)', () => {
  it('cancels in bounded pages; every page delivered twice still cancels each call once', async () => {
    const world = fakeCampaignWorld();
    const { campaign } = await create(world, campaignRequest(250, { pacing: { callsPerMinute: 1 } }));
    await cancelCampaign(world.deps, 'acc_demo', campaign.id);
    let pages = 0;
    for (let message = world.sweeps.shift(); message; message = world.sweeps.shift()) {
      // An SQS redelivery: both copies run, and both send a next page on.
      for (const copy of [message, structuredClone(message)]) {
        const { handled } = await sweepCampaign(world.deps, copy as CampaignSweepMessage);
        expect(handled).toBeLessThanOrEqual(SWEEP_PAGE_SIZE);
        pages += 1;
      }
      expect(pages).toBeLessThan(200);
    }
    expect(world.table.all().every((c) => c.status === 'cancelled')).toBe(true);
    await world.drain();
    // Each call's cancellation was written once (a second would be a 409, and a second count).
    expect((await getCampaign(world.deps, 'acc_demo', campaign.id)).counts).toMatchObject({
      total: 250,
      cancelled: 250,
    });
  });

  it('a resume’s sweep stops when the campaign is paused again, and a newer resume’s sweep spreads the calls from its own start', async () => {
    const world = fakeCampaignWorld();
    const { campaign } = await create(world, campaignRequest(230, { pacing: { callsPerMinute: 600 } }));
    await pauseCampaign(world.deps, 'acc_demo', campaign.id);
    world.clock.advance(3600);
    for (const call of world.table.all()) await dialCall(world.deps, dialMessageFor(call));
    expect(world.table.all().every((c) => c.status === 'queued')).toBe(true);
    world.queue.sent.length = 0;

    await resumeCampaign(world.deps, 'acc_demo', campaign.id);
    const stale = world.sweeps.shift();
    await pauseCampaign(world.deps, 'acc_demo', campaign.id);
    expect(await sweepCampaign(world.deps, stale as CampaignSweepMessage)).toEqual({ handled: 0, next: null });
    expect(world.queue.sent).toHaveLength(0);

    world.clock.advance(10);
    await resumeCampaign(world.deps, 'acc_demo', campaign.id);
    // The first resume's message, delivered late, belongs to a resume that is over: it does nothing.
    expect(await sweepCampaign(world.deps, stale as CampaignSweepMessage)).toEqual({ handled: 0, next: null });
    expect(await world.runSweeps()).toBe(3);
    // One every 100 ms from the resume (timestamps carry whole seconds).
    const due = world.queue.sent
      .map((s) => Date.parse(s.message.dueAt) - world.clock.now().getTime())
      .sort((a, b) => a - b);
    expect(due).toEqual(Array.from({ length: 230 }, (_, i) => Math.floor(i / 10) * 1000));
    expect(new Set(world.queue.sent.map((s) => s.message.callId)).size).toBe(230);
  });

  it('a cancelled campaign’s sweep ignores calls a dialer took first; an unknown campaign’s does nothing', async () => {
    const world = fakeCampaignWorld();
    const { campaign } = await create(world, campaignRequest(3, { pacing: { callsPerMinute: 600 } }));
    const [first] = world.table.all().filter((c) => c.status === 'queued');
    expect(await dialCall(world.deps, dialMessageFor(first!))).toMatchObject({ result: 'dialed' });
    await cancelCampaign(world.deps, 'acc_demo', campaign.id);
    await world.runSweeps();
    expect(
      world.table
        .all()
        .map((c) => c.status)
        .sort(),
    ).toEqual(['cancelled', 'cancelled', 'initiating']);
    const message = {
      kind: 'campaignSweep' as const,
      action: 'cancel' as const,
      accountId: 'acc_demo',
      campaignId: 'cmp_01HXMN8ZABC1230000000000XY',
      statusVersion: 1,
      status: 'scheduled' as const,
      from: '2030-01-01T00:00:00Z',
      planned: 0,
    };
    expect(await sweepCampaign(world.deps, message)).toEqual({ handled: 0, next: null });
  });
});

describe('counts', () => {
  it('of a 10,000-contact campaign equal a direct count of its calls, with stream records redelivered', async () => {
    const world = fakeCampaignWorld();
    const { campaign } = await create(world, campaignRequest(1000, { pacing: { callsPerMinute: 600 } }));
    for (let batch = 1; batch < 10; batch++) {
      const contacts = numbers(1000, batch * 1000).map((toNumber) => ({ toNumber }));
      await appendContacts(world.deps, { caller: CALLER, campaignId: campaign.id, contacts, rawRequest: { contacts } });
    }
    expect(world.table.all()).toHaveLength(10_000);
    // Some calls are cancelled, some dialed and failed or still dialing; the rest wait.
    const random = fc.sample(fc.integer({ min: 0, max: 9 }), { numRuns: 10_000, seed: 12 });
    world.clock.advance(60 * 60);
    const calls = world.table.all();
    for (const [i, call] of calls.entries()) {
      const pick = random[i] as number;
      if (pick < 3) await cancelCall(world.deps, 'acc_demo', call.id);
      else if (pick < 5) {
        await dialCall(world.deps, dialMessageFor(call));
        if (pick === 4)
          await applyCallEvent(world.deps, {
            callId: call.id,
            attempt: 1,
            event: { kind: 'failed', at: world.clock.now(), reason: 'provider_error' },
          });
      }
    }
    // The stream delivers every record at least once: here each batch of 100 is delivered again
    // (as Lambda retries a batch) before the next, and some records a third time.
    for (let start = 0; start < world.stream.length; start += 100) {
      const batch = world.stream.slice(start, start + 100);
      for (const change of [...batch, ...batch, ...batch.filter((_, i) => i % 7 === 0)])
        await countCampaignChange(world.countDeps, change);
    }
    const counts = (await getCampaign(world.deps, 'acc_demo', campaign.id)).counts;
    expect(counts).toEqual({ total: 10_000, ...directCounts(world, campaign.id) });
    expect(counts.cancelled + counts.failed + counts.initiating + counts.queued + counts.scheduled).toBe(10_000);
  }, 120_000);

  it('completes the campaign once, when its last call ends', async () => {
    const world = fakeCampaignWorld();
    const { campaign } = await create(world, campaignRequest(2));
    const [a, b] = world.table.all();
    await cancelCall(world.deps, 'acc_demo', a!.id);
    await world.drain();
    expect((await getCampaign(world.deps, 'acc_demo', campaign.id)).status).toBe('running');
    await cancelCall(world.deps, 'acc_demo', b!.id);
    await world.drain();
    for (const change of world.stream) await countCampaignChange(world.countDeps, change);
    const done = await getCampaign(world.deps, 'acc_demo', campaign.id);
    expect(done).toMatchObject({ status: 'completed', counts: { total: 2, cancelled: 2 } });
    expect(done.completedAt).not.toBeNull();
    // Completed once; the stream delivering the last record again tells it again, as the same event.
    expect(world.completed.length).toBeGreaterThanOrEqual(1);
    expect(new Set(world.completed)).toEqual(new Set([campaign.id]));
    const ids = new Set(world.completionEvents.map((event) => event.id));
    expect(ids.size).toBe(1);
    expect(world.completionEvents[0]).toMatchObject({
      type: 'CampaignCompleted',
      createdAt: done.completedAt,
      data: { campaign: { id: campaign.id, status: 'completed', completedAt: done.completedAt, counts: { total: 2 } } },
    });
    expect((world.completionEvents[0]?.data as { campaign: object } | undefined)?.campaign).not.toHaveProperty(
      'accountId',
    );
  });

  it('tells nothing when a campaign call ends but others have not', async () => {
    const world = fakeCampaignWorld();
    await create(world, campaignRequest(2));
    const [a] = world.table.all();
    await cancelCall(world.deps, 'acc_demo', a!.id);
    await world.drain();
    await world.drain();
    expect(world.completed).toEqual([]);
  });
});

describe('campaign requests with a frozen queue and scheduler', () => {
  it('stop waiting on work after their writes once the request’s budget is spent: every write done, the rest left to the reconciler (before: each call waited its own deadline, past API Gateway’s 29 s for a large campaign)', async () => {
    const world = fakeCampaignWorld();
    let started = 0;
    const frozen = async () => {
      started += 1;
      await new Promise<void>(() => undefined);
    };
    world.queue.send = frozen;
    world.scheduler.schedule = frozen;
    world.scheduler.cancel = frozen;
    const deps = { ...world.deps, afterWriteBudgetMs: 300 };
    const request = campaignRequest(40);
    const { campaign } = await createCampaign(deps, { caller: CALLER, request, rawRequest: request });
    const calls = world.table.all().filter((call) => call.campaignId === campaign.id);
    expect(calls).toHaveLength(40);
    expect(started).toBeGreaterThan(0);
    expect(started).toBeLessThan(40);
    // A call whose dispatch was not confirmed is the reconciler's: each has a watchdog.
    expect(calls.every((call) => call.watchdogAt !== null)).toBe(true);

    const scheduled = calls.filter((call) => call.status === 'scheduled').length;
    expect(scheduled).toBeGreaterThan(20);
    // Cancel is one write and one sweep message: it answers whatever the queue and the scheduler
    // do, and the dialer cancels the calls a page at a time (the sweeps' own tests).
    const cancelled = await cancelCampaign(deps, 'acc_demo', campaign.id);
    expect(cancelled.status).toBe('cancelled');
    expect(world.sweeps).toMatchObject([{ campaignId: campaign.id, action: 'cancel' }]);
  });
});
