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

export interface CallStore {
  /** Writes a new call, and its idempotency record in the same transaction when one is given. */
  create(call: StoredCall, idempotency?: IdempotencyRecord): Promise<CreateResult>;
  /** The call if it exists and belongs to the account. */
  get(accountId: string, callId: string): Promise<StoredCall | null>;
  /** Newest first. */
  list(query: CallListQuery): Promise<CallPage>;
  /**
   * Replaces the call if its status is still `expectedStatus`, else throws
   * ConcurrentModificationError. The state machine decided the new status; this enforces it.
   */
  update(call: StoredCall, expectedStatus: CallStatus): Promise<void>;
}
