import * as z from 'zod/mini';
import { scheduledForField, sharedCallRequestFields } from './call-request-fields.ts';

/**
 * Body of PATCH /api/v1/outbound-calls/{callId}: the fields of a scheduled call that may change,
 * each with the create request's rules. `scheduledFor` is a time (not null: to dial now, send the
 * current time); `metadata` replaces the call's metadata as a whole. Unknown fields are rejected,
 * and at least one field must be sent.
 */
export const UpdateCallRequestSchema = z
  .strictObject({
    scheduledFor: z.optional(scheduledForField),
    metadata: sharedCallRequestFields.metadata,
    overrideFirstMessage: sharedCallRequestFields.overrideFirstMessage,
    maxRetries: sharedCallRequestFields.maxRetries,
    retryDelayMinutes: sharedCallRequestFields.retryDelayMinutes,
  })
  .check(
    z.refine((request) => Object.keys(request).length > 0, {
      error: 'Send at least one of scheduledFor, metadata, overrideFirstMessage, maxRetries, retryDelayMinutes.',
      // 400 empty_update, as for a webhook endpoint's (schemas/parse.ts).
      params: { code: 'empty_update' },
    }),
  );
export type UpdateCallRequest = z.infer<typeof UpdateCallRequestSchema>;
