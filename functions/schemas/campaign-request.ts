import * as z from 'zod/mini';
import { DIRECTORY_ID_PATTERN } from '#domain/ids';
import { CAMPAIGN_LIMITS } from './campaign.ts';
import { CallingWindowSchema, RetryPolicySchema, isIanaZone } from './calling-window.ts';
import { LIMITS as CALL_LIMITS } from './call-request-fields.ts';
import { RequestMetadataSchema } from './metadata.ts';
import { phoneNumberSchema } from './phone-number.ts';
import { idField, textField } from './text-field.ts';

/*
 * The campaigns API's request bodies (docs/api.md, "Campaigns"). Apart from the campaign's stored
 * and public shapes (campaign.ts) because they check phone numbers: a function that only reads
 * campaigns does not load libphonenumber's metadata at cold start (docs/architecture.md, "Cold start").
 */

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
