import type { AnsweredBy, CallAttempt, CallStatus, EndReason, StoredCall } from '#schemas/call';
import type { RetryOutcome, RetryPolicyEntry } from '#schemas/calling-window';
import { awaitsDial, isTerminal, transition, type CallEvent } from './call-status-machine.ts';
import { type CallingWindowRules, dialTimeWithin } from './calling-window-rules.ts';
import { addMinutes, secondsBetween, toTimestamp } from './time.ts';
import { conflict } from './errors.ts';

/**
 * What happens to a call after it is created, as pure functions of (call, what happened, now).
 * Each returns the next call, or null when the event does not apply (a duplicate, a late or
 * out-of-order report): callers drop those without error.
 */

export interface CallTimingLimits {
  ringTimeoutSeconds: number;
  maxCallDurationSeconds: number;
  /** Seconds in one "minute" of retryDelayMinutes (60, except in fast local tests). */
  retryDelayUnitSeconds: number;
  /** How long past its expected next step a call waits before the reconciler looks at it. */
  watchdogGraceSeconds: number;
}

export const DEFAULT_WATCHDOG_GRACE_SECONDS = 120;

/**
 * The number of the call's current attempt: 1 for the first dial, 2 for the first retry… Every
 * dial message, schedule name and provider report names an attempt; one about another attempt is stale.
 */
export function currentAttempt(call: Pick<StoredCall, 'retryCount'>): number {
  return call.retryCount + 1;
}

/**
 * What the telephony provider reported about the current attempt. `at` is the provider's clock
 * and `durationSeconds` its count (Twilio `CallDuration`): both are only hints, sanity-checked
 * against the attempt's own window here. `answeredBy` is absent when the report carried no verdict.
 */
export type ProviderEvent =
  | { kind: 'ringing'; at: Date }
  | { kind: 'answered'; at: Date; answeredBy?: AnsweredBy }
  /**
   * The call ended after it was answered. `agentEnded`: the agent's media stream closed and the
   * service hangs up (the <Connect> action request), so the end is the agent's (`agent_ended`).
   */
  | { kind: 'completed'; at: Date; durationSeconds?: number; answeredBy?: AnsweredBy; agentEnded?: true }
  | { kind: 'no_answer'; at: Date }
  | { kind: 'busy'; at: Date }
  | { kind: 'failed'; at: Date; reason: 'invalid_number' | 'provider_error' };

/**
 * Who answered, as the call's outcome needs it. Twilio's `unknown` means detection could not
 * decide (https://www.twilio.com/docs/voice/answering-machine-detection): the agent talks, as to
 * a person. No verdict at all (detection off, or every report lost) also counts as a person.
 */
export function answererOf(answeredBy: AnsweredBy | null | undefined): 'person' | 'machine' | 'fax' {
  if (answeredBy === 'fax') return 'fax';
  return answeredBy?.startsWith('machine_') ? 'machine' : 'person';
}

/**
 * A provider's timestamp, clamped to the attempt's own window: never before the attempt began
 * (initiatedAt, or when the call was last written if it never began), never after `now`. The
 * provider's clock may be skewed, or the report forged by someone holding the auth token.
 */
export function clampToAttempt(call: StoredCall, at: Date, now: Date): Date {
  const earliest = Date.parse(call.initiatedAt ?? call.updatedAt);
  const time = Number.isNaN(at.getTime()) ? now.getTime() : at.getTime();
  return new Date(Math.max(earliest, Math.min(time, now.getTime())));
}

const plusSeconds = (timestamp: string, seconds: number) =>
  toTimestamp(new Date(Date.parse(timestamp) + seconds * 1000));

/**
 * When the reconciler should look at a call that is still in its status by then: one grace
 * period after its last change (it then asks the provider, and looks again later if the call is
 * still going), or for a scheduled call, one grace period after it was due.
 */
export function watchdogAt(call: StoredCall, limits: Pick<CallTimingLimits, 'watchdogGraceSeconds'>): string | null {
  if (call.status === 'scheduled') return plusSeconds(call.scheduledFor ?? call.updatedAt, limits.watchdogGraceSeconds);
  return isTerminal(call.status) ? null : plusSeconds(call.updatedAt, limits.watchdogGraceSeconds);
}

/**
 * The latest a provider may still legitimately report on the current attempt: past the ring
 * timeout (or the longest call) by two grace periods, silence means the report was lost. While
 * the provider's call id is not known yet (the dialer has not saved it, and no report carried it),
 * the call may have been answered unseen, so the longest call counts from the dial.
 */
export function reportDeadline(call: StoredCall, limits: CallTimingLimits): number {
  const grace = 2 * limits.watchdogGraceSeconds * 1000;
  if (call.status === 'in_progress' && call.connectedAt)
    return Date.parse(call.connectedAt) + limits.maxCallDurationSeconds * 1000 + grace;
  const unseen = call.providerCallId === null ? limits.maxCallDurationSeconds * 1000 : 0;
  return Date.parse(call.initiatedAt ?? call.updatedAt) + limits.ringTimeoutSeconds * 1000 + unseen + grace;
}

function move(
  call: StoredCall,
  event: CallEvent,
  now: Date,
  changes: Partial<StoredCall>,
  limits: CallTimingLimits,
): StoredCall | null {
  const result = transition(call.status, event);
  if (!result.allowed) return null;
  const next = { ...call, ...changes, status: result.to, updatedAt: toTimestamp(now) };
  const withAttempt = syncLatestAttempt(next);
  return { ...withAttempt, watchdogAt: watchdogAt(withAttempt, limits) };
}

/** The latest attempt mirrors the call's top-level timing fields while it is the current one. */
function syncLatestAttempt(call: StoredCall): StoredCall {
  const last = call.attempts.at(-1);
  if (!last || last.attempt !== currentAttempt(call)) return call;
  const updated: CallAttempt = {
    ...last,
    initiatedAt: call.initiatedAt,
    connectedAt: call.connectedAt,
    endedAt: call.endedAt,
    durationSeconds: call.durationSeconds,
    status: call.status,
    endReason: call.endReason,
  };
  return { ...call, attempts: [...call.attempts.slice(0, -1), updated] };
}

export function fireSchedule(call: StoredCall, now: Date, limits: CallTimingLimits): StoredCall | null {
  return move(call, 'schedule_fired', now, {}, limits);
}

/** The dialer won the call: a new attempt begins, with the conversation id it will get if answered. */
export function startDial(
  call: StoredCall,
  now: Date,
  conversationId: string,
  limits: CallTimingLimits,
): StoredCall | null {
  if (transition(call.status, 'dial_started').allowed === false) return null;
  const attempt: CallAttempt = {
    attempt: currentAttempt(call),
    scheduledFor: call.scheduledFor,
    initiatedAt: null,
    connectedAt: null,
    endedAt: null,
    durationSeconds: null,
    status: call.status,
    endReason: null,
  };
  return move(
    { ...call, attempts: [...call.attempts, attempt] },
    'dial_started',
    now,
    {
      initiatedAt: toTimestamp(now),
      providerCallId: null,
      pendingConversationId: conversationId,
      answeredBy: null,
      agentEndedAt: null,
    },
    limits,
  );
}

/**
 * The attempt startDial began goes back to `queued`, as before the gate: the provider created no
 * call for it (PlaceCallResult `placed: 'later'`), so its attempt record, initiatedAt and the
 * conversation id it was to get are dropped and the same attempt is dialed again. Null when the
 * call is no longer `initiating` (a report or the reconciler moved it meanwhile).
 */
export function deferDial(call: StoredCall, now: Date, limits: CallTimingLimits): StoredCall | null {
  if (transition(call.status, 'dial_deferred').allowed === false) return null;
  const attempt = currentAttempt(call);
  return move(
    { ...call, attempts: call.attempts.filter((record) => record.attempt !== attempt) },
    'dial_deferred',
    now,
    { initiatedAt: null, providerCallId: null, pendingConversationId: null, answeredBy: null, agentEndedAt: null },
    limits,
  );
}

/** Ends the attempt at `at` (already clamped), never before it connected. */
function ended(
  call: StoredCall,
  event: CallEvent,
  at: Date,
  now: Date,
  endReason: EndReason,
  limits: CallTimingLimits,
) {
  const connected = call.connectedAt ? Date.parse(call.connectedAt) : 0;
  const endedAt = toTimestamp(new Date(Math.max(at.getTime(), connected)));
  return move(
    call,
    event,
    now,
    { endedAt, endReason, durationSeconds: call.connectedAt ? secondsBetween(call.connectedAt, endedAt) : 0 },
    limits,
  );
}

/**
 * Longest the provider's count of a call may run ahead of the service's own, in seconds: with
 * synchronous answering machine detection (MachineDetection=DetectMessageEnd), Twilio requests the
 * answer URL only once detection ends, at most MachineDetectionTimeout (30 s by default,
 * reference/twilio-calls-openapi.json) after the pickup, which it counts the call from. A count
 * further ahead than this is not taken for the call's length.
 */
const PICKUP_BEFORE_ANSWER_SECONDS = 60;

/**
 * The next state of the call after a provider report, or null when the report does not apply.
 * Every time the report carries is clamped to the attempt's window first (clampToAttempt). A retry
 * is moved into the call's calling window by `windows` (asked only when the call has a window).
 */
export function applyProviderEvent(
  call: StoredCall,
  event: ProviderEvent,
  now: Date,
  limits: CallTimingLimits,
  windows: CallingWindowRules,
): StoredCall | null {
  const at = clampToAttempt(call, event.at, now);
  switch (event.kind) {
    case 'ringing':
      return move(call, 'provider_ringing', now, {}, limits);
    case 'answered':
      return move(
        call,
        'provider_answered',
        now,
        // A verdict once known is kept: a later report without one says nothing about who answered.
        {
          connectedAt: toTimestamp(at),
          conversationId: call.pendingConversationId,
          answeredBy: call.answeredBy ?? event.answeredBy ?? null,
        },
        limits,
      );
    case 'completed': {
      // "completed" means answered and ended; if the answered report was lost, infer it.
      const connected =
        call.status === 'in_progress'
          ? call
          : applyProviderEvent(
              call,
              {
                kind: 'answered',
                at: new Date(at.getTime() - (event.durationSeconds ?? 0) * 1000),
                answeredBy: event.answeredBy,
              },
              now,
              limits,
              windows,
            );
      if (!connected) return null;
      const verdict = connected.answeredBy ?? event.answeredBy ?? null;
      const agentEndedAt = connected.agentEndedAt ?? (event.agentEnded ? toTimestamp(at) : null);
      const withVerdict = { ...connected, answeredBy: verdict, agentEndedAt };
      const answerer = answererOf(verdict);
      if (answerer === 'fax') return ended(withVerdict, 'provider_fax_detected', at, now, 'fax_detected', limits);
      if (answerer === 'machine')
        return retryOrEnd(
          withVerdict,
          ended(withVerdict, 'provider_voicemail_ended', at, now, 'voicemail_left', limits),
          at,
          now,
          limits,
          windows,
        );
      // The length of the call by the service's own (clamped) times, or by the provider's count
      // (CallDuration) where that is credible: the provider counts from the pickup, which with
      // answering machine detection comes up to PICKUP_BEFORE_ANSWER_SECONDS before the answer
      // request that set connectedAt, and ends the call at TimeLimit by that count. A second of
      // rounding allowed.
      const seconds = secondsBetween(withVerdict.connectedAt ?? toTimestamp(at), toTimestamp(at));
      const counted = event.durationSeconds;
      const length =
        counted !== undefined && counted >= seconds && counted <= seconds + PICKUP_BEFORE_ANSWER_SECONDS
          ? counted
          : seconds;
      const reason: EndReason =
        length >= limits.maxCallDurationSeconds - 1
          ? 'max_duration'
          : withVerdict.agentEndedAt
            ? 'agent_ended'
            : 'customer_ended';
      return ended(withVerdict, 'provider_hung_up', at, now, reason, limits);
    }
    case 'busy':
      return retryOrEnd(call, ended(call, 'provider_busy', at, now, 'busy', limits), at, now, limits, windows);
    case 'failed':
      return retryOrEnd(call, ended(call, 'provider_failed', at, now, event.reason, limits), at, now, limits, windows);
    case 'no_answer':
      return retryOrEnd(
        call,
        ended(call, 'provider_no_answer', at, now, 'no_answer', limits),
        at,
        now,
        limits,
        windows,
      );
  }
}

/**
 * The answer request's (or the asynchronous AMD callback's) verdict on who answered, kept on the
 * current attempt unless one is already known. Null when nothing changes: a verdict is already
 * stored, or the attempt has ended.
 */
export function recordAnsweredBy(call: StoredCall, answeredBy: AnsweredBy): StoredCall | null {
  if (call.answeredBy !== null || isTerminal(call.status) || awaitsDial(call.status)) return null;
  // Internal bookkeeping only: the call as the API shows it does not change, so neither does updatedAt.
  return { ...call, answeredBy };
}

/**
 * Failed attempts worth another try, when the call's retryPolicy has a `failed` entry: trouble on
 * the way to the callee (the provider's error, or a dial never reported) before anyone answered.
 * `invalid_number` and `fax_detected` would end the same way again, and a connected call that
 * failed has already reached someone, so those are never retried.
 */
export const RETRYABLE_FAILURES: readonly EndReason[] = ['provider_error', 'dial_timeout'];

/** The retry-policy outcome an ended attempt counts as, or null when no policy may retry it. */
function retryOutcomeOf(attempt: { status: CallStatus; endReason: EndReason | null; connectedAt: string | null }) {
  switch (attempt.status) {
    case 'no_answer':
    case 'busy':
    case 'voicemail':
      return attempt.status satisfies RetryOutcome;
    case 'failed':
      return attempt.endReason !== null && RETRYABLE_FAILURES.includes(attempt.endReason) && !attempt.connectedAt
        ? ('failed' satisfies RetryOutcome)
        : null;
    default:
      return null;
  }
}

/**
 * The retry rule for an outcome. `no_answer` is always the published pair (maxRetries,
 * retryDelayMinutes), which a request's `retryPolicy.no_answer` sets; the other outcomes are
 * retried only with an entry in `retryPolicy`.
 */
export function retryRuleFor(call: StoredCall, outcome: RetryOutcome): RetryPolicyEntry | null {
  if (outcome === 'no_answer') return { maxRetries: call.maxRetries, delayMinutes: call.retryDelayMinutes };
  return call.retryPolicy?.[outcome] ?? null;
}

/**
 * After an attempt ended (`final`): back to scheduled for another attempt while its outcome has
 * retries left (counted per outcome over the call's attempts), due after the rule's delay and
 * moved to the calling window's next opening; else the end stands.
 */
function retryOrEnd(
  call: StoredCall,
  final: StoredCall | null,
  at: Date,
  now: Date,
  limits: CallTimingLimits,
  windows: CallingWindowRules,
): StoredCall | null {
  if (!final) return null;
  const last = final.attempts.at(-1);
  const outcome = last ? retryOutcomeOf({ ...last, connectedAt: final.connectedAt }) : null;
  const rule = outcome ? retryRuleFor(call, outcome) : null;
  if (!outcome || !rule) return final;
  const sameOutcome = final.attempts.filter(
    (attempt) => retryOutcomeOf({ ...attempt, connectedAt: attempt.connectedAt }) === outcome,
  ).length;
  if (sameOutcome > rule.maxRetries) return final;
  const due = addMinutes(at, (rule.delayMinutes * limits.retryDelayUnitSeconds) / 60);
  const retryAt = dialTimeWithin(windows, call.callingWindow, call.windowZones, due);
  if (!retryAt) return final;
  // The finished attempt keeps its outcome; the call's top level now describes the next attempt.
  return (
    move(
      { ...call, attempts: final.attempts },
      'retry_scheduled',
      now,
      {
        retryCount: call.retryCount + 1,
        scheduledFor: toTimestamp(retryAt),
        initiatedAt: null,
        connectedAt: null,
        endedAt: null,
        durationSeconds: null,
        endReason: null,
        providerCallId: null,
        pendingConversationId: null,
        answeredBy: null,
        agentEndedAt: null,
      },
      limits,
    ) ?? final
  );
}

/**
 * What the dialer does with a due call of the current attempt before dialing it, judged at `now`:
 * dial it (`open`: no window, or the window is open); hold it, back to scheduled for the window's
 * next opening (`hold`); or end it undialed (`never`: no opening is left).
 */
export function judgeCallingWindow(
  call: StoredCall,
  now: Date,
  limits: CallTimingLimits,
  windows: CallingWindowRules,
): { kind: 'open' } | { kind: 'hold' | 'never'; next: StoredCall | null } {
  if (call.callingWindow === null) return { kind: 'open' };
  const opening = windows.nextOpening(call.callingWindow, call.windowZones ?? [], now);
  if (opening?.getTime() === now.getTime()) return { kind: 'open' };
  if (opening === null) return { kind: 'never', next: endUndialed(call, now, 'calling_window_closed') };
  return {
    kind: 'hold',
    next: move(call, 'window_closed', now, { scheduledFor: toTimestamp(opening) }, limits),
  };
}

/**
 * A call that waits to be dialed ends without being dialed: `cancelled`, with the reason
 * (`suppressed`: the number is on the account's suppression list; `calling_window_closed`). Null
 * if the call no longer waits to be dialed.
 */
export function endUndialed(
  call: StoredCall,
  now: Date,
  endReason: Extract<EndReason, 'suppressed' | 'calling_window_closed' | 'cancelled'>,
): StoredCall | null {
  const result = transition(call.status, 'cancel');
  if (!result.allowed) return null;
  const at = toTimestamp(now);
  return {
    ...call,
    status: result.to,
    endedAt: at,
    durationSeconds: 0,
    endReason,
    updatedAt: at,
    watchdogAt: null,
  };
}

/**
 * The reconciler gave up on an attempt the provider never finished reporting: a dial that never
 * rang through is a dial_timeout; a connected call whose end was never reported is a provider_error.
 */
export function markLost(
  call: StoredCall,
  now: Date,
  limits: CallTimingLimits,
  windows: CallingWindowRules,
): StoredCall | null {
  const reason: EndReason = call.status === 'in_progress' ? 'provider_error' : 'dial_timeout';
  return retryOrEnd(call, ended(call, 'provider_lost', now, now, reason, limits), now, now, limits, windows);
}

/** What PATCH /api/v1/outbound-calls/{callId} may change (UpdateCallRequest, with scheduledFor judged). */
export interface ScheduledCallChanges {
  scheduledFor?: Date;
  metadata?: StoredCall['metadata'];
  overrideFirstMessage?: string;
  maxRetries?: number;
  retryDelayMinutes?: number;
}

/**
 * The scheduled call with `changes` applied, its watchdog following a new scheduledFor (to the
 * second, like every timestamp). Throws a 409 `call_not_updatable` for a call in any other status:
 * once its schedule has fired, a dialer may be placing it.
 */
export function updateScheduledCall(
  call: StoredCall,
  changes: ScheduledCallChanges,
  now: Date,
  limits: Pick<CallTimingLimits, 'watchdogGraceSeconds'>,
): StoredCall {
  if (call.status !== 'scheduled') {
    throw conflict('call_not_updatable', `Call ${call.id} is ${call.status}; only scheduled calls can be changed.`);
  }
  const { scheduledFor, ...rest } = changes;
  const next: StoredCall = {
    ...call,
    ...rest,
    ...(scheduledFor ? { scheduledFor: toTimestamp(scheduledFor) } : {}),
    updatedAt: toTimestamp(now),
  };
  return { ...next, watchdogAt: watchdogAt(next, limits) };
}
