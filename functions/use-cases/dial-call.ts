import { currentAttempt, fireSchedule, startDial, type CallTimingLimits } from '#domain/call-lifecycle';
import { toTimestamp } from '#domain/time';
import { SlotUnavailableError } from '#domain/errors';
import type { StoredCall } from '#schemas/call';
import type { DialMessage } from '#schemas/dial-message';
import type { CallRepository } from '#ports/call-repository';
import type { SlotCounters } from '#ports/slot-counters';
import type { CallRateLimiter, TelephonyProviders } from '#ports/telephony';
import { applyCallEvent, type CallEventDeps } from './apply-call-event.ts';
import { dialStarted } from './business-metrics.ts';
import { retryOnConflict } from './retry-on-conflict.ts';

export interface DialDeps extends CallEventDeps {
  calls: CallRepository;
  slotCounters: SlotCounters;
  providers: TelephonyProviders;
  rateLimiter: CallRateLimiter;
  limits: CallTimingLimits;
  newConversationId: () => string;
  sleep: (ms: number) => Promise<void>;
}

export type DialOutcome =
  | { result: 'dialed'; providerCallId: string }
  | { result: 'not_placed'; reason: string }
  | { result: 'dropped'; reason: string }
  /** Not yet: send `message` back to the queue, visible again after `delaySeconds`. */
  | { result: 'later'; delaySeconds: number; message: DialMessage; reason: string };

/**
 * Longest the dialer waits in-process, rather than re-queueing, for a due time or for a moment within
 * the calls-per-second budget.
 */
const MAX_IN_PROCESS_WAIT_MS = 1500;
const MAX_QUEUE_DELAY_SECONDS = 900;

/** Back-off for a call waiting for one of its account's telephony slots: 2, 4, 8 … 60 seconds. */
export function slotBackoffSeconds(waits: number): number {
  return Math.min(60, 2 ** Math.min(waits + 1, 6));
}

/** Back-off for a call that found the provider's calls-per-second budget spent: 1, 2 … 5 seconds. */
export function rateBackoffSeconds(waits: number): number {
  return Math.min(5, 1 + waits);
}

/**
 * Handles one dial message. The `queued → initiating` conditional write is the gate: only its
 * winner talks to the provider, so an attempt is dialed at most once however many messages,
 * schedules and dialers race for it. Someone else writing the call first means reading it again
 * and judging afresh; rejects with ConcurrentModificationError if it kept changing (retryOnConflict).
 */
export async function dialCall(deps: DialDeps, message: DialMessage): Promise<DialOutcome> {
  // 1. Not due yet (a schedule fires up to a minute early): wait here if it is a moment, else re-queue.
  const waitMs = Date.parse(message.dueAt) - deps.clock.now().getTime();
  if (waitMs > MAX_IN_PROCESS_WAIT_MS) {
    return later(message, Math.min(MAX_QUEUE_DELAY_SECONDS, Math.floor(waitMs / 1000)), 'not due yet');
  }
  if (waitMs > 0) await deps.sleep(waitMs);

  // 2–5 read, judge and write the call; a lost race means reading it again and judging afresh.
  const gate = await retryOnConflict(async (): Promise<DialOutcome | { won: StoredCall }> => {
    // 2. Only the attempt the message is for, of a call that still waits to be dialed.
    let call = await deps.calls.getById(message.callId);
    if (!call || call.accountId !== message.accountId) return { result: 'dropped', reason: 'no such call' };
    if (currentAttempt(call) !== message.attempt)
      return { result: 'dropped', reason: 'message for an earlier attempt' };
    // A scheduled call whose time moved (PATCH) is dialed only by a message for its current time.
    if (call.status === 'scheduled' && call.scheduledFor && Date.parse(call.scheduledFor) !== Date.parse(message.dueAt))
      return { result: 'dropped', reason: 'message for an earlier scheduledFor' };
    if (call.status === 'scheduled') {
      const fired = fireSchedule(call, deps.clock.now(), deps.limits);
      if (fired) call = await deps.calls.update(fired, call);
    }
    if (call.status !== 'queued') return { result: 'dropped', reason: `call is ${call.status}` };
    const queued = call;

    // 3. A free slot first: a call that cannot dial must not spend the provider's shared budget.
    if (!(await deps.slotCounters.hasFreeSlot(queued.accountId))) {
      return await wait(deps, queued, message, slotBackoffSeconds(message.waits), 'no free telephony slot');
    }

    // 4. Respect the provider account's calls-per-second limit, shared by every dialer.
    const dialAt = await deps.rateLimiter.reserve(queued.keyMode, deps.clock.now(), MAX_IN_PROCESS_WAIT_MS);
    if (!dialAt)
      return await wait(deps, queued, message, rateBackoffSeconds(message.waits), 'calls-per-second limit reached');
    const rateWait = dialAt.getTime() - deps.clock.now().getTime();
    if (rateWait > 0) await deps.sleep(rateWait);

    // 5. The gate: queued → initiating, taking a telephony slot in the same transaction.
    const started = startDial(queued, deps.clock.now(), deps.newConversationId(), deps.limits);
    if (!started) return { result: 'dropped', reason: `call is ${queued.status}` };
    try {
      return { won: await deps.calls.update(started, queued) };
    } catch (error) {
      // Another call of the account took the last slot between the check and the gate.
      if (error instanceof SlotUnavailableError)
        return await wait(deps, queued, message, slotBackoffSeconds(message.waits), 'no free telephony slot');
      throw error;
    }
  });
  // 6. Only the gate's winner talks to the provider, once, outside the retry above.
  return 'won' in gate ? placeCall(deps, gate.won) : gate;
}

/**
 * The call stays queued and its message comes back later. Its watchdog moves past that time, so
 * the reconciler does not take a call that is merely waiting for one whose message was lost.
 */
async function wait(
  deps: DialDeps,
  call: StoredCall,
  message: DialMessage,
  delaySeconds: number,
  reason: string,
): Promise<DialOutcome> {
  const lookAgainAt = new Date(deps.clock.now().getTime() + (delaySeconds + deps.limits.watchdogGraceSeconds) * 1000);
  await deps.calls.touchWatchdog(call, toTimestamp(lookAgainAt));
  return later({ ...message, waits: message.waits + 1 }, delaySeconds, reason);
}

/** 6. Exactly one provider request for this attempt; whatever it answers is recorded. */
async function placeCall(deps: DialDeps, call: StoredCall): Promise<DialOutcome> {
  const attempt = currentAttempt(call);
  deps.metrics.record(...dialStarted(call, deps.clock.now()));
  const result = await deps.providers[call.keyMode].placeCall({
    callId: call.id,
    attempt,
    to: call.toNumber,
    from: call.fromNumber,
  });
  if (result.placed) {
    await applyCallEvent(deps, { callId: call.id, attempt, event: null, providerCallId: result.providerCallId });
    return { result: 'dialed', providerCallId: result.providerCallId };
  }
  await applyCallEvent(deps, {
    callId: call.id,
    attempt,
    event: { kind: 'failed', at: deps.clock.now(), reason: result.reason },
  });
  // The provider's detail can quote the phone number, so only its classification leaves here.
  return { result: 'not_placed', reason: result.reason };
}

function later(message: DialMessage, delaySeconds: number, reason: string): DialOutcome {
  return { result: 'later', delaySeconds, message, reason };
}
