import { monotonicFactory } from 'ulid';
import type { CallStatus } from '#schemas/call';
import {
  CampaignSchema,
  type Campaign,
  type CampaignCounts,
  type CampaignStatus,
  type StoredCampaign,
} from '#schemas/campaign';
import { isTerminal } from './call-status-machine.ts';
import { CAMPAIGN_ID_PATTERN } from './ids.ts';
import { toTimestamp } from './time.ts';

const nextUlid = monotonicFactory();

/** Campaign ids are `cmp_` + a ULID, so they sort by creation time. */
export function newCampaignId(now: Date): string {
  return `cmp_${nextUlid(now.getTime())}`;
}

/**
 * The Idempotency-Key of contact `index`'s call in campaign `campaignId`: `<campaignId>#<index>`
 * (e.g. `cmp_01J…#41`). Every path that makes a contact's call (the request, its continuation
 * pages, the reconciler's resend) uses it, so a contact never gets two calls; a customer's own key
 * of this form is refused on POST /outbound-calls (isCampaignContactKey), so it cannot take a
 * contact's place.
 */
export const campaignContactKey = (campaignId: string, index: number): string => `${campaignId}#${index}`;

/** Whether `key` has the form campaignContactKey gives: a campaign id (CAMPAIGN_ID_PATTERN), `#`, digits. */
export function isCampaignContactKey(key: string): boolean {
  const hash = key.lastIndexOf('#');
  return hash > 0 && CAMPAIGN_ID_PATTERN.test(key.slice(0, hash)) && /^\d+$/.test(key.slice(hash + 1));
}

/**
 * What the API shows: a campaign stored as `scheduled` is `running` from its `startAt` on (nothing
 * has to write that moment), and `activeCalls`, `version` and the plan stay inside.
 */
export function toPublicCampaign(campaign: StoredCampaign, now: Date): Campaign {
  return CampaignSchema.parse({ ...campaign, status: effectiveStatus(campaign, now) });
}

export function effectiveStatus(campaign: Pick<StoredCampaign, 'status' | 'startAt'>, now: Date): CampaignStatus {
  return campaign.status === 'scheduled' && Date.parse(campaign.startAt) <= now.getTime() ? 'running' : campaign.status;
}

/** Stored statuses in which the campaign's calls may be dialed (the dial gate's condition). */
export const DIALABLE_CAMPAIGN_STATUSES: readonly CampaignStatus[] = ['scheduled', 'running', 'completed'];

/**
 * When each of `count` contacts is due: the first at `from`, then one every 60 / callsPerMinute
 * seconds (whole milliseconds), so the campaign never asks for more than its pace.
 * Returns the due times and the plan's new end (when a next contact would be due).
 */
export function planDueTimes(from: Date, count: number, callsPerMinute: number): { dueAt: Date[]; nextDueAt: Date } {
  const spacingMs = Math.ceil(60_000 / callsPerMinute);
  const dueAt = Array.from({ length: count }, (_, i) => new Date(from.getTime() + i * spacingMs));
  return { dueAt, nextDueAt: new Date(from.getTime() + count * spacingMs) };
}

/** Calls of the campaign in a terminal status. */
export function endedCalls(counts: CampaignCounts): number {
  return (Object.keys(counts) as Array<keyof CampaignCounts>)
    .filter((key) => key !== 'total' && isTerminal(key as CallStatus))
    .reduce((sum, key) => sum + counts[key], 0);
}

/** True when every contact's call has ended: the moment a running campaign completes. */
export function allCallsEnded(counts: CampaignCounts): boolean {
  return counts.total > 0 && endedCalls(counts) >= counts.total;
}

/** What the dial gate does with a call of this campaign. */
export type DialPermit = 'dial' | 'hold' | 'cancel';

/** A paused campaign holds its calls; a cancelled one cancels them; any other dials them. */
export function dialPermit(campaign: Pick<StoredCampaign, 'status'> | null): DialPermit {
  if (!campaign) return 'dial';
  if (campaign.status === 'paused') return 'hold';
  if (campaign.status === 'cancelled') return 'cancel';
  return 'dial';
}

/**
 * The dial gate refused a campaign call: its campaign is paused or cancelled, or already has
 * `maxConcurrentCalls` calls dialing or connected. Nothing was written; the dialer reads the
 * campaign to learn which (dialPermit).
 */
export class CampaignGateClosedError extends Error {
  constructor(readonly campaignId: string) {
    super(`Campaign ${campaignId} does not dial this call now`);
    this.name = 'CampaignGateClosedError';
  }
}

/**
 * How long, in ms after the last progress of a campaign's contacts' calls, the reconciler waits
 * before it sends the work on them again (a message lost, or never sent): longer than a request's
 * or a page's whole run, and longer than the dial queue's visibility timeout (6 × the dialer's 30 s
 * timeout, infra/constructs/call-dispatch.ts), so that a page the queue is about to deliver again
 * is not sent a second time beside it (the two would only do the same idempotent work, but would
 * go on as two chains to the end).
 */
export const CONTACTS_GRACE_MS = 5 * 60_000;

/** When the reconciler should look at a campaign whose contacts' work was last seen moving `now`. */
export const contactsDueAt = (now: Date, budgetMs = 0): string =>
  toTimestamp(new Date(now.getTime() + budgetMs + CONTACTS_GRACE_MS));
