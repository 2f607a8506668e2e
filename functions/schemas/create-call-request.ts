import * as z from 'zod/mini';
import { DIRECTORY_ID_PATTERN } from '#domain/ids';
import { CallingWindowSchema, RetryPolicySchema } from './calling-window.ts';
import { METADATA_LIMITS, RequestMetadataSchema } from './metadata.ts';
import { phoneNumberSchema } from './phone-number.ts';
import { idField, textField } from './text-field.ts';

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

const scheduledForField = z.iso.datetime({
  offset: true,
  error:
    'scheduledFor must be an ISO 8601 date-time with a time zone, such as 2025-06-17T09:00:00Z or 2025-06-17T11:00:00+02:00.',
});

/** Body of POST /api/v1/outbound-calls. Unknown fields are rejected, so a typo never changes meaning. */
export const CreateCallRequestSchema = z.strictObject({
  agentId: idField(
    'agentId',
    DIRECTORY_ID_PATTERN,
    `an agent id: letters, digits, _ and -, at most ${LIMITS.agentIdLength} characters`,
  ),
  toNumber: phoneNumberSchema('toNumber'),
  fromNumber: z.optional(phoneNumberSchema('fromNumber')),
  scheduledFor: z.optional(z.nullable(scheduledForField)),
  metadata: z.optional(RequestMetadataSchema),
  maxRetries: z.optional(integerBetween('maxRetries', LIMITS.maxRetries.min, LIMITS.maxRetries.max)),
  retryDelayMinutes: z.optional(
    integerBetween('retryDelayMinutes', LIMITS.retryDelayMinutes.min, LIMITS.retryDelayMinutes.max),
  ),
  overrideFirstMessage: z.optional(
    textField('overrideFirstMessage', { min: 1, max: LIMITS.overrideFirstMessageLength }),
  ),
  /** When attempts may be dialed (docs/api.md "Calling windows"). */
  callingWindow: z.optional(CallingWindowSchema),
  /**
   * Retries per outcome. `no_answer` is the published pair maxRetries/retryDelayMinutes under
   * another name, so a request gives one or the other (create-call.ts).
   */
  retryPolicy: z.optional(RetryPolicySchema),
});
export type CreateCallRequest = z.infer<typeof CreateCallRequestSchema>;

/**
 * Body of PATCH /api/v1/outbound-calls/{callId}: the fields of a scheduled call that may change,
 * each with the create request's rules. `scheduledFor` is a time (not null: to dial now, send the
 * current time); `metadata` replaces the call's metadata as a whole. Unknown fields are rejected,
 * and at least one field must be sent.
 */
export const UpdateCallRequestSchema = z
  .strictObject({
    scheduledFor: z.optional(scheduledForField),
    metadata: CreateCallRequestSchema.shape.metadata,
    overrideFirstMessage: CreateCallRequestSchema.shape.overrideFirstMessage,
    maxRetries: CreateCallRequestSchema.shape.maxRetries,
    retryDelayMinutes: CreateCallRequestSchema.shape.retryDelayMinutes,
  })
  .check(
    z.refine((request) => Object.keys(request).length > 0, {
      error: 'Send at least one of scheduledFor, metadata, overrideFirstMessage, maxRetries, retryDelayMinutes.',
    }),
  );
export type UpdateCallRequest = z.infer<typeof UpdateCallRequestSchema>;

export const CREATE_CALL_FIELD_CODES = {
  toNumber: 'invalid_phone_number',
  fromNumber: 'invalid_phone_number',
  scheduledFor: 'invalid_scheduled_for',
  metadata: 'invalid_metadata',
  callingWindow: 'invalid_calling_window',
  retryPolicy: 'invalid_retry_policy',
};
