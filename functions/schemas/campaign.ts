import * as z from 'zod/mini';
import { CAMPAIGN_ID_PATTERN, DIRECTORY_ID_PATTERN } from '#domain/ids';
import { CALL_STATUSES, KeyModeSchema, type CallStatus } from './call.ts';
import { CallingWindowSchema, RetryPolicySchema, isIanaZone } from './calling-window.ts';
import { LIMITS as CALL_LIMITS } from './create-call-request.ts';
import { RequestMetadataSchema } from './metadata.ts';
import { phoneNumberSchema } from './phone-number.ts';
import { idField, textField } from './text-field.ts';

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

const integerBetween = (field: string, min: number, max: number) => {
  const error = `${field} must be an integer from ${min} to ${max}.`;
  return z.int({ error }).check(z.gte(min, { error }), z.lte(max, { error }));
};

const numberBetween = (field: string, min: number, max: number) => {
  const error = `${field} must be a number from ${min} to ${max}.`;
  return z.number({ error }).check(z.gte(min, { error }), z.lte(max, { error }));
};

const timeZoneField = (field: string) =>
  textField(field, { min: 1, max: CAMPAIGN_LIMITS.timeZoneLength }).check(
    z.refine(isIanaZone, { error: `${field} must be an IANA time zone name, such as America/New_York.` }),
  );

/** One contact: it becomes one outbound call of the campaign. */
export const CampaignContactSchema = z.strictObject({
  toNumber: phoneNumberSchema('toNumber'),
  metadata: z.optional(RequestMetadataSchema),
  overrideFirstMessage: z.optional(
    textField('overrideFirstMessage', { min: 1, max: CALL_LIMITS.overrideFirstMessageLength }),
  ),
  /** The callee's own zone; wins over the zone the calling window derives from the number. */
  timeZone: z.optional(timeZoneField('timeZone')),
});
export type CampaignContact = z.infer<typeof CampaignContactSchema>;

/**
 * Contacts of one request: 1 to 1,000, no number twice (a repeat is almost always a mistake in the
 * list, and calling someone twice at once is worse than a 400 that names the repeat).
 */
const contactsField = z.array(CampaignContactSchema, { error: 'contacts must be an array of contacts.' }).check(
  z.minLength(CAMPAIGN_LIMITS.contactsPerRequest.min, { error: 'contacts must hold at least one contact.' }),
  z.maxLength(CAMPAIGN_LIMITS.contactsPerRequest.max, {
    error: `contacts may hold at most ${CAMPAIGN_LIMITS.contactsPerRequest.max} contacts per request; add more with POST /api/v1/campaigns/{id}/contacts.`,
  }),
  z.superRefine((contacts, context) => {
    const seen = new Map<string, number>();
    contacts.forEach((contact, index) => {
      const first = seen.get(contact.toNumber);
      if (first !== undefined) {
        context.addIssue({
          code: 'custom',
          message: `contacts[${index}].toNumber repeats the number of contacts[${first}]; each number may appear once per request.`,
          input: contact.toNumber,
          path: [index, 'toNumber'],
        });
      } else seen.set(contact.toNumber, index);
    });
  }),
);

export const PacingSchema = z.strictObject({
  callsPerMinute: z.optional(
    numberBetween('pacing.callsPerMinute', CAMPAIGN_LIMITS.callsPerMinute.min, CAMPAIGN_LIMITS.callsPerMinute.max),
  ),
  maxConcurrentCalls: z.optional(
    integerBetween(
      'pacing.maxConcurrentCalls',
      CAMPAIGN_LIMITS.maxConcurrentCalls.min,
      CAMPAIGN_LIMITS.maxConcurrentCalls.max,
    ),
  ),
});

/** Body of POST /api/v1/campaigns. Unknown fields are rejected, as for calls. */
export const CreateCampaignRequestSchema = z.strictObject({
  name: textField('name', { min: 1, max: CAMPAIGN_LIMITS.nameLength }),
  agentId: idField('agentId', DIRECTORY_ID_PATTERN, 'an agent id: letters, digits, _ and -, at most 64 characters'),
  fromNumber: z.optional(phoneNumberSchema('fromNumber')),
  contacts: contactsField,
  startAt: z.optional(
    z.iso.datetime({
      offset: true,
      error: 'startAt must be an ISO 8601 date-time with a time zone, such as 2030-06-17T09:00:00Z.',
    }),
  ),
  pacing: z.optional(PacingSchema),
  /** Every attempt of every call is dialed inside it (the calls' own callingWindow). */
  callingWindow: z.optional(CallingWindowSchema),
  /** Retries per outcome of every call (the calls' own retryPolicy). */
  retryPolicy: z.optional(RetryPolicySchema),
});
export type CreateCampaignRequest = z.infer<typeof CreateCampaignRequestSchema>;

/** Body of POST /api/v1/campaigns/{id}/contacts. */
export const AppendContactsRequestSchema = z.strictObject({ contacts: contactsField });
export type AppendContactsRequest = z.infer<typeof AppendContactsRequestSchema>;

export const CAMPAIGN_FIELD_CODES = {
  fromNumber: 'invalid_phone_number',
  startAt: 'invalid_start_at',
  contacts: 'invalid_contacts',
  pacing: 'invalid_pacing',
  callingWindow: 'invalid_calling_window',
  retryPolicy: 'invalid_retry_policy',
};

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
});
export type StoredCampaign = z.infer<typeof StoredCampaignSchema>;

/** Zeroes for every count. */
export function emptyCounts(): CampaignCounts {
  return { total: 0, ...(Object.fromEntries(CALL_STATUSES.map((s) => [s, 0])) as Record<CallStatus, number>) };
}
