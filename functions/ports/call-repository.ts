import type { CallStatus, StoredCall } from '#schemas/call';

/** Where a page of calls ends; the next page starts after it. */
export interface CallPosition {
  createdAt: string;
  id: string;
}

/** One page of an account's calls, newest first, optionally narrowed by agent, status and createdAt. */
export interface CallListQuery {
  accountId: string;
  agentId?: string;
  status?: CallStatus;
  /** Only the calls of this campaign (the byCampaign / byCampaignStatus index). */
  campaignId?: string;
  /** Inclusive lower bound on createdAt (service timestamp format). */
  createdFrom?: string;
  /** Exclusive upper bound on createdAt (service timestamp format). */
  createdBefore?: string;
  /** Calls to skip before the page starts (page-number paging). */
  offset: number;
  limit: number;
  after?: CallPosition;
}

/** A page of calls, and whether more follow it. */
export interface CallPage {
  calls: StoredCall[];
  hasMore: boolean;
}

/** Remembers the first response to a create made with an Idempotency-Key, for 24 hours. */
export interface IdempotencyRecord {
  accountId: string;
  key: string;
  requestHash: string;
  callId: string;
  response: unknown;
}

/** Whether a create stored the call, or found the idempotency record of an earlier one. */
export type CreateResult = { created: true } | { created: false; existing: IdempotencyRecord };

/** What CallRepository.update did besides writing the call, for the caller to act on. */
export interface UpdateEffects {
  /**
   * Set by a write that gave a telephony slot back: false when no call of the account has marked
   * itself waiting for a slot until now or later (SlotCounters.markWaiting), so there is nobody to
   * wake; true when one may wait. Unset: not known (wake the list).
   */
  slotWaitersMayWait?: boolean;
}

/**
 * The calls themselves: create, read, list, and write the next state of one. Every write of a
 * call is conditional on the `version` it was read at (ConcurrentModificationError otherwise).
 */
export interface CallRepository {
  /**
   * Writes a new call, and its idempotency record in the same transaction when one is given. A
   * call created to be dialed (`scheduled` or `queued`) is written only if its number is not on
   * the account's suppression list, checked in the same transaction (else NumberSuppressedError).
   */
  create(call: StoredCall, idempotency?: IdempotencyRecord): Promise<CreateResult>;
  /** The call if it exists and belongs to the account. */
  get(accountId: string, callId: string): Promise<StoredCall | null>;
  /** The call by id alone, for the dial pipeline, which knows ids from its own messages. */
  getById(callId: string): Promise<StoredCall | null>;
  /**
   * The dialer's first look, in one consistent read: the call by id, and whether `accountId` has
   * a free telephony slot (`activeCalls < concurrentCallLimit`; false for an unknown account). The
   * slot is only a hint for not spending the provider's budget on a call that cannot dial: the
   * gate (update) is what takes it.
   */
  getForDial(callId: string, accountId: string): Promise<{ call: StoredCall | null; freeSlot: boolean }>;
  /** Newest first. */
  list(query: CallListQuery): Promise<CallPage>;
  /**
   * Writes the next state of a call read at `previous` and returns it with its new version: only
   * if nobody wrote it since (else ConcurrentModificationError). Entering a slot-holding status
   * takes one of the account's telephony slots in the same transaction (else SlotUnavailableError);
   * leaving one gives it back. The gate (`queued → initiating`) also needs the call's number off
   * the account's suppression list, checked in the same transaction (else NumberSuppressedError),
   * so a number suppressed at any moment before the gate is never dialed. The slot counter changes here, not through SlotCounters, because the
   * status and the counter must change together or not at all: a slot is held exactly while a call
   * holds one of those statuses, and the `queued → initiating` write is the gate that stops a
   * second dial of an attempt. A write that gives a slot back tells `effects` whether a call of
   * the account may be waiting for one (SlotCounters.markWaiting).
   */
  update(next: StoredCall, previous: StoredCall, effects?: UpdateEffects): Promise<StoredCall>;
  /**
   * Moves a call's watchdog time (when the reconciler should look at it), and sets its
   * `slotWaitToken` when given, without counting as a change: writers that read the call before
   * still succeed. Does nothing if the call moved on meanwhile.
   */
  touchWatchdog(call: StoredCall, watchdogAt: string, slotWaitToken?: string): Promise<void>;
  /**
   * Makes `next` the call's `slotWaitToken` if it is still queued and holds `expected`, without
   * counting as a change; false otherwise. The dial message carrying the token that was replaced
   * is then dropped on arrival: a call waiting for a slot has one live message.
   */
  takeOverWait(call: StoredCall, expected: string, next: string): Promise<boolean>;
}
