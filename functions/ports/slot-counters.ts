/** How many telephony slots (concurrent calls) an account holds right now, by its counter. */
export interface SlotCounter {
  accountId: string;
  activeCalls: number;
}

/**
 * Each account's count of calls holding a telephony slot, against its concurrent-call limit. The
 * counter is taken and given back by CallRepository.update, atomically with the status change;
 * this port only reads it, and repairs one that drifted.
 */
export interface SlotCounters {
  /** Whether the account has a telephony slot free right now (a consistent read; not a reservation). */
  hasFreeSlot(accountId: string): Promise<boolean>;
  /** Every account's count of slots in use (every account that ever held a slot). */
  listAll(): Promise<SlotCounter[]>;
  /** Sets an account's count of slots in use to `actual` if it still holds `expected`; false if it does not. */
  repair(accountId: string, expected: number, actual: number): Promise<boolean>;
}
