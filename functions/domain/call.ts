import { monotonicFactory } from 'ulid';
import { CallSchema, type Call, type KeyMode, type Metadata, type StoredCall } from '#schemas/call';
import type { CallingWindow, RetryPolicy } from '#schemas/calling-window';
import { conflict } from './errors.ts';
import { transition } from './call-status-machine.ts';
import { DEFAULT_WATCHDOG_GRACE_SECONDS, watchdogAt } from './call-lifecycle.ts';
import { toTimestamp } from './time.ts';

const nextUlid = monotonicFactory();

/** Call ids are `obc_` + a ULID, so they sort by creation time. */
export function newCallId(now: Date): string {
  return `obc_${nextUlid(now.getTime())}`;
}

export interface NewCall {
  id: string;
  accountId: string;
  keyMode: KeyMode;
  agentId: string;
  fromNumber: string;
  toNumber: string;
  /** When to dial; null, or a time not after `now`, means as soon as possible. */
  scheduledFor: Date | null;
  metadata: Metadata;
  maxRetries: number;
  retryDelayMinutes: number;
  overrideFirstMessage: string | null;
  /** The agent's default first message now, kept for the answer (StoredCall.agentFirstMessage); null: read it then. */
  agentFirstMessage?: string | null;
  /** The campaign whose contact this call is, if any. */
  campaignId?: string;
  /** When attempts may be dialed, and the zones it is judged in; null for any time. */
  callingWindow?: { window: CallingWindow; zones: string[] } | null;
  retryPolicy?: RetryPolicy | null;
}

export function newCall(input: NewCall, now: Date): StoredCall {
  const createdAt = toTimestamp(now);
  const dueLater = input.scheduledFor !== null && input.scheduledFor.getTime() > now.getTime();
  const call: StoredCall = {
    id: input.id,
    accountId: input.accountId,
    keyMode: input.keyMode,
    agentId: input.agentId,
    fromNumber: input.fromNumber,
    toNumber: input.toNumber,
    status: dueLater ? 'scheduled' : 'queued',
    direction: 'outbound',
    scheduledFor: input.scheduledFor ? toTimestamp(input.scheduledFor) : null,
    initiatedAt: null,
    connectedAt: null,
    endedAt: null,
    durationSeconds: null,
    conversationId: null,
    metadata: input.metadata,
    endReason: null,
    retryCount: 0,
    maxRetries: input.maxRetries,
    retryDelayMinutes: input.retryDelayMinutes,
    overrideFirstMessage: input.overrideFirstMessage,
    callingWindow: input.callingWindow?.window ?? null,
    retryPolicy: input.retryPolicy ?? null,
    windowZones: input.callingWindow?.zones ?? null,
    attempts: [],
    ...(input.campaignId ? { campaignId: input.campaignId } : {}),
    createdAt,
    updatedAt: createdAt,
    providerCallId: null,
    pendingConversationId: null,
    answeredBy: null,
    agentFirstMessage: input.agentFirstMessage ?? null,
    agentEndedAt: null,
    watchdogAt: null,
    slotWaitToken: null,
    campaignSlotGivenBack: null,
    version: 0,
  };
  // Scheduled and queued calls are watched from the start, in case a dispatch is ever lost.
  return {
    ...call,
    watchdogAt: watchdogAt(call, { watchdogGraceSeconds: DEFAULT_WATCHDOG_GRACE_SECONDS }),
  };
}

/** The cancelled call, or a 409 that names the status that prevents it. */
export function cancelCall(call: StoredCall, now: Date): StoredCall {
  const result = transition(call.status, 'cancel');
  if (!result.allowed) {
    throw conflict(
      'call_not_cancellable',
      `Call ${call.id} is ${call.status}; only scheduled or queued calls can be cancelled.`,
    );
  }
  const at = toTimestamp(now);
  return {
    ...call,
    status: result.to,
    endedAt: at,
    durationSeconds: 0,
    endReason: 'cancelled',
    updatedAt: at,
    watchdogAt: null,
  };
}

/** The call as the API shows it: the published fields and the documented extras, nothing internal. */
export function toPublicCall(call: StoredCall): Call {
  return CallSchema.parse(call);
}
