import type { CallStatus, StoredCall } from '#schemas/call';
import type { CampaignStatus, StoredCampaign } from '#schemas/campaign';
import type { CampaignContact } from '#schemas/campaign-request';

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

/**
 * A contact as the campaign keeps it, from the request that brought it until (and after) its call
 * exists: its index in the campaign, when its call is due (the plan of its request), and the
 * contact exactly as the request sent it (the call's idempotent request body is derived from it).
 */
export interface StoredContact {
  index: number;
  dueAt: string;
  contact: CampaignContact;
}

/** A campaign whose contacts' calls stopped being made before all were (for the reconciler). */
export interface CampaignWithContactsDue {
  accountId: string;
  campaignId: string;
  /** Every contact below this index has its call. */
  contactsCreated: number;
}

/** A change of one campaign call's status, as the table stream reports it. */
export interface CampaignCallChange {
  accountId: string;
  campaignId: string;
  callId: string;
  /** The call's version after the change: each version is counted at most once. */
  version: number;
  from: CallStatus | null;
  to: CallStatus;
  /**
   * The call stopped holding a telephony slot in a write that did not give the campaign's slot
   * back itself (one written by an older version of the service): give back the one it took from
   * the campaign at the gate.
   */
  releasesSlot: boolean;
}

/**
 * Campaigns (one item each, under the account) and the campaign calls' index. Status changes are
 * conditional on the campaign's version; counts and the campaign's slot counter change only by
 * atomic additions, so they never race a status change.
 */
export interface CampaignStore {
  /**
   * Writes a new campaign and its contacts (every one, before any call is made), with its
   * idempotency record in the same transaction when given; the campaign is marked as having
   * contacts without calls (`contactsCreated` 0, watched by the reconciler from `contactsDueAt`).
   * A repeated key writes nothing and returns the first request's record.
   */
  create(
    campaign: StoredCampaign,
    contacts: StoredContact[],
    contactsDueAt: string,
    idempotency?: CampaignIdempotencyRecord,
  ): Promise<ReserveResult>;
  get(accountId: string, campaignId: string): Promise<StoredCampaign | null>;
  /** Newest first; `after` is the last campaign id of the previous page. */
  list(accountId: string, limit: number, after?: string): Promise<{ campaigns: StoredCampaign[]; hasMore: boolean }>;
  /**
   * Reserves `count` more contacts: adds them to `counts.total`, moves the plan's end to
   * `nextDueAt` and (a completed campaign) makes it `running` again; conditional on the version
   * read (ConcurrentModificationError). With an idempotency record, a repeated key returns it instead.
   * Stores the contacts and marks the campaign as having contacts without calls, like create.
   */
  reserveContacts(
    campaign: StoredCampaign,
    reservation: ContactReservation & { nextDueAt: string; at: string },
    contacts: StoredContact[],
    contactsDueAt: string,
    idempotency?: Omit<CampaignIdempotencyRecord, 'firstIndex' | 'count' | 'firstDueAt'>,
  ): Promise<ReserveResult>;
  /** At most `limit` of the campaign's stored contacts from index `from`, in index order. */
  readContacts(accountId: string, campaignId: string, from: number, limit: number): Promise<StoredContact[]>;
  /**
   * Records that every contact in [`from`, `to`) has its call: `contactsCreated` becomes `to` if it
   * was in [`from`, `to`) (a range past a gap left by other work changes nothing: the work that fills
   * the gap walks over it again). While contacts without calls remain, the reconciler looks at the
   * campaign at `contactsDueAt`; once none remain, no more. Returns `contactsCreated` and
   * `counts.total` after the write; null for a campaign that does not exist.
   */
  recordContactsCreated(
    accountId: string,
    campaignId: string,
    range: { from: number; to: number },
    contactsDueAt: string,
  ): Promise<{ contactsCreated: number; total: number } | null>;
  /** Campaigns with contacts still without calls whose `contactsDueAt` is at or before `now`, oldest first. */
  listContactsDue(now: string, limit: number): Promise<CampaignWithContactsDue[]>;
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
   * Sets the campaign's count of calls holding its slots (`activeCalls`) to `actual` if it still
   * holds `expected`; false if it does not (a gate or a release moved it meanwhile) or the
   * campaign is gone. The reconciler's repair of a count that drifted.
   */
  repairActiveCalls(accountId: string, campaignId: string, expected: number, actual: number): Promise<boolean>;
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
