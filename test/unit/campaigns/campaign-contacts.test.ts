import { describe, expect, it } from 'vitest';
import { CONTACTS_GRACE_MS } from '#domain/campaign';
import type { StoredCall } from '#schemas/call';
import type { CampaignContactsMessage } from '#schemas/dial-message';
import { appendContacts, cancelCampaign, createCampaign, pauseCampaign } from '#use-cases/campaigns';
import { reconcile } from '#use-cases/reconcile';
import { dialCall } from '#use-cases/dial-call';
import { dialMessageFor } from '#use-cases/dispatch-call';
import {
  CALLER,
  campaignRequest,
  type fakeCampaignWorld,
  numbers,
  slowCampaignWorld,
} from '../../support/fakes/campaign-world.ts';

type World = ReturnType<typeof fakeCampaignWorld>;

/**
 * A world whose table takes one second of the fake clock per call it stores, and whose requests
 * start calls one at a time for `budgetSeconds`: a request reaches exactly `budgetSeconds` contacts.
 */
function slowWorld(budgetSeconds: number) {
  return slowCampaignWorld({ contactConcurrency: 1, callsBudgetMs: budgetSeconds * 1000 });
}

const create = (world: World, request = campaignRequest(10), key?: string) =>
  createCampaign(world.deps, { caller: CALLER, request, rawRequest: request, idempotencyKey: key });

/** The campaign's calls, by number: every contact must have exactly one. */
function callsByNumber(world: World, campaignId: string): Map<string, StoredCall[]> {
  const byNumber = new Map<string, StoredCall[]>();
  for (const call of world.table.all()) {
    if (call.campaignId !== campaignId) continue;
    byNumber.set(call.toNumber, [...(byNumber.get(call.toNumber) ?? []), call]);
  }
  return byNumber;
}

function expectOneCallPerContact(world: World, campaignId: string, contacts: string[]) {
  const byNumber = callsByNumber(world, campaignId);
  expect([...byNumber.keys()].sort()).toEqual([...contacts].sort());
  expect([...byNumber.values()].filter((calls) => calls.length !== 1)).toEqual([]);
}

/** Handles every pending page, each delivered twice (an SQS redelivery), until none is left. */
async function runTwice(world: World) {
  for (let message = world.sweeps.shift(); message; message = world.sweeps.shift()) {
    await world.handle(structuredClone(message));
    await world.handle(message);
  }
}

describe('a campaign request with a time budget', () => {
  it('a repeat, under its key, of a create the earlier version stored (no contactsCreated) makes every call itself, each once', async () => {
    const world = slowWorld(2);
    const request = campaignRequest(10);
    const { campaign } = await create(world, request, 'created-by-the-earlier-version');
    expect(callsByNumber(world, campaign.id).size).toBe(2);
    // As the earlier version left it: no contacts' progress, no background work on its way.
    delete (world.campaigns.campaigns.get(campaign.id) as { contactsCreated?: number }).contactsCreated;
    world.sweeps.length = 0;

    const repeat = await create(world, request, 'created-by-the-earlier-version');
    expect(repeat.replayed).toBe(true);
    expectOneCallPerContact(world, campaign.id, numbers(10));
    expect(world.sweeps).toEqual([]);
  });

  it('answers with every contact counted once its budget is spent, and its background work makes the rest, each once', async () => {
    const world = slowWorld(4);
    const { campaign } = await create(world, campaignRequest(10));
    expect(campaign.counts.total).toBe(10);
    expect(callsByNumber(world, campaign.id).size).toBe(4);
    expect(world.sweeps).toEqual([
      { kind: 'campaignContacts', accountId: 'acc_demo', campaignId: campaign.id, from: 4 },
    ]);
    expect((await world.campaigns.get('acc_demo', campaign.id))?.contactsCreated).toBe(4);

    // Each page has its own budget (at least one contact), and sends the next.
    expect(await world.runSweeps()).toBe(2);
    expectOneCallPerContact(world, campaign.id, numbers(10));
    expect((await world.campaigns.get('acc_demo', campaign.id))?.contactsCreated).toBe(10);
    expect(world.campaigns.contactsDueAt.has(campaign.id)).toBe(false);
    // The calls keep the campaign's plan: one every 6 s from the start, whoever made them.
    const start = Date.parse(campaign.createdAt);
    const due = world.table
      .all()
      .filter((call) => call.status === 'scheduled')
      .map((call) => (Date.parse(call.scheduledFor ?? '') - start) / 1000)
      .sort((a, b) => a - b);
    expect(due).toEqual([6, 12, 18, 24, 30, 36, 42, 48, 54]);
    await world.drain();
    expect((await world.campaigns.get('acc_demo', campaign.id))?.counts).toMatchObject({
      total: 10,
      queued: 1,
      scheduled: 9,
    });
  });

  it('makes no contact’s call twice when every page is delivered twice, or again after the work is done', async () => {
    const world = slowWorld(2);
    const { campaign } = await create(world, campaignRequest(9));
    const first = structuredClone(world.sweeps[0]) as CampaignContactsMessage;
    await runTwice(world);
    expectOneCallPerContact(world, campaign.id, numbers(9));
    expect(await world.handle(first)).toEqual({ created: 0, next: null });
    expect(world.sweeps).toEqual([]);
    expectOneCallPerContact(world, campaign.id, numbers(9));
  });

  it('makes no contact’s call twice when the background work races the request’s own calls', async () => {
    const world = slowWorld(6);
    const racing: Array<Promise<unknown>> = [];
    const create0 = world.table.create.bind(world.table);
    // As the request stores its first call, a page for the same campaign from contact 0 starts
    // (the reconciler's, say), and runs beside the request call for call.
    world.table.create = async (call, idempotency) => {
      if (racing.length === 0 && call.campaignId) {
        racing.push(
          world.handle({ kind: 'campaignContacts', accountId: 'acc_demo', campaignId: call.campaignId, from: 0 }),
        );
      }
      return create0(call, idempotency);
    };
    const { campaign } = await create(world, campaignRequest(12));
    await Promise.all(racing);
    await world.runSweeps();
    expectOneCallPerContact(world, campaign.id, numbers(12));
    expect(world.sweeps).toEqual([]);
  });

  it('a repeat with the same Idempotency-Key while the background work runs answers the same campaign and makes no call twice', async () => {
    const world = slowWorld(3);
    const request = campaignRequest(10);
    const { campaign } = await create(world, request, 'batch-7');
    // One page handled, then the client repeats the request (its answer was lost).
    const page = world.sweeps.shift() as CampaignContactsMessage;
    const pending = world.handle(page);
    const repeat = await create(world, request, 'batch-7');
    await pending;
    expect(repeat).toMatchObject({ replayed: true, campaign: { id: campaign.id, counts: { total: 10 } } });
    await runTwice(world);
    expectOneCallPerContact(world, campaign.id, numbers(10));
    expect(world.campaigns.campaigns.size).toBe(1);
  });

  it('the reconciler sends the work again when its message was lost, and stops looking once every contact has a call', async () => {
    const world = slowWorld(2);
    const { campaign } = await create(world, campaignRequest(7));
    world.sweeps.length = 0; // the message is lost
    expect(await reconcile(world.deps)).toMatchObject({ campaignContactsResent: 0 });
    world.clock.advance(CONTACTS_GRACE_MS / 1000 + 1);
    expect(await reconcile(world.deps)).toMatchObject({ campaignContactsResent: 1 });
    expect(world.sweeps).toEqual([
      { kind: 'campaignContacts', accountId: 'acc_demo', campaignId: campaign.id, from: 2 },
    ]);
    await world.runSweeps();
    expectOneCallPerContact(world, campaign.id, numbers(7));
    world.clock.advance(CONTACTS_GRACE_MS / 1000 + 1);
    expect(await reconcile(world.deps)).toMatchObject({ campaignContactsResent: 0 });
  });

  it('a page that fails on the table records its progress and is delivered again; the redelivery goes on from there', async () => {
    const world = slowWorld(1);
    const { campaign } = await create(world, campaignRequest(6));
    Object.assign(world.deps, { callsBudgetMs: 100_000 });
    const page = world.sweeps.shift() as CampaignContactsMessage;
    const create0 = world.table.create.bind(world.table);
    let stores = 0;
    world.table.create = async (call, idempotency) => {
      if (++stores === 3)
        throw Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ThrottlingException' });
      return create0(call, idempotency);
    };
    await expect(world.handle(page)).rejects.toThrow('Throughput');
    expect((await world.campaigns.get('acc_demo', campaign.id))?.contactsCreated).toBe(3);
    expect(world.sweeps).toEqual([]);
    world.table.create = create0;
    await world.handle(page);
    await world.runSweeps();
    expectOneCallPerContact(world, campaign.id, numbers(6));
  });

  it('a request whose calls the table refuses (throttled) still answers with the campaign, and the rest follow', async () => {
    const world = slowWorld(10);
    const create0 = world.table.create.bind(world.table);
    world.table.create = async () => {
      throw Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ThrottlingException' });
    };
    const { campaign } = await create(world, campaignRequest(5));
    expect(campaign.counts.total).toBe(5);
    expect(world.sweeps).toEqual([
      { kind: 'campaignContacts', accountId: 'acc_demo', campaignId: campaign.id, from: 0 },
    ]);
    world.table.create = create0;
    await world.runSweeps();
    expectOneCallPerContact(world, campaign.id, numbers(5));
  });

  it('a cancelled campaign’s remaining contacts get cancelled calls (never dialed), so the counts add up', async () => {
    const world = slowWorld(3);
    const { campaign } = await create(world, campaignRequest(8));
    await cancelCampaign(world.deps, 'acc_demo', campaign.id);
    await world.runSweeps();
    expectOneCallPerContact(world, campaign.id, numbers(8));
    const calls = world.table.all().filter((call) => call.campaignId === campaign.id);
    expect(calls.every((call) => call.status === 'cancelled' && call.endReason === 'cancelled')).toBe(true);
    await world.drain();
    expect((await world.campaigns.get('acc_demo', campaign.id))?.counts).toMatchObject({ total: 8, cancelled: 8 });
  });

  it('a paused campaign’s remaining contacts get their calls, held at the dial gate until it resumes', async () => {
    const world = slowWorld(2);
    const { campaign } = await create(world, campaignRequest(5, { pacing: { callsPerMinute: 600 } }));
    await pauseCampaign(world.deps, 'acc_demo', campaign.id);
    await world.runSweeps();
    expectOneCallPerContact(world, campaign.id, numbers(5));
    world.clock.advance(60);
    for (const call of world.table.all())
      await dialCall(world.deps, { ...dialMessageFor(call), dueAt: world.clock.now().toISOString() });
    expect(world.provider.placed).toHaveLength(0);
  });

  it('an append makes its contacts’ calls within its budget too, and the rest in the background', async () => {
    const world = slowWorld(3);
    const { campaign } = await create(world, campaignRequest(2));
    const more = numbers(7, 100).map((toNumber) => ({ toNumber }));
    const appended = await appendContacts(world.deps, {
      caller: CALLER,
      campaignId: campaign.id,
      contacts: more,
      rawRequest: { contacts: more },
      idempotencyKey: 'append-1',
    });
    expect(appended.campaign.counts.total).toBe(9);
    expect(world.sweeps).toEqual([
      { kind: 'campaignContacts', accountId: 'acc_demo', campaignId: campaign.id, from: 5 },
    ]);
    await runTwice(world);
    expectOneCallPerContact(world, campaign.id, [...numbers(2), ...numbers(7, 100)]);
  });
});
