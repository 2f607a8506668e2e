import * as z from 'zod/mini';
import { CallingWindowSchema, RetryPolicySchema } from './calling-window.ts';

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
  'fax_detected',
  /** The number was on the account's suppression list when the call was due (never dialed). */
  'suppressed',
  /** The call's calling window has no opening left within two years (never dialed). */
  'calling_window_closed',
] as const;
export const EndReasonSchema = z.enum(END_REASONS);
export type EndReason = z.infer<typeof EndReasonSchema>;

/**
 * Who answered, as Twilio's answering machine detection reports it in `AnsweredBy`
 * (https://www.twilio.com/docs/voice/answering-machine-detection): `machine_start` with
 * MachineDetection=Enable; the `machine_end_*` values with DetectMessageEnd; `human`, `fax` and
 * `unknown` with either.
 */
export const ANSWERED_BY = [
  'human',
  'unknown',
  'machine_start',
  'machine_end_beep',
  'machine_end_silence',
  'machine_end_other',
  'fax',
] as const;
export const AnsweredBySchema = z.enum(ANSWERED_BY);
export type AnsweredBy = z.infer<typeof AnsweredBySchema>;

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
  /** When attempts may be dialed; null: any time. Calls stored before windows existed read as null. */
  callingWindow: z._default(z.nullable(CallingWindowSchema), null),
  /** Retries per outcome; null: only the published no-answer retries (maxRetries, retryDelayMinutes). */
  retryPolicy: z._default(z.nullable(RetryPolicySchema), null),
  attempts: z.array(CallAttemptSchema),
  /** The campaign the call belongs to (`cmp_…`); absent for a call created on its own. */
  campaignId: z.optional(z.string()),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type Call = z.infer<typeof CallSchema>;

/** Calls stored before the verdict was kept verbatim say only "machine": read as a machine's verdict. */
const legacyMachineVerdict = z.pipe(
  z.literal('machine'),
  z.transform((): AnsweredBy => 'machine_start'),
);

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
  /**
   * Who answered the current attempt, verbatim from the first report that carried a verdict (the
   * answer request, a status callback or the asynchronous AMD callback); never cleared by a later
   * report without one.
   */
  answeredBy: internal(z.union([AnsweredBySchema, legacyMachineVerdict])),
  /**
   * The agent's default first message as it was when the call was created (the create reads the
   * agent anyway), so the answer need not read the agent again; like the default caller ID, it is
   * the agent's as of the create. Null when the call has overrideFirstMessage, when the agent's
   * message is longer than an override may be, and for calls stored before it was kept: the
   * answer then reads the agent.
   */
  agentFirstMessage: internal(z.string()),
  /** When the agent ended the conversation (its media stream closed) before the line dropped. */
  agentEndedAt: internal(z.string()),
  /** When the reconciler should look at the call if it has not moved on by then; null once terminal. */
  watchdogAt: internal(z.string()),
  /**
   * Which dial message of a call waiting for a telephony slot is the live one: the dialer sets it
   * when the call starts to wait, a freed slot's wake-up replaces it, and a message carrying
   * another token is dropped.
   */
  slotWaitToken: internal(z.string()),
  /**
   * The IANA zones the calling window is judged in: the window's own zone, the contact's, or the
   * zones of the number's country and area code (functions/domain/calling-window.ts).
   */
  windowZones: internal(z.array(z.string())),
  /**
   * True once a write that ended a slot-holding attempt gave the campaign's slot back itself (in
   * the same transaction as the account's; DynamoDbCallRepository.update). Absent on calls whose
   * release was written before that: the events stream gives their campaign slot back instead.
   */
  campaignSlotGivenBack: internal(z.boolean()),
  /** Bumped by every write; each write is conditional on the version it read. */
  version: z._default(z.int(), 0),
});
export type StoredCall = z.infer<typeof StoredCallSchema>;
