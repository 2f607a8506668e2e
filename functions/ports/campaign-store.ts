import type { CallStatus, StoredCall } from '#schemas/call';
import type { CampaignStatus, StoredCampaign } from '#schemas/campaign';

/**
 * Remembers which contacts a create or append made with an Idempotency-Key took, for 24 hours: a
 * repeat gets the same contacts' calls (their own keys are derived from the campaign and index).
 */
export interface CampaignIdempotencyRecord {
  accountId: string;
  key: string;
  requestHash: string;
  campaignId: string;
  /** Index in the campaign of the request's first contact. */
  firstIndex: number;
  count: number;
  /** When the request's first contact was due (the others follow at the campaign's pace). */
  firstDueAt: string;
}

/** What one request reserved: the indexes and due times of its contacts. */
export interface ContactReservation {
  firstIndex: number;
  count: number;
  firstDueAt: string;
}

export type ReserveResult =
  | { reserved: true; reservation: ContactReservation }
  | { reserved: false; existing: CampaignIdempotencyRecord };

/** A change of one campaign call's status, as the table stream reports it. */
export interface CampaignCallChange {
  accountId: string;
  campaignId: string;
  callId: string;
  /** The call's version after the change: each version is counted at most once. */
  version: number;
  from: CallStatus | null;
  to: CallStatus;
  /** The call stopped holding a telephony slot: give back the one it took from the campaign at the gate. */
  releasesSlot: boolean;
}

/**
 * Campaigns (one item each, under the account) and the campaign calls' index. Status changes are
 * conditional on the campaign's version; counts and the campaign's slot counter change only by
 * atomic additions, so they never race a status change.
 */
export interface CampaignStore {
  /** Writes a new campaign, with its idempotency record in the same transaction when given. */
  create(campaign: StoredCampaign, idempotency?: CampaignIdempotencyRecord): Promise<ReserveResult>;
  get(accountId: string, campaignId: string): Promise<StoredCampaign | null>;
  /** Newest first; `after` is the last campaign id of the previous page. */
  list(accountId: string, limit: number, after?: string): Promise<{ campaigns: StoredCampaign[]; hasMore: boolean }>;
  /**
   * Reserves `count` more contacts: adds them to `counts.total`, moves the plan's end to
   * `nextDueAt` and (a completed campaign) makes it `running` again; conditional on the version
   * read (ConcurrentModificationError). With an idempotency record, a repeated key returns it instead.
   */
  reserveContacts(
    campaign: StoredCampaign,
    reservation: ContactReservation & { nextDueAt: string; at: string },
    idempotency?: Omit<CampaignIdempotencyRecord, 'firstIndex' | 'count' | 'firstDueAt'>,
  ): Promise<ReserveResult>;
  /**
   * Sets the status (and completedAt), conditional on the version read (ConcurrentModificationError).
   * A pause, resume or cancel (`statusChange`) also records the new version as `statusVersion`.
   */
  setStatus(
    campaign: StoredCampaign,
    status: CampaignStatus,
    at: string,
    options?: { completedAt?: string; nextDueAt?: string; statusChange?: boolean },
  ): Promise<StoredCampaign>;
  /** Applies a call's status change to the counts once per call version; false if it was counted already. */
  applyCallChange(change: CampaignCallChange): Promise<boolean>;
  /**
   * One page of the campaign's calls in `status`, oldest first, from the campaign-status index:
   * at most `limit` calls after the position `after` (the `next` of the page before; absent: the
   * first page). `next` is null on the last page. A position stays valid while calls leave the status.
   */
  listCallsPage(
    accountId: string,
    campaignId: string,
    status: CallStatus,
    limit: number,
    after?: string,
  ): Promise<{ calls: StoredCall[]; next: string | null }>;
}
