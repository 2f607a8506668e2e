import * as z from 'zod/mini';
import { METADATA_LIMITS, RequestMetadataSchema } from './metadata.ts';
import { textField } from './text-field.ts';

/*
 * What the create and the update of a call share, apart from the create's phone-number fields
 * (create-call-request.ts): PATCH /api/v1/outbound-calls/{callId} does not load libphonenumber's
 * metadata at cold start (docs/architecture.md, "Cold start").
 */

export const LIMITS = {
  maxRetries: { min: 0, max: 3, default: 0 },
  retryDelayMinutes: { min: 1, max: 1440, default: 15 },
  metadataBytes: METADATA_LIMITS.bytes,
  overrideFirstMessageLength: 4000,
  agentIdLength: 64,
  /** How far in the past `scheduledFor` may be and still be accepted (as "due now"). */
  scheduledForSkewToleranceMinutes: 5,
} as const;

const integerBetween = (field: string, min: number, max: number) => {
  const error = `${field} must be an integer from ${min} to ${max}.`;
  return z.int({ error }).check(z.gte(min, { error }), z.lte(max, { error }));
};

export const scheduledForField = z.iso.datetime({
  offset: true,
  error:
    'scheduledFor must be an ISO 8601 date-time with a time zone, such as 2025-06-17T09:00:00Z or 2025-06-17T11:00:00+02:00.',
});

/** The fields a create and an update of a call both take, each with the same rules. */
export const sharedCallRequestFields = {
  metadata: z.optional(RequestMetadataSchema),
  maxRetries: z.optional(integerBetween('maxRetries', LIMITS.maxRetries.min, LIMITS.maxRetries.max)),
  retryDelayMinutes: z.optional(
    integerBetween('retryDelayMinutes', LIMITS.retryDelayMinutes.min, LIMITS.retryDelayMinutes.max),
  ),
  overrideFirstMessage: z.optional(
    textField('overrideFirstMessage', { min: 1, max: LIMITS.overrideFirstMessageLength }),
  ),
};

export const CREATE_CALL_FIELD_CODES = {
  toNumber: 'invalid_phone_number',
  fromNumber: 'invalid_phone_number',
  scheduledFor: 'invalid_scheduled_for',
  metadata: 'invalid_metadata',
  callingWindow: 'invalid_calling_window',
  retryPolicy: 'invalid_retry_policy',
};
