/** How many telephony slots (concurrent calls) an account holds right now, by its counter. */
export interface SlotCounter {
  accountId: string;
  activeCalls: number;
}

/**
 * A call waiting for one of its account's telephony slots, as the account's waiting list keeps it.
 * `token` is the call's `slotWaitToken` when it joined: the entry is current while they match.
 */
export interface SlotWaiter {
  callId: string;
  attempt: number;
  /** When the attempt was due (ISO 8601, UTC): the list is served in this order. */
  dueAt: string;
  token: string;
  /**
   * The campaign whose `maxConcurrentCalls` the call waits for (its account had a free slot): the
   * entry is on that campaign's list, which only a release of the campaign's calls looks at.
   * Absent: it waits for an account slot, on the account's list.
   */
  campaignId?: string;
}

/**
 * Each account's count of calls holding a telephony slot, against its concurrent-call limit. The
 * counter is taken and given back by CallRepository.update, atomically with the status change;
 * this port only reads it, and repairs one that drifted (the dialer reads it with the call:
 * CallRepository.getForDial).
 */
export interface SlotCounters {
  /** Every account's count of slots in use (every account that ever held a slot). */
  listAll(): Promise<SlotCounter[]>;
  /** Sets an account's count of slots in use to `actual` if it still holds `expected`; false if it does not. */
  repair(accountId: string, expected: number, actual: number): Promise<boolean>;
  /**
   * Puts a call on a waiting list: its account's, or its campaign's when `waiter.campaignId` is
   * set; one entry per call attempt and list, the latest token wins.
   */
  addWaiter(accountId: string, waiter: SlotWaiter): Promise<void>;
  /** A waiting list (the account's, or the campaign's), earliest `dueAt` first, at most `limit` entries. */
  oldestWaiters(accountId: string, limit: number, campaignId?: string): Promise<SlotWaiter[]>;
  /** Takes an entry off its list (by `waiter.campaignId`) if it still holds `waiter.token`; does nothing otherwise. */
  removeWaiter(accountId: string, waiter: SlotWaiter): Promise<void>;
  /**
   * Marks that a call of the account waits for a slot until `until` (a later mark stays), in one
   * atomic step with reading the account's slot counter: `freeSlot` is whether a slot was free at
   * that moment. Called after the call's entry is on the waiting list: a release before the mark
   * shows here as a free slot, and a release after it sees the mark and wakes the list
   * (CallRepository.update's `effects`), so no release passes a waiting call by.
   */
  markWaiting(accountId: string, until: Date): Promise<{ freeSlot: boolean }>;
}
