import {
  currentAttempt,
  deferDial,
  endUndialed,
  fireSchedule,
  judgeCallingWindow,
  startDial,
  type CallTimingLimits,
} from '#domain/call-lifecycle';
import { toTimestamp } from '#domain/time';
import { ConcurrentModificationError, NumberSuppressedError, SlotUnavailableError } from '#domain/errors';
import { CampaignGateClosedError } from '#domain/campaign';
import type { StoredCall } from '#schemas/call';
import type { DialMessage } from '#schemas/dial-message';
import type { CallRepository, UpdateEffects } from '#ports/call-repository';
import { MAX_QUEUE_DELAY_SECONDS } from '#ports/dispatch';
import type { CallRateLimiter, PlaceCallResult, SendReservation, TelephonyProviders } from '#ports/telephony';
import { afterWrite } from './after-write.ts';
import { callingWindowRulesFor } from './calling-window-rules.ts';
import { applyCallEvent, wakeAfterSlotFreed, type CallEventDeps } from './apply-call-event.ts';
import { dispatchCall } from './dispatch-call.ts';
import { dialStarted } from './business-metrics.ts';
import { retryOnConflict } from './retry-on-conflict.ts';
import { campaignHold, type CampaignGateDeps } from './campaign-gate.ts';

export interface DialDeps extends CallEventDeps, CampaignGateDeps {
  calls: CallRepository;
  providers: TelephonyProviders;
  rateLimiter: CallRateLimiter;
  limits: CallTimingLimits;
  newConversationId: () => string;
  sleep: (ms: number) => Promise<void>;
}

export type DialOutcome =
  | { result: 'dialed'; providerCallId: string }
  | { result: 'not_placed'; reason: string }
  /** The provider may or may not have created the call; its reports (or the reconciler) settle the attempt. */
  | { result: 'placed_unknown'; reason: string }
  | { result: 'dropped'; reason: string }
  /** Not yet: send `message` back to the queue, visible again after `delaySeconds`. */
  | { result: 'later'; delaySeconds: number; message: DialMessage; reason: string };

/**
 * Longest the dialer waits in-process, rather than re-queueing, for a due time or for its place in
 * the calls-per-second queue. A message put back for a place returns 2–3 s before it (SQS delays
 * are whole seconds, and reading the call and its account takes a moment on a busy day), inside
 * this bound.
 */
const MAX_IN_PROCESS_WAIT_MS = 3000;
/** A held place longer than this is not one the limiter gave: it is ignored (milliseconds). */
const MAX_PLACE_LENGTH_MS = 60_000;
/**
 * The gate is written before the provider request starts, so a moment this close to the end of its
 * place is given up: the request itself must start inside the place too (milliseconds).
 */
const GATE_MARGIN_MS = 200;
/** Places taken in one handling when the dialer keeps reaching the gate after its place passed. */
const MAX_PLACES_PER_HANDLING = 3;

/** Back-off for a call waiting for one of its account's telephony slots: 2, 4, 8 … 60 seconds. */
export function slotBackoffSeconds(waits: number): number {
  return Math.min(60, 2 ** Math.min(waits + 1, 6));
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

  // 2–5 read, judge and write the call; a lost race means reading it again and judging afresh,
  // keeping the calls-per-second place already taken.
  let place = heldPlace(message, deps.clock.now());
  const gate = await retryOnConflict(async (): Promise<DialOutcome | { won: StoredCall }> => {
    // 2. Only the attempt the message is for, of a call that still waits to be dialed (read with
    // whether its account has a free slot: one request).
    const read = await deps.calls.getForDial(message.callId, message.accountId);
    let call = read.call;
    if (!call || call.accountId !== message.accountId) return { result: 'dropped', reason: 'no such call' };
    if (currentAttempt(call) !== message.attempt)
      return { result: 'dropped', reason: 'message for an earlier attempt' };
    if (message.waitToken !== undefined && call.slotWaitToken !== null && message.waitToken !== call.slotWaitToken)
      return { result: 'dropped', reason: 'a later message of the call is the live one' };
    // A scheduled call whose time moved (PATCH) is dialed only by a message for its current time.
    if (call.status === 'scheduled' && call.scheduledFor && Date.parse(call.scheduledFor) !== Date.parse(message.dueAt))
      return { result: 'dropped', reason: 'message for an earlier scheduledFor' };
    if (call.status === 'scheduled') {
      const fired = fireSchedule(call, deps.clock.now(), deps.limits);
      if (fired) call = await deps.calls.update(fired, call);
    }
    if (call.status !== 'queued') return { result: 'dropped', reason: `call is ${call.status}` };
    const queued = call;

    // 2b. A campaign's call waits while it is paused, and ends with it cancelled (campaign-gate.ts).
    const held = await campaignHold(deps, queued);
    if (held) return held;

    // 2b. Only inside the call's calling window.
    const blocked = await holdOrEndOutsideWindow(deps, queued);
    if (blocked) return blocked;

    // 3. A free slot first: a call that cannot dial must not spend the provider's shared budget.
    if (!read.freeSlot) return await waitForSlot(deps, queued, message);

    // 4. A place in the provider's calls-per-second queue, and the moment inside it.
    const moment = await sendMoment(deps, queued.keyMode, place);
    place = moment.place;
    if (!('at' in moment)) return await holdPlace(deps, queued, message, moment.place);

    // 5. The gate: queued → initiating, taking a telephony slot in the same transaction, and only
    // while the number is off the account's suppression list (checked inside the same transaction).
    const started = startDial(queued, moment.at, deps.newConversationId(), deps.limits);
    if (!started) return { result: 'dropped', reason: `call is ${queued.status}` };
    try {
      return { won: await deps.calls.update(started, queued) };
    } catch (error) {
      // Another call of the account took the last slot between the check and the gate.
      if (error instanceof SlotUnavailableError) return await waitForSlot(deps, queued, message);
      // Suppressed since it was created: never dialed, it ends cancelled (endReason suppressed).
      if (error instanceof NumberSuppressedError) return await endSuppressed(deps, queued);
      // The campaign was paused or cancelled since step 2b, or is at its maxConcurrentCalls.
      if (error instanceof CampaignGateClosedError)
        return (
          (await campaignHold(deps, queued)) ??
          (await waitForSlot(deps, queued, message, 'campaign at maxConcurrentCalls'))
        );
      throw error;
    }
  });
  // 6. Only the gate's winner talks to the provider, once, outside the retry above.
  return 'won' in gate ? placeCall(deps, gate.won, message) : gate;
}

/** The place a message holds, while it has not passed and looks like one the limiter gave. */
function heldPlace(message: DialMessage, now: Date): SendReservation | null {
  if (!message.sendAt || !message.sendBy) return null;
  const sendAt = new Date(message.sendAt);
  const sendBy = new Date(message.sendBy);
  const length = sendBy.getTime() - sendAt.getTime();
  if (length <= 0 || length > MAX_PLACE_LENGTH_MS || sendBy <= now) return null;
  return { sendAt, sendBy };
}

/**
 * 5. The gate refused a call whose number the account has suppressed since the call was created:
 * it ends `cancelled` (endReason `suppressed`), never dialed. Rejects with
 * ConcurrentModificationError on a lost race (the dialer then reads the call again).
 */
async function endSuppressed(deps: DialDeps, queued: StoredCall): Promise<DialOutcome> {
  const ended = endUndialed(queued, deps.clock.now(), 'suppressed');
  if (ended) await deps.calls.update(ended, queued);
  return { result: 'not_placed', reason: 'number suppressed' };
}

/**
 * 2b. A due call whose calling window is shut (a queue delay pushed it past the end, or a
 * duplicate message came early) goes back to `scheduled` for the window's next opening and is
 * dispatched for it; one whose window never opens again ends `cancelled`
 * (`calling_window_closed`). Null: dial it. Rejects with ConcurrentModificationError on a lost race.
 */
async function holdOrEndOutsideWindow(deps: DialDeps, queued: StoredCall): Promise<DialOutcome | null> {
  const now = deps.clock.now();
  const judged = judgeCallingWindow(queued, now, deps.limits, await callingWindowRulesFor(queued.callingWindow));
  if (judged.kind === 'open') return null;
  if (!judged.next) return { result: 'dropped', reason: `call is ${queued.status}` };
  const written = await deps.calls.update(judged.next, queued);
  if (judged.kind === 'never') return { result: 'not_placed', reason: 'calling window never opens again' };
  // Written and scheduled: a failed dispatch is the reconciler's to repeat (the call's watchdog).
  const failure = await afterWrite(() => dispatchCall(deps, written));
  if (failure !== null) deps.onDispatchFailed?.(written.id, failure);
  return { result: 'dropped', reason: 'outside the calling window; held to its next opening' };
}

/**
 * Waits for the held place, or takes one, and returns the moment to stamp as `initiatedAt`: always
 * inside the place, so no second of the provider's budget holds more calls than its limit. A place
 * too far ahead to wait for in-process comes back without a moment, to be held on the queue.
 */
async function sendMoment(
  deps: DialDeps,
  mode: StoredCall['keyMode'],
  held: SendReservation | null,
): Promise<{ place: SendReservation; at: Date } | { place: SendReservation }> {
  let place = held;
  for (let taken = 0; taken < MAX_PLACES_PER_HANDLING; taken++) {
    // Asked for the moment the margin ends, the limiter never gives a place too short to use.
    const usableFrom = new Date(deps.clock.now().getTime() + GATE_MARGIN_MS);
    if (!place || place.sendBy <= usableFrom) place = await deps.rateLimiter.reserve(mode, usableFrom);
    let aheadMs = place.sendAt.getTime() - deps.clock.now().getTime();
    if (aheadMs > MAX_IN_PROCESS_WAIT_MS) return { place };
    // A timer may fire a millisecond before the wall clock says it is due (Node's timers run on a
    // monotonic clock): sleep again until the place has opened, never stamp before it.
    while (aheadMs > 0) {
      await deps.sleep(aheadMs);
      aheadMs = place.sendAt.getTime() - deps.clock.now().getTime();
    }
    const at = deps.clock.now();
    if (at.getTime() < place.sendBy.getTime() - GATE_MARGIN_MS) return { place, at };
    // A loaded machine woke past its place: the place is given up, never overrun.
    place = null;
  }
  // Late every time: hold a fresh place on the queue rather than spin here.
  return { place: await deps.rateLimiter.reserve(mode, new Date(deps.clock.now().getTime() + GATE_MARGIN_MS)) };
}

/** The call stays queued and its message comes back 2–3 s before its place, holding it. */
async function holdPlace(
  deps: DialDeps,
  call: StoredCall,
  message: DialMessage,
  place: SendReservation,
): Promise<DialOutcome> {
  const aheadSeconds = Math.floor((place.sendAt.getTime() - deps.clock.now().getTime()) / 1000);
  const delaySeconds = Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(1, aheadSeconds - 2));
  const lookAgainAt = new Date(place.sendBy.getTime() + deps.limits.watchdogGraceSeconds * 1000);
  await deps.calls.touchWatchdog(call, toTimestamp(lookAgainAt));
  const holding = { ...message, sendAt: place.sendAt.toISOString(), sendBy: place.sendBy.toISOString() };
  return later(holding, delaySeconds, 'waiting for its place in the calls-per-second queue');
}

/**
 * The call stays queued, on its account's waiting list, and its message comes back after a backoff.
 * A slot given back wakes the longest-waiting call at once (wake-slot-waiter.ts); the backoff is
 * the fallback when no wake-up comes. Its watchdog moves past the backoff, so the reconciler does
 * not take a call that is merely waiting for one whose message was lost.
 *
 * Once on the list, the call marks its account as having a waiting call until its watchdog
 * (SlotCounters.markWaiting): a release that sees the mark wakes the list, and one that does not
 * looks at no list at all (CallRepository.update's effects). The mark reads the slot counter in
 * the same step, so a slot given back between this dialer's look and the mark (whose release saw
 * no mark) shows here: a call waiting for an account slot then looks again in a second instead of
 * waiting out its backoff. A call held by its campaign's `maxConcurrentCalls` waits on the same
 * list for that campaign (its entry names it): the end of one of the campaign's calls gives the
 * campaign's slot back in the same write as the account's, sees the mark, and wakes it; a release
 * before the mark shows in the campaign, read once more after the mark.
 */
async function waitForSlot(
  deps: DialDeps,
  call: StoredCall,
  message: DialMessage,
  reason: 'no free telephony slot' | 'campaign at maxConcurrentCalls' = 'no free telephony slot',
): Promise<DialOutcome> {
  const backoffSeconds = slotBackoffSeconds(message.waits);
  const lookAgainAt = new Date(deps.clock.now().getTime() + (backoffSeconds + deps.limits.watchdogGraceSeconds) * 1000);
  const token = deps.newWaitToken();
  await deps.calls.touchWatchdog(call, toTimestamp(lookAgainAt), token);
  const forCampaign = reason === 'campaign at maxConcurrentCalls' ? call.campaignId : undefined;
  await deps.slotCounters.addWaiter(call.accountId, {
    callId: call.id,
    attempt: message.attempt,
    dueAt: message.dueAt,
    token,
    ...(forCampaign ? { campaignId: forCampaign } : {}),
  });
  // Best effort: without the mark a release may pass the list by, so a call whose mark failed
  // looks again in a second rather than failing its message (which the new token made stale).
  const mark = await deps.slotCounters.markWaiting(call.accountId, lookAgainAt).then(
    (marked) => ({ marked: true, freeSlot: marked.freeSlot }),
    () => ({ marked: false, freeSlot: true }),
  );
  const freedMeanwhile = !mark.marked
    ? true
    : forCampaign
      ? await campaignSlotFree(deps, call.accountId, forCampaign)
      : mark.freeSlot && reason === 'no free telephony slot';
  return later(
    { ...message, waits: message.waits + 1, waitToken: token },
    freedMeanwhile ? 1 : backoffSeconds,
    freedMeanwhile ? 'a telephony slot was given back while it joined the waiting list' : reason,
  );
}

/**
 * Whether the campaign has a slot free now (`activeCalls < maxConcurrentCalls`), read after the
 * waiting call's mark; true when it cannot be read, so the call looks again soon rather than late.
 */
async function campaignSlotFree(deps: DialDeps, accountId: string, campaignId: string): Promise<boolean> {
  if (!deps.campaigns) return true;
  try {
    const campaign = await deps.campaigns.get(accountId, campaignId);
    return campaign !== null && campaign.activeCalls < campaign.pacing.maxConcurrentCalls;
  } catch {
    return true;
  }
}

/** 6. Exactly one provider request for this attempt; whatever it answers is recorded. */
async function placeCall(deps: DialDeps, call: StoredCall, message: DialMessage): Promise<DialOutcome> {
  const attempt = currentAttempt(call);
  deps.metrics.record(...dialStarted(call, deps.clock.now()));
  const result = await deps.providers[call.keyMode].placeCall({
    callId: call.id,
    attempt,
    to: call.toNumber,
    from: call.fromNumber,
  });
  if (result.placed === 'unknown') {
    // The provider may have created the call (no answer in time, a 5xx…): the attempt stays
    // `initiating`, as the gate wrote it, for the provider's reports to settle (the first carries
    // its call id), and for the reconciler once they are overdue (reportDeadline). Failing it here
    // would hang up on the person if they answer, and a retry could ring them a second time.
    return { result: 'placed_unknown', reason: result.detail.slice(0, 200) };
  }
  if (result.placed === 'later') return deferDialing(deps, call, message, result);
  if (result.placed) {
    // The call as the gate wrote it is current unless a report overtook it (then the write loses and reads).
    await applyCallEvent(deps, { callId: call.id, attempt, event: null, providerCallId: result.providerCallId }, call);
    return { result: 'dialed', providerCallId: result.providerCallId };
  }
  await applyCallEvent(
    deps,
    { callId: call.id, attempt, event: { kind: 'failed', at: deps.clock.now(), reason: result.reason } },
    call,
  );
  // The provider's detail can quote the phone number, so only its classification leaves here.
  return { result: 'not_placed', reason: result.reason };
}

/** Most times one attempt's dial is deferred by the provider before the attempt fails (`provider_error`). */
export const MAX_DIAL_DEFERRALS = 5;

/**
 * The provider created nothing and can take the request later (PlaceCallResult `placed: 'later'`):
 * the attempt goes back to `queued` (deferDial), giving its telephony slot (and its campaign's)
 * back and waking a call that waits for one, and its message comes back after the provider's
 * Retry-After or the dialer's backoff (2, 4, 8 … s), to be dialed again at the gate like any other.
 * After MAX_DIAL_DEFERRALS the attempt fails as `provider_error` (what retryPolicy.failed retries).
 */
async function deferDialing(
  deps: DialDeps,
  call: StoredCall,
  message: DialMessage,
  result: Extract<PlaceCallResult, { placed: 'later' }>,
): Promise<DialOutcome> {
  const attempt = currentAttempt(call);
  const deferrals = message.deferrals ?? 0;
  const now = deps.clock.now();
  if (deferrals >= MAX_DIAL_DEFERRALS) {
    await applyCallEvent(
      deps,
      { callId: call.id, attempt, event: { kind: 'failed', at: now, reason: 'provider_error' } },
      call,
    );
    return { result: 'not_placed', reason: 'provider_error' };
  }
  const delaySeconds = Math.min(
    MAX_QUEUE_DELAY_SECONDS,
    Math.max(1, result.retryAfterSeconds ?? slotBackoffSeconds(deferrals)),
  );
  const back = deferDial(call, now, deps.limits);
  if (!back) return { result: 'dropped', reason: `call is ${call.status}` };
  // The watchdog moves past the wait, so the reconciler does not send a second message meanwhile.
  const lookAgainAt = new Date(now.getTime() + (delaySeconds + deps.limits.watchdogGraceSeconds) * 1000);
  const effects: UpdateEffects = {};
  try {
    const written = await deps.calls.update({ ...back, watchdogAt: toTimestamp(lookAgainAt) }, call, effects);
    await wakeAfterSlotFreed(deps, call, written, effects);
  } catch (error) {
    // A report or the reconciler moved the call meanwhile: it is theirs now.
    if (error instanceof ConcurrentModificationError)
      return { result: 'dropped', reason: 'the call moved on meanwhile' };
    throw error;
  }
  const { sendAt: _sendAt, sendBy: _sendBy, ...rest } = message;
  return later({ ...rest, deferrals: deferrals + 1 }, delaySeconds, 'the provider asked to dial later');
}

function later(message: DialMessage, delaySeconds: number, reason: string): DialOutcome {
  return { result: 'later', delaySeconds, message, reason };
}
