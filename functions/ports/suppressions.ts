import type { Suppression } from '#schemas/suppressions';

/** One page of an account's suppressed numbers, in number order. */
export interface SuppressionPage {
  suppressions: Suppression[];
  hasMore: boolean;
}

/** The numbers each account never wants called (docs/api.md "Suppression list"). */
export interface SuppressionStore {
  /** Adds the number unless it is there already; either way answers the stored entry (the first one wins). */
  add(accountId: string, suppression: Suppression): Promise<{ suppression: Suppression; created: boolean }>;
  /** Removes the number; false if it was not there. */
  remove(accountId: string, phoneNumber: string): Promise<boolean>;
  /** Which of `phoneNumbers` (E.164) are on the account's list; any number of them, read in batches. */
  suppressedAmong(accountId: string, phoneNumbers: readonly string[]): Promise<Set<string>>;
  /** `limit` entries after skipping `offset`, or after the number `after` (exclusive). */
  list(accountId: string, page: { offset: number; limit: number; after?: string }): Promise<SuppressionPage>;
}
