import { callingWindowRules } from '#domain/calling-window';
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbCallRepository } from '#adapters/dynamodb/call-repository';
import { DynamoDbCampaignStore } from '#adapters/dynamodb/campaign-store';
import { keys } from '#adapters/dynamodb/table-design';
import { CampaignGateClosedError } from '#domain/campaign';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { DynamoDbDirectory } from '#adapters/dynamodb/directory-store';
import { DynamoDbReconcilerQueries } from '#adapters/dynamodb/reconciler-queries';
import { DynamoDbSlotCounters } from '#adapters/dynamodb/slot-counters';
import { DynamoDbSuppressionStore } from '#adapters/dynamodb/suppression-store';
import { cancelCall } from '#domain/call';
import { markLost, startDial } from '#domain/call-lifecycle';
import { ConcurrentModificationError, NumberSuppressedError, SlotUnavailableError } from '#domain/errors';
import { toTimestamp } from '#domain/time';
import type { CallRepository, UpdateEffects } from '#ports/call-repository';
import type { CampaignStore } from '#ports/campaign-store';
import type { StoredCampaign } from '#schemas/campaign';
import { systemClock } from '#ports/clock';
import type { ReconcilerQueries } from '#ports/reconciler-queries';
import type { SlotCounters } from '#ports/slot-counters';
import type { StoredCall } from '#schemas/call';
import { createAccount } from '#use-cases/manage-directory';
import { ensureTable } from '../../local/tables.ts';
import { aCall } from '../support/calls.ts';
import { aStoredCampaign } from '../support/campaigns.ts';
import { InMemoryCallTable } from '../support/fakes/call-table.ts';
import { InMemoryCampaignStore } from '../support/fakes/campaign-store.ts';
import { InMemorySuppressionStore } from '../support/fakes/suppressions.ts';
import { LIMITS } from '../support/fakes/call-world.ts';

interface Stores {
  calls: CallRepository;
  campaigns: Pick<CampaignStore, 'create' | 'get' | 'repairActiveCalls'>;
  /** Removes a campaign's item, as no operation of the service does (a release must not bring it back). */
  deleteCampaign(campaign: StoredCampaign): Promise<void>;
  slotCounters: SlotCounters;
  reconcilerQueries: ReconcilerQueries;
  /** Adds an account with this many telephony slots. */
  addAccount(accountId: string, concurrentCallLimit: number): Promise<void>;
  /** Puts a number on the account's suppression list. */
  suppress(accountId: string, phoneNumber: string): Promise<void>;
}

const fake = async (): Promise<Stores> => {
  const table = new InMemoryCallTable(systemClock);
  const suppressions = new InMemorySuppressionStore();
  table.suppressed = (accountId, phoneNumber) => suppressions.has(accountId, phoneNumber);
  const campaigns = new InMemoryCampaignStore(table);
  return {
    calls: table,
    campaigns,
    deleteCampaign: async (campaign) => void campaigns.campaigns.delete(campaign.id),
    slotCounters: table,
    reconcilerQueries: table,
    addAccount: async (accountId, limit) => void table.addAccount(accountId, limit),
    suppress: async (accountId, phoneNumber) =>
      void (await suppressions.add(accountId, { phoneNumber, reason: null, createdAt: toTimestamp(new Date()) })),
  };
};

const dynamoDb = async (): Promise<Stores> => {
  process.env.AWS_ENDPOINT_URL_DYNAMODB = inject('dynamodbEndpoint');
  Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
  const tableName = `contract-${randomUUID().slice(0, 8)}`;
  const client = new DynamoDBClient({});
  await ensureTable(client, tableName);
  const db = createDocumentClient(client);
  const directory = new DynamoDbDirectory(db, tableName);
  return {
    calls: new DynamoDbCallRepository(db, tableName, systemClock),
    campaigns: new DynamoDbCampaignStore(db, tableName, systemClock),
    deleteCampaign: async (campaign) =>
      void (await db.send(
        new DeleteCommand({ TableName: tableName, Key: keys.campaign(campaign.accountId, campaign.id) }),
      )),
    slotCounters: new DynamoDbSlotCounters(db, tableName),
    reconcilerQueries: new DynamoDbReconcilerQueries(db, tableName),
    addAccount: async (id, concurrentCallLimit) =>
      void (await createAccount({ directory, clock: systemClock }, { id, name: id, concurrentCallLimit })),
    suppress: async (accountId, phoneNumber) =>
      void (await new DynamoDbSuppressionStore(db, tableName).add(accountId, {
        phoneNumber,
        reason: null,
        createdAt: toTimestamp(new Date()),
      })),
  };
};

/**
 * The in-memory fake the use-case unit tests rely on must behave as the DynamoDB adapters do:
 * the same assertions, run against both (the adapters on DynamoDB Local).
 */
describe.each([
  ['the in-memory fake', fake],
  ['the DynamoDB adapters', dynamoDb],
])('the call repository, slot counters and reconciler queries: %s', (_name, make) => {
  let stores: Stores;
  let accounts = 0;
  /** A fresh account per test, so tests share no counter. */
  const anAccount = async (limit: number) => {
    const accountId = `acc_contract${++accounts}`;
    await stores.addAccount(accountId, limit);
    return accountId;
  };
  beforeAll(async () => {
    stores = await make();
  });

  it('stores a new call once, and shows it only to its own account', async () => {
    const accountId = await anAccount(1);
    const call = aCall({ accountId });
    expect(await stores.calls.create(call)).toEqual({ created: true });
    expect(await stores.calls.getById(call.id)).toEqual(call);
    expect(await stores.calls.get(accountId, call.id)).toEqual(call);
    expect(await stores.calls.get('acc_other', call.id)).toBeNull();
    await expect(stores.calls.create(call)).rejects.toThrow();
  });

  it('answers a repeated Idempotency-Key with the first record and stores no second call', async () => {
    const accountId = await anAccount(1);
    const first = aCall({ accountId });
    const record = { accountId, key: 'same-key', requestHash: 'h1', callId: first.id, response: { id: first.id } };
    expect(await stores.calls.create(first, record)).toEqual({ created: true });
    const second = aCall({ accountId });
    const result = await stores.calls.create(second, { ...record, callId: second.id, requestHash: 'h2' });
    // The adapter's record also carries its item's keys and expiry, which no caller reads.
    expect(result).toMatchObject({ created: false, existing: record });
    expect(await stores.calls.getById(second.id)).toBeNull();
  });

  it('writes a change only at the version read, bumping it; a stale writer gets ConcurrentModificationError', async () => {
    const accountId = await anAccount(1);
    const call = aCall({ accountId, scheduledFor: new Date(Date.now() + 3_600_000) });
    await stores.calls.create(call);
    const cancelled = await stores.calls.update(cancelCall(call, new Date()), call);
    expect(cancelled).toMatchObject({ status: 'cancelled', version: call.version + 1 });
    await expect(stores.calls.update(cancelCall(call, new Date()), call)).rejects.toBeInstanceOf(
      ConcurrentModificationError,
    );
    expect(await stores.calls.getById(call.id)).toEqual(cancelled);
  });

  it('takes a slot with the gate write and refuses one past the limit, writing nothing; a release frees it', async () => {
    const accountId = await anAccount(1);
    const [a, b] = [aCall({ accountId }), aCall({ accountId })];
    await stores.calls.create(a);
    await stores.calls.create(b);
    expect((await stores.calls.getForDial('obc_none', accountId)).freeSlot).toBe(true);

    const dialing = await stores.calls.update(startDial(a, new Date(), 'conv_a', LIMITS) ?? a, a);
    expect(dialing.status).toBe('initiating');
    expect((await stores.calls.getForDial('obc_none', accountId)).freeSlot).toBe(false);
    await expect(stores.calls.update(startDial(b, new Date(), 'conv_b', LIMITS) ?? b, b)).rejects.toBeInstanceOf(
      SlotUnavailableError,
    );
    expect(await stores.calls.getById(b.id)).toEqual(b);

    await stores.calls.update(markLost(dialing, new Date(), LIMITS, callingWindowRules) ?? dialing, dialing);
    expect((await stores.calls.getForDial('obc_none', accountId)).freeSlot).toBe(true);
    expect(await stores.slotCounters.listAll()).toContainEqual({ accountId, activeCalls: 0 });
  });

  it('a release tells whether a call marked the account waiting; the mark reads the slot counter in the same step', async () => {
    const accountId = await anAccount(1);
    const [a, b] = [aCall({ accountId }), aCall({ accountId })];
    await stores.calls.create(a);
    await stores.calls.create(b);
    // Nobody marked: the release writes and says so (nobody to wake).
    const dialingA = await stores.calls.update(startDial(a, new Date(), 'conv_a', LIMITS) ?? a, a);
    const quiet: UpdateEffects = {};
    await stores.calls.update(markLost(dialingA, new Date(), LIMITS, callingWindowRules) ?? dialingA, dialingA, quiet);
    expect(quiet).toEqual({ slotWaitersMayWait: false });

    // A call waits (the slot is taken): its mark reads no free slot; the release sees the mark,
    // writes all the same (one slot back, the call ended) and says so.
    const dialingB = await stores.calls.update(startDial(b, new Date(), 'conv_b', LIMITS) ?? b, b);
    expect(await stores.slotCounters.markWaiting(accountId, new Date(Date.now() + 60_000))).toEqual({
      freeSlot: false,
    });
    // An earlier mark does not shorten a later one.
    expect(await stores.slotCounters.markWaiting(accountId, new Date(Date.now() + 1_000))).toEqual({ freeSlot: false });
    const woken: UpdateEffects = {};
    const ended = await stores.calls.update(
      markLost(dialingB, new Date(), LIMITS, callingWindowRules) ?? dialingB,
      dialingB,
      woken,
    );
    expect(woken).toEqual({ slotWaitersMayWait: true });
    expect(ended.version).toBe(dialingB.version + 1);
    expect(await stores.calls.getById(b.id)).toEqual(ended);
    expect(await stores.slotCounters.listAll()).toContainEqual({ accountId, activeCalls: 0 });
    // A mark made after the release reads the slot it gave back, whether it moves the mark or not.
    expect(await stores.slotCounters.markWaiting(accountId, new Date(Date.now() + 60_000))).toEqual({ freeSlot: true });
    expect(await stores.slotCounters.markWaiting(accountId, new Date(Date.now() + 1_000))).toEqual({ freeSlot: true });
    // A stale release is still a conflict, and gives nothing back twice.
    await expect(
      stores.calls.update(markLost(dialingB, new Date(), LIMITS, callingWindowRules) ?? dialingB, dialingB, {}),
    ).rejects.toBeInstanceOf(ConcurrentModificationError);
    expect(await stores.slotCounters.listAll()).toContainEqual({ accountId, activeCalls: 0 });
  });

  it("a campaign call takes its campaign's slot at the gate and gives it back in the write that ends it, never creating a campaign that is gone", async () => {
    const accountId = await anAccount(5);
    const campaign = aStoredCampaign({ accountId, pacing: { callsPerMinute: 10, maxConcurrentCalls: 1 } });
    await stores.campaigns.create(campaign, [], toTimestamp(new Date()));
    const [a, b] = [aCall({ accountId, campaignId: campaign.id }), aCall({ accountId, campaignId: campaign.id })];
    await stores.calls.create(a);
    await stores.calls.create(b);
    const dialingA = await stores.calls.update(startDial(a, new Date(), 'conv_a', LIMITS) ?? a, a);
    expect((await stores.campaigns.get(accountId, campaign.id))?.activeCalls).toBe(1);
    await expect(stores.calls.update(startDial(b, new Date(), 'conv_b', LIMITS) ?? b, b)).rejects.toBeInstanceOf(
      CampaignGateClosedError,
    );

    // The end gives the campaign's slot back at once (no stream in between), and says it did.
    const endedA = await stores.calls.update(
      markLost(dialingA, new Date(), LIMITS, callingWindowRules) ?? dialingA,
      dialingA,
    );
    expect(endedA.campaignSlotGivenBack).toBe(true);
    expect(await stores.calls.getById(a.id)).toEqual(endedA);
    expect((await stores.campaigns.get(accountId, campaign.id))?.activeCalls).toBe(0);
    expect(await stores.slotCounters.listAll()).toContainEqual({ accountId, activeCalls: 0 });

    // The waiting call now passes the gate; its campaign goes away while it holds the slot, and a
    // call is marked waiting: the end is still written, the account's slot comes back, the release
    // says to wake the list, and no campaign item is made up.
    const dialingB = await stores.calls.update(startDial(b, new Date(), 'conv_b', LIMITS) ?? b, b);
    expect((await stores.campaigns.get(accountId, campaign.id))?.activeCalls).toBe(1);
    await stores.deleteCampaign(campaign);
    await stores.slotCounters.markWaiting(accountId, new Date(Date.now() + 60_000));
    const effects: UpdateEffects = {};
    const endedB = await stores.calls.update(
      markLost(dialingB, new Date(), LIMITS, callingWindowRules) ?? dialingB,
      dialingB,
      effects,
    );
    expect(endedB.status).toBe(markLost(dialingB, new Date(), LIMITS, callingWindowRules)?.status);
    expect(endedB.campaignSlotGivenBack ?? null).toBeNull();
    expect(effects).toEqual({ slotWaitersMayWait: true });
    expect(await stores.calls.getById(b.id)).toEqual(endedB);
    expect(await stores.campaigns.get(accountId, campaign.id)).toBeNull();
    expect(await stores.slotCounters.listAll()).toContainEqual({ accountId, activeCalls: 0 });
  });

  it("repairs a campaign's count of slots only from the count it read, never on a campaign that is gone", async () => {
    const accountId = await anAccount(5);
    const campaign = aStoredCampaign({ accountId, activeCalls: 0 });
    await stores.campaigns.create(campaign, [], toTimestamp(new Date()));
    expect(await stores.campaigns.repairActiveCalls(accountId, campaign.id, 1, 3)).toBe(false);
    expect((await stores.campaigns.get(accountId, campaign.id))?.activeCalls).toBe(0);
    expect(await stores.campaigns.repairActiveCalls(accountId, campaign.id, 0, 2)).toBe(true);
    expect((await stores.campaigns.get(accountId, campaign.id))?.activeCalls).toBe(2);
    expect(await stores.campaigns.repairActiveCalls(accountId, 'cmp_01HXMN8ZABC1230000000000XY', 0, 1)).toBe(false);
    expect(await stores.campaigns.get(accountId, 'cmp_01HXMN8ZABC1230000000000XY')).toBeNull();
  });

  it("keeps each waiting list (the account's, a campaign's) earliest due first, and removes an entry only with its token", async () => {
    const accountId = await anAccount(1);
    const later = { callId: 'obc_later', attempt: 1, dueAt: '2030-01-01T00:00:02Z', token: 't1' };
    const campaignWaiter = {
      callId: 'obc_campaign',
      attempt: 2,
      dueAt: '2030-01-01T00:00:01Z',
      token: 't2',
      campaignId: 'cmp_01HXMN8ZABC1230000000000XY',
    };
    const earlier = { callId: 'obc_earlier', attempt: 1, dueAt: '2030-01-01T00:00:00Z', token: 't0' };
    await stores.slotCounters.addWaiter(accountId, later);
    await stores.slotCounters.addWaiter(accountId, earlier);
    await stores.slotCounters.addWaiter(accountId, campaignWaiter);
    expect(await stores.slotCounters.oldestWaiters(accountId, 10)).toEqual([earlier, later]);
    expect(await stores.slotCounters.oldestWaiters(accountId, 1)).toEqual([earlier]);
    const campaignId = campaignWaiter.campaignId;
    expect(await stores.slotCounters.oldestWaiters(accountId, 10, campaignId)).toEqual([campaignWaiter]);
    await stores.slotCounters.removeWaiter(accountId, { ...campaignWaiter, token: 'another' });
    expect(await stores.slotCounters.oldestWaiters(accountId, 10, campaignId)).toHaveLength(1);
    await stores.slotCounters.removeWaiter(accountId, campaignWaiter);
    expect(await stores.slotCounters.oldestWaiters(accountId, 10, campaignId)).toEqual([]);
    await stores.slotCounters.removeWaiter(accountId, earlier);
    expect(await stores.slotCounters.oldestWaiters(accountId, 10)).toEqual([later]);
  });

  it('a mark that has run out no longer makes a release wake the list', async () => {
    const accountId = await anAccount(1);
    const call = aCall({ accountId });
    await stores.calls.create(call);
    const dialing = await stores.calls.update(startDial(call, new Date(), 'conv', LIMITS) ?? call, call);
    await stores.slotCounters.markWaiting(accountId, new Date(Date.now() - 1_000));
    const effects: UpdateEffects = {};
    await stores.calls.update(markLost(dialing, new Date(), LIMITS, callingWindowRules) ?? dialing, dialing, effects);
    expect(effects).toEqual({ slotWaitersMayWait: false });
  });

  it('reports a stale gate write as a conflict, not as a missing slot, and takes no slot', async () => {
    const accountId = await anAccount(1);
    const call = aCall({ accountId });
    await stores.calls.create(call);
    await stores.calls.update({ ...call, updatedAt: toTimestamp(new Date()) }, call);
    await expect(stores.calls.update(startDial(call, new Date(), 'c', LIMITS) ?? call, call)).rejects.toBeInstanceOf(
      ConcurrentModificationError,
    );
    expect((await stores.calls.getForDial('obc_none', accountId)).freeSlot).toBe(true);
  });

  it('reads the call and whether its account has a free slot in one look', async () => {
    const accountId = await anAccount(1);
    const call = aCall({ accountId });
    await stores.calls.create(call);
    expect(await stores.calls.getForDial(call.id, accountId)).toEqual({ call, freeSlot: true });
    expect(await stores.calls.getForDial('obc_none', 'acc_none')).toEqual({ call: null, freeSlot: false });
  });

  it('refuses a suppressed number at the create of a call to dial and at the gate, writing nothing', async () => {
    const accountId = await anAccount(1);
    const toDial = aCall({ accountId, toNumber: '+14155550177' });
    await stores.calls.create(toDial);
    await stores.suppress(accountId, '+14155550177');
    const again = aCall({ accountId, toNumber: '+14155550177' });
    await expect(stores.calls.create(again)).rejects.toBeInstanceOf(NumberSuppressedError);
    expect(await stores.calls.getById(again.id)).toBeNull();
    // A call that will never be dialed (a campaign's suppressed contact, created cancelled) is stored.
    const ended = { ...aCall({ accountId, toNumber: '+14155550177' }), status: 'cancelled' as const, watchdogAt: null };
    await expect(stores.calls.create(ended)).resolves.toEqual({ created: true });

    await expect(
      stores.calls.update(startDial(toDial, new Date(), 'conv_s', LIMITS) ?? toDial, toDial),
    ).rejects.toBeInstanceOf(NumberSuppressedError);
    expect(await stores.calls.getById(toDial.id)).toEqual(toDial);
    expect((await stores.calls.getForDial(toDial.id, accountId)).freeSlot).toBe(true);
  });

  it('moves the watchdog only at the version read, without counting as a change', async () => {
    const accountId = await anAccount(1);
    const call = aCall({ accountId });
    await stores.calls.create(call);
    await stores.calls.touchWatchdog(call, '2031-01-01T00:00:00Z');
    expect(await stores.calls.getById(call.id)).toEqual({ ...call, watchdogAt: '2031-01-01T00:00:00Z' });
    await stores.calls.touchWatchdog({ ...call, version: call.version + 7 }, '2032-01-01T00:00:00Z');
    expect((await stores.calls.getById(call.id))?.watchdogAt).toBe('2031-01-01T00:00:00Z');
  });

  it('lists unfinished calls for the reconciler, due ones by watchdog time, and never a finished one', async () => {
    const accountId = await anAccount(1);
    const [due, later, finished] = [aCall({ accountId }), aCall({ accountId }), aCall({ accountId })];
    for (const call of [due, later, finished]) await stores.calls.create(call);
    await stores.calls.touchWatchdog(due, '2000-01-01T00:00:00Z');
    await stores.calls.touchWatchdog(later, '2999-01-01T00:00:00Z');
    await stores.calls.update(cancelCall(finished, new Date()), finished);
    const ids = (calls: { id: string }[]) => calls.map((call) => call.id);
    const unfinished = ids(await stores.reconcilerQueries.listUnfinished());
    expect(unfinished).toEqual(expect.arrayContaining([due.id, later.id]));
    expect(unfinished).not.toContain(finished.id);
    const dueNow = ids(await stores.reconcilerQueries.listWatchdogDue(toTimestamp(new Date()), 1000));
    expect(dueNow).toContain(due.id);
    expect(dueNow).not.toContain(later.id);
    expect(dueNow).not.toContain(finished.id);
  });

  it('repairs a slot counter only if it still holds the value read', async () => {
    const accountId = await anAccount(2);
    const call = aCall({ accountId });
    await stores.calls.create(call);
    await stores.calls.update(startDial(call, new Date(), 'c', LIMITS) ?? call, call);
    expect(await stores.slotCounters.repair(accountId, 5, 0)).toBe(false);
    expect(await stores.slotCounters.repair(accountId, 1, 0)).toBe(true);
    expect(await stores.slotCounters.listAll()).toContainEqual({ accountId, activeCalls: 0 });
  });

  it('lists an account’s calls newest first, filtered, in pages that continue after a position', async () => {
    const accountId = await anAccount(1);
    const at = Date.now();
    const [c0, c1, c2, c3] = [0, 1, 2, 3].map((i) => aCall({ accountId }, new Date(at + i * 1000))) as [
      StoredCall,
      StoredCall,
      StoredCall,
      StoredCall,
    ];
    for (const call of [c0, c1, c2, c3]) await stores.calls.create(call);
    await stores.calls.update(cancelCall(c1, new Date()), c1);
    const page = await stores.calls.list({ accountId, offset: 0, limit: 2 });
    expect(page.calls.map((call) => call.id)).toEqual([c3.id, c2.id]);
    expect(page.hasMore).toBe(true);
    const next = await stores.calls.list({
      accountId,
      offset: 0,
      limit: 2,
      after: { createdAt: c2.createdAt, id: c2.id },
    });
    expect(next.calls.map((call) => call.id)).toEqual([c1.id, c0.id]);
    expect(next.hasMore).toBe(false);
    const cancelled = await stores.calls.list({ accountId, status: 'cancelled', offset: 0, limit: 10 });
    expect(cancelled.calls.map((call) => call.id)).toEqual([c1.id]);
    const fromSecond = await stores.calls.list({ accountId, offset: 1, limit: 10, createdFrom: c1.createdAt });
    expect(fromSecond.calls.map((call) => call.id)).toEqual([c2.id, c1.id]);
  });
});
