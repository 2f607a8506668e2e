import * as z from 'zod/mini';
import { DIRECTORY_ID_PATTERN } from '#domain/ids';
import { CallingWindowSchema, RetryPolicySchema } from './calling-window.ts';
import { LIMITS, scheduledForField, sharedCallRequestFields } from './call-request-fields.ts';
import { phoneNumberSchema } from './phone-number.ts';
import { idField } from './text-field.ts';

export { CREATE_CALL_FIELD_CODES, LIMITS } from './call-request-fields.ts';
export { UpdateCallRequestSchema, type UpdateCallRequest } from './update-call-request.ts';

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
  metadata: sharedCallRequestFields.metadata,
  maxRetries: sharedCallRequestFields.maxRetries,
  retryDelayMinutes: sharedCallRequestFields.retryDelayMinutes,
  overrideFirstMessage: sharedCallRequestFields.overrideFirstMessage,
  /** When attempts may be dialed (docs/api.md "Calling windows"). */
  callingWindow: z.optional(CallingWindowSchema),
  /**
   * Retries per outcome. `no_answer` is the published pair maxRetries/retryDelayMinutes under
   * another name, so a request gives one or the other (create-call.ts).
   */
  retryPolicy: z.optional(RetryPolicySchema),
});
export type CreateCallRequest = z.infer<typeof CreateCallRequestSchema>;
