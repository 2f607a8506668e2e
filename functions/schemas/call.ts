import * as z from 'zod/mini';

/** Published call statuses, in lifecycle order. */
export const CALL_STATUSES = [
  'scheduled',
  'queued',
  'initiating',
  'ringing',
  'in_progress',
  'completed',
  'failed',
  'no_answer',
  'busy',
  'cancelled',
  'voicemail',
] as const;
export const CallStatusSchema = z.enum(CALL_STATUSES);
export type CallStatus = z.infer<typeof CallStatusSchema>;

/** Why a call (or one attempt of it) ended. Documented in docs/api.md. */
export const END_REASONS = [
  'agent_ended',
  'customer_ended',
  'voicemail_left',
  'no_answer',
  'busy',
  'invalid_number',
  'provider_error',
  'cancelled',
  'max_duration',
  'dial_timeout',
] as const;
export const EndReasonSchema = z.enum(END_REASONS);
export type EndReason = z.infer<typeof EndReasonSchema>;

/** Whether a call was placed with a live key (real carrier) or a test key (carrier simulator). */
export const KeyModeSchema = z.enum(['live', 'test']);
export type KeyMode = z.infer<typeof KeyModeSchema>;

const timestamp = z.string();
const nullableTimestamp = z.nullable(timestamp);

export const MetadataSchema = z.record(z.string(), z.unknown(), { error: 'metadata must be a JSON object.' });
export type Metadata = z.infer<typeof MetadataSchema>;

/** One dial attempt. The call's top-level timing fields mirror its latest attempt. */
export const CallAttemptSchema = z.object({
  attempt: z.int(),
  scheduledFor: nullableTimestamp,
  initiatedAt: nullableTimestamp,
  connectedAt: nullableTimestamp,
  endedAt: nullableTimestamp,
  durationSeconds: z.nullable(z.int()),
  status: CallStatusSchema,
  endReason: z.nullable(EndReasonSchema),
});
export type CallAttempt = z.infer<typeof CallAttemptSchema>;

/** The outbound call object as the API returns it: every published field, plus a few more. */
export const CallSchema = z.object({
  id: z.string(),
  agentId: z.string(),
  fromNumber: z.string(),
  toNumber: z.string(),
  status: CallStatusSchema,
  direction: z.literal('outbound'),
  scheduledFor: nullableTimestamp,
  initiatedAt: nullableTimestamp,
  connectedAt: nullableTimestamp,
  endedAt: nullableTimestamp,
  durationSeconds: z.nullable(z.int()),
  conversationId: z.nullable(z.string()),
  metadata: MetadataSchema,
  endReason: z.nullable(EndReasonSchema),
  retryCount: z.int(),
  maxRetries: z.int(),
  retryDelayMinutes: z.int(),
  overrideFirstMessage: z.nullable(z.string()),
  attempts: z.array(CallAttemptSchema),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type Call = z.infer<typeof CallSchema>;

const internal = <T extends z.ZodMiniType>(schema: T) => z._default(z.nullable(schema), null);

/**
 * A call as the service keeps it: the public object plus who owns it, which network it may use,
 * and the bookkeeping of its current attempt.
 */
export const StoredCallSchema = z.extend(CallSchema, {
  accountId: z.string(),
  keyMode: KeyModeSchema,
  /** The provider's id of the current attempt's call (Twilio CallSid). */
  providerCallId: internal(z.string()),
  /** The conversation id the current attempt gets if it is answered. */
  pendingConversationId: internal(z.string()),
  /** Who answered the current attempt: a person, or an answering machine. */
  answeredBy: internal(z.enum(['human', 'machine'])),
  /** When the agent ended the conversation (its media stream closed) before the line dropped. */
  agentEndedAt: internal(z.string()),
  /** When the reconciler should look at the call if it has not moved on by then; null once terminal. */
  watchdogAt: internal(z.string()),
  /** Bumped by every write; each write is conditional on the version it read. */
  version: z._default(z.int(), 0),
});
export type StoredCall = z.infer<typeof StoredCallSchema>;
