import { CampaignGateClosedError } from '#domain/campaign';
import { awaitsDial, slotChange } from '#domain/call-status-machine';
import { ConcurrentModificationError, NumberSuppressedError, SlotUnavailableError } from '#domain/errors';
import type {
  CallListQuery,
  CallPage,
  CallRepository,
  CreateResult,
  IdempotencyRecord,
  UpdateEffects,
} from '#ports/call-repository';
import type { Clock } from '#ports/clock';
import type { ReconcilerQueries } from '#ports/reconciler-queries';
import type { SlotCounter, SlotCounters, SlotWaiter } from '#ports/slot-counters';
import type { StoredCall } from '#schemas/call';

/** What the DynamoDB adapter's idempotency records live for, in milliseconds (25 hours). */
const IDEMPOTENCY_TTL_MS = 25 * 3600 * 1000;

interface Account {
  concurrentCallLimit?: number;
  activeCalls?: number;
  /** Listed for slot repair once it has held a slot (the `SLOTS` partition of the reconciler's index). */
  listed: boolean;
  /** Until when (epoch ms) a call marked itself waiting for a slot (markWaiting). */
  slotWaitersUntil?: number;
}

/** The error DynamoDB raises for a failed condition, which the adapter lets through from create. */
function conditionalCheckFailed(): Error {
  const error = new Error('The conditional request failed');
  error.name = 'ConditionalCheckFailedException';
  return error;
}

const copy = <T>(value: T): T => structuredClone(value);
const createdKey = (call: Pick<StoredCall, 'createdAt' | 'id'>) => `${call.createdAt}#${call.id}`;

/**
 * The calls, the account slot counters and the reconciler's queries in memory, for use-case unit
 * tests: one object that implements all three ports over one state, as the DynamoDB adapters share
 * one table. It keeps the adapters' rules (test/integration/call-repository-contract.test.ts runs
 * the same assertions against both):
 * - `update` writes only if the stored version is the one read (else ConcurrentModificationError,
 *   which wins over a slot refusal), bumps the version, and moves the account's slot counter in
 *   the same step: taking a slot needs `activeCalls < concurrentCallLimit` (else
 *   SlotUnavailableError); nothing is written when either check fails;
 * - a release tells `effects` whether a call marked the account waiting until now or later
 *   (markWaiting, which reads the slot counter in the same step);
 * - `touchWatchdog` moves the watchdog only at the version read, without bumping it;
 * - a call is in the reconciler's queries while its last write had a watchdog time;
 * - what goes in and comes out is copied, so a test cannot change stored state by accident.
 */
export class InMemoryCallTable implements CallRepository, SlotCounters, ReconcilerQueries {
  private readonly calls = new Map<string, { call: StoredCall; indexed: boolean }>();
  private readonly accounts = new Map<string, Account>();
  private readonly idempotency = new Map<string, { record: IdempotencyRecord; expiresAt: number }>();

  /**
   * The campaign's part of the dial gate (the DynamoDB adapter's third transaction item): asked in
   * the same step as a campaign call's `queued → initiating` write; false refuses it
   * (CampaignGateClosedError) and nothing is written. InMemoryCampaignStore sets it.
   */
  campaignGate: ((accountId: string, campaignId: string) => boolean) | null = null;

  /**
   * The campaign's part of a release (the DynamoDB adapter's campaign release item): asked in the
   * same step as a campaign call's write that gives its telephony slot back; true when the
   * campaign's slot was given back (the written call records it), false when there is no such
   * campaign. InMemoryCampaignStore sets it.
   */
  campaignRelease: ((accountId: string, campaignId: string) => boolean) | null = null;

  /**
   * The account's suppression list, as the DynamoDB adapter checks it inside the create of a call
   * to be dialed and inside the dial gate: true refuses the write (NumberSuppressedError) and
   * nothing is written. fakeCallWorld points it at its InMemorySuppressionStore.
   */
  suppressed: ((accountId: string, phoneNumber: string) => boolean) | null = null;

  constructor(private readonly clock: Clock) {}

  /** Adds an account with its concurrent-call limit, as the directory's createAccount does. */
  addAccount(accountId: string, concurrentCallLimit: number): this {
    this.accounts.set(accountId, { concurrentCallLimit, activeCalls: 0, listed: false });
    return this;
  }

  /** The account's slot counter as stored (undefined for an account never seen). */
  activeCalls(accountId: string): number | undefined {
    return this.accounts.get(accountId)?.activeCalls;
  }

  /** Sets an account's slot counter directly, as drift would (a lost release, say). */
  setActiveCalls(accountId: string, activeCalls: number): void {
    const account = this.accounts.get(accountId) ?? { listed: false };
    this.accounts.set(accountId, { ...account, activeCalls, listed: true });
  }

  /** Every stored call, in no particular order. */
  all(): StoredCall[] {
    return [...this.calls.values()].map(({ call }) => copy(call));
  }

  async create(call: StoredCall, idempotency?: IdempotencyRecord): Promise<CreateResult> {
    if (idempotency) {
      const key = `${idempotency.accountId}#${idempotency.key}`;
      const existing = this.idempotency.get(key);
      if (existing && existing.expiresAt > this.clock.now().getTime()) {
        return { created: false, existing: copy(existing.record) };
      }
      if (this.calls.has(call.id)) throw conditionalCheckFailed();
      if (this.refusesDialOf(call)) throw new NumberSuppressedError(call.accountId);
      this.idempotency.set(key, {
        record: copy(idempotency),
        expiresAt: this.clock.now().getTime() + IDEMPOTENCY_TTL_MS,
      });
    } else if (this.calls.has(call.id)) {
      throw conditionalCheckFailed();
    } else if (this.refusesDialOf(call)) {
      throw new NumberSuppressedError(call.accountId);
    }
    this.store(call);
    return { created: true };
  }

  async get(accountId: string, callId: string): Promise<StoredCall | null> {
    const call = await this.getById(callId);
    return call && call.accountId === accountId ? call : null;
  }

  async getById(callId: string): Promise<StoredCall | null> {
    const stored = this.calls.get(callId);
    return stored ? copy(stored.call) : null;
  }

  async getForDial(callId: string, accountId: string): Promise<{ call: StoredCall | null; freeSlot: boolean }> {
    const account = this.accounts.get(accountId);
    const freeSlot =
      account?.concurrentCallLimit !== undefined && (account.activeCalls ?? 0) < account.concurrentCallLimit;
    return { call: await this.getById(callId), freeSlot };
  }

  private refusesDialOf(call: StoredCall): boolean {
    return awaitsDial(call.status) && (this.suppressed?.(call.accountId, call.toNumber) ?? false);
  }

  async list(query: CallListQuery): Promise<CallPage> {
    const after = query.after ? createdKey(query.after) : null;
    const matching = [...this.calls.values()]
      .map(({ call }) => call)
      .filter(
        (call) =>
          call.accountId === query.accountId &&
          (query.agentId === undefined || call.agentId === query.agentId) &&
          (query.status === undefined || call.status === query.status) &&
          (query.campaignId === undefined || call.campaignId === query.campaignId) &&
          (query.createdFrom === undefined || createdKey(call) >= query.createdFrom) &&
          (query.createdBefore === undefined || createdKey(call) < query.createdBefore) &&
          (after === null || createdKey(call) < after),
      )
      .sort((a, b) => (createdKey(a) < createdKey(b) ? 1 : -1));
    return {
      calls: matching.slice(query.offset, query.offset + query.limit).map(copy),
      hasMore: matching.length > query.offset + query.limit,
    };
  }

  async update(next: StoredCall, previous: StoredCall, effects: UpdateEffects = {}): Promise<StoredCall> {
    const stored = this.calls.get(next.id);
    const versionHolds = stored ? stored.call.version === previous.version : previous.version === 0;
    if (!versionHolds) throw new ConcurrentModificationError('Call', next.id);
    const slots = slotChange(previous.status, next.status);
    const gated = previous.status === 'queued' && next.status === 'initiating' ? next.campaignId : undefined;
    if (slots > 0 && !this.slotFree(next.accountId)) throw new SlotUnavailableError(next.accountId);
    const gate = previous.status === 'queued' && next.status === 'initiating';
    if (gate && this.suppressed?.(next.accountId, next.toNumber)) throw new NumberSuppressedError(next.accountId);
    if (gated && this.campaignGate && !this.campaignGate(next.accountId, gated)) {
      throw new CampaignGateClosedError(gated);
    }
    if (slots !== 0) {
      const account = this.accounts.get(next.accountId) ?? { listed: false };
      const free =
        account.activeCalls === undefined ||
        (account.concurrentCallLimit !== undefined && account.activeCalls < account.concurrentCallLimit);
      if (slots > 0 && !free) throw new SlotUnavailableError(next.accountId);
      this.accounts.set(next.accountId, { ...account, activeCalls: (account.activeCalls ?? 0) + slots, listed: true });
      if (slots < 0)
        effects.slotWaitersMayWait =
          (account.slotWaitersUntil ?? Number.NEGATIVE_INFINITY) >= this.clock.now().getTime();
    }
    const givenBack =
      slots < 0 && next.campaignId ? (this.campaignRelease?.(next.accountId, next.campaignId) ?? false) : false;
    const written = { ...next, version: previous.version + 1, ...(givenBack ? { campaignSlotGivenBack: true } : {}) };
    this.store(written);
    return copy(written);
  }

  private slotFree(accountId: string): boolean {
    const account = this.accounts.get(accountId) ?? { listed: false };
    return (
      account.activeCalls === undefined ||
      (account.concurrentCallLimit !== undefined && account.activeCalls < account.concurrentCallLimit)
    );
  }

  async touchWatchdog(call: StoredCall, watchdogAt: string, slotWaitToken?: string): Promise<void> {
    const stored = this.calls.get(call.id);
    if (stored && stored.call.version === call.version)
      stored.call = { ...stored.call, watchdogAt, slotWaitToken: slotWaitToken ?? stored.call.slotWaitToken };
  }

  async takeOverWait(call: StoredCall, expected: string, next: string): Promise<boolean> {
    const stored = this.calls.get(call.id);
    if (stored?.call.status !== 'queued' || stored.call.slotWaitToken !== expected) return false;
    stored.call = { ...stored.call, slotWaitToken: next };
    return true;
  }

  /** Each account's waiting list, keyed as the DynamoDB adapter keys it. */
  readonly waiters = new Map<string, Map<string, SlotWaiter>>();

  async markWaiting(accountId: string, until: Date): Promise<{ freeSlot: boolean }> {
    const account = this.accounts.get(accountId);
    if (!account) return { freeSlot: false };
    account.slotWaitersUntil = Math.max(account.slotWaitersUntil ?? 0, until.getTime());
    return {
      freeSlot: account.concurrentCallLimit !== undefined && (account.activeCalls ?? 0) < account.concurrentCallLimit,
    };
  }

  async addWaiter(accountId: string, waiter: SlotWaiter): Promise<void> {
    const name = listName(accountId, waiter.campaignId);
    const list = this.waiters.get(name) ?? new Map<string, SlotWaiter>();
    list.set(`${waiter.dueAt}#${waiter.callId}#${waiter.attempt}`, { ...waiter });
    this.waiters.set(name, list);
  }

  async oldestWaiters(accountId: string, limit: number, campaignId?: string): Promise<SlotWaiter[]> {
    const list = this.waiters.get(listName(accountId, campaignId)) ?? new Map<string, SlotWaiter>();
    return [...list.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .slice(0, limit)
      .map(([, waiter]) => ({ ...waiter }));
  }

  async removeWaiter(accountId: string, waiter: SlotWaiter): Promise<void> {
    const list = this.waiters.get(listName(accountId, waiter.campaignId));
    const key = `${waiter.dueAt}#${waiter.callId}#${waiter.attempt}`;
    if (list?.get(key)?.token === waiter.token) list.delete(key);
  }

  async listAll(): Promise<SlotCounter[]> {
    return [...this.accounts.entries()]
      .filter(([, account]) => account.listed)
      .map(([accountId, account]) => ({ accountId, activeCalls: account.activeCalls ?? 0 }));
  }

  async repair(accountId: string, expected: number, actual: number): Promise<boolean> {
    const account = this.accounts.get(accountId);
    if (account?.activeCalls !== expected) return false;
    this.accounts.set(accountId, { ...account, activeCalls: actual });
    return true;
  }

  async listWatchdogDue(now: string, limit: number): Promise<StoredCall[]> {
    return this.indexed()
      .filter((call) => call.watchdogAt !== null && call.watchdogAt <= now)
      .sort((a, b) => ((a.watchdogAt ?? '') < (b.watchdogAt ?? '') ? -1 : 1))
      .slice(0, limit);
  }

  async listUnfinished(): Promise<StoredCall[]> {
    return this.indexed();
  }

  private indexed(): StoredCall[] {
    return [...this.calls.values()].filter(({ indexed }) => indexed).map(({ call }) => copy(call));
  }

  private store(call: StoredCall): void {
    this.calls.set(call.id, { call: copy(call), indexed: Boolean(call.watchdogAt) });
  }
}

/** A waiting list's name in the fake: the account's, or a campaign's (as the adapter's partition keys). */
const listName = (accountId: string, campaignId?: string) => (campaignId ? `${accountId}#${campaignId}` : accountId);
