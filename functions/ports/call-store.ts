import type { CallStatus, StoredCall } from '#schemas/call';

/** Where a page of calls ends; the next page starts after it. */
export interface CallPosition {
  createdAt: string;
  id: string;
}

export interface CallListQuery {
  accountId: string;
  agentId?: string;
  status?: CallStatus;
  /** Inclusive lower bound on createdAt (service timestamp format). */
  createdFrom?: string;
  /** Exclusive upper bound on createdAt (service timestamp format). */
  createdBefore?: string;
  /** Calls to skip before the page starts (page-number paging). */
  offset: number;
  limit: number;
  after?: CallPosition;
}

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

export type CreateResult = { created: true } | { created: false; existing: IdempotencyRecord };

export interface SlotCounter {
  accountId: string;
  activeCalls: number;
}

export interface CallStore {
  /** Writes a new call, and its idempotency record in the same transaction when one is given. */
  create(call: StoredCall, idempotency?: IdempotencyRecord): Promise<CreateResult>;
  /** The call if it exists and belongs to the account. */
  get(accountId: string, callId: string): Promise<StoredCall | null>;
  /** The call by id alone, for the dial pipeline, which knows ids from its own messages. */
  getById(callId: string): Promise<StoredCall | null>;
  /** Newest first. */
  list(query: CallListQuery): Promise<CallPage>;
  /**
   * Writes the next state of a call read at `previous`: only if nobody wrote it since (else
   * ConcurrentModificationError). Entering a slot-holding status takes one of the account's
   * telephony slots in the same transaction (else SlotUnavailableError); leaving one gives it back.
   */
  update(next: StoredCall, previous: StoredCall): Promise<StoredCall>;
  /**
   * Moves a call's watchdog time without counting as a change: writers that read the call
   * before still succeed. Does nothing if the call moved on meanwhile.
   */
  touchWatchdog(call: StoredCall, watchdogAt: string): Promise<void>;
  /** Whether the account has a telephony slot free right now (a consistent read; not a reservation). */
  hasFreeSlot(accountId: string): Promise<boolean>;
  /** Calls whose watchdog time has passed, oldest first. */
  listWatchdogDue(now: string, limit: number): Promise<StoredCall[]>;
  /** Every call not yet in a terminal status. */
  listUnfinished(): Promise<StoredCall[]>;
  /** Every account's count of slots in use. */
  listSlotCounters(): Promise<SlotCounter[]>;
  /** Sets an account's count of slots in use, if it still holds `expected`. */
  repairSlotCounter(accountId: string, expected: number, actual: number): Promise<boolean>;
}
