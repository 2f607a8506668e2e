import * as z from 'zod/mini';
import { CAMPAIGN_ID_PATTERN } from '#domain/ids';
import { CALL_STATUSES, KeyModeSchema, type CallStatus } from './call.ts';
import { CallingWindowSchema, RetryPolicySchema } from './calling-window.ts';
import { idField } from './text-field.ts';

/**
 * Bounds of the campaigns API (docs/api.md, "Campaigns"). A request carries at most 1,000 contacts
 * (more go in appends); its body may be larger than other requests' (REQUEST_LIMITS) because it
 * carries many contacts, but stays under Lambda's 6 MB synchronous payload
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
 */
export const CAMPAIGN_LIMITS = {
  contactsPerRequest: { min: 1, max: 1000 },
  nameLength: 200,
  bodyBytes: 5 * 1024 * 1024,
  /**
   * Calls dialed per minute; the provider's calls-per-second limit still applies beneath it. A
   * fraction paces slower than one a minute (0.5: one every 2 minutes; the minimum 0.001: one
   * every 16 h 40 min), as `npm run campaign -- schedule --every 2m` sends.
   */
  callsPerMinute: { min: 0.001, max: 600, default: 10 },
  /** The account's concurrent-call limit is the real ceiling; the use case checks against it. */
  maxConcurrentCalls: { min: 1, max: 1000 },
  timeZoneLength: 64,
  listPageSize: { min: 1, max: 100, default: 20 },
} as const;

export const CAMPAIGN_STATUSES = ['scheduled', 'running', 'paused', 'completed', 'cancelled'] as const;
export const CampaignStatusSchema = z.enum(CAMPAIGN_STATUSES);
export type CampaignStatus = z.infer<typeof CampaignStatusSchema>;

/** Query string of GET /api/v1/campaigns. */
export const ListCampaignsQuerySchema = z.strictObject({
  pageSize: z.optional(
    z.coerce
      .number({ error: 'pageSize must be an integer from 1 to 100.' })
      .check(
        z.int({ error: 'pageSize must be an integer from 1 to 100.' }),
        z.gte(1, { error: 'pageSize must be an integer from 1 to 100.' }),
        z.lte(100, { error: 'pageSize must be an integer from 1 to 100.' }),
      ),
  ),
  cursor: z.optional(
    idField('cursor', CAMPAIGN_ID_PATTERN, 'the nextCursor of the previous page, unchanged (a campaign id)'),
  ),
});
export type ListCampaignsQuery = z.infer<typeof ListCampaignsQuerySchema>;

/** Calls of the campaign in each status, and how many contacts it has (`total`). */
export const CampaignCountsSchema = z.object({
  total: z.int(),
  ...(Object.fromEntries(CALL_STATUSES.map((status) => [status, z.int()])) as Record<CallStatus, z.ZodMiniInt>),
});
export type CampaignCounts = z.infer<typeof CampaignCountsSchema>;

/** The campaign as the API returns it. */
export const CampaignSchema = z.object({
  id: z.string(),
  name: z.string(),
  agentId: z.string(),
  fromNumber: z.nullable(z.string()),
  status: CampaignStatusSchema,
  startAt: z.string(),
  pacing: z.object({ callsPerMinute: z.number(), maxConcurrentCalls: z.int() }),
  callingWindow: z._default(z.nullable(CallingWindowSchema), null),
  retryPolicy: z._default(z.nullable(RetryPolicySchema), null),
  counts: CampaignCountsSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  completedAt: z.nullable(z.string()),
});
export type Campaign = z.infer<typeof CampaignSchema>;

/**
 * A campaign as the service keeps it: the public object, its owner, the end of its dialing plan
 * (`nextDueAt`: the next contact appended is due no earlier) and the bookkeeping of the dial gate
 * (`activeCalls`: its calls holding a telephony slot, taken at the gate, given back from the stream).
 */
export const StoredCampaignSchema = z.extend(CampaignSchema, {
  accountId: z.string(),
  keyMode: KeyModeSchema,
  nextDueAt: z.string(),
  activeCalls: z._default(z.int(), 0),
  /** Bumped by every write of the settings or status; each is conditional on the version it read. */
  version: z._default(z.int(), 0),
  /**
   * The `version` the last pause, resume or cancel wrote: a resume's page-by-page work
   * (CampaignSweepMessage) goes on only while the campaign still has it. Absent before any.
   */
  statusVersion: z.optional(z.int()),
  /**
   * Every contact below this index has its call (the rest are made by the campaign's background
   * work, use-cases/campaign-contacts.ts). Absent on campaigns stored before contacts were kept: all made.
   */
  contactsCreated: z.optional(z.int()),
});
export type StoredCampaign = z.infer<typeof StoredCampaignSchema>;

/** Zeroes for every count. */
export function emptyCounts(): CampaignCounts {
  return { total: 0, ...(Object.fromEntries(CALL_STATUSES.map((s) => [s, 0])) as Record<CallStatus, number>) };
}
