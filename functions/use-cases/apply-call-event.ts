import {
  applyProviderEvent,
  currentAttempt,
  recordAnsweredBy,
  type CallTimingLimits,
  type ProviderEvent,
} from '#domain/call-lifecycle';
import { holdsSlot, isTerminal } from '#domain/call-status-machine';
import type { CallingWindowRules } from '#domain/calling-window-rules';
import { toTimestamp } from '#domain/time';
import type { StoredCall } from '#schemas/call';
import type { CallRepository, UpdateEffects } from '#ports/call-repository';
import type { Metrics } from '#ports/metrics';
import { afterWrite } from './after-write.ts';
import { callingWindowRulesFor } from './calling-window-rules.ts';
import { callEnded } from './business-metrics.ts';
import { dispatchCall, type DispatchDeps } from './dispatch-call.ts';
import { retryOnConflict } from './retry-on-conflict.ts';
import { wakeSlotWaiter, type SlotWaitDeps } from './wake-slot-waiter.ts';

export interface CallEventDeps extends DispatchDeps, SlotWaitDeps {
  calls: CallRepository;
  limits: CallTimingLimits;
  /** Counts each call that reaches a final status (CallOutcomes). */
  metrics: Metrics;
  /**
   * Told when a retry, already written, could not be sent on its way in time (after-write.ts):
   * the report is still answered as applied, and the call's watchdog makes the reconciler send it.
   */
  onDispatchFailed?: (callId: string, error: unknown) => void;
}

export interface CallEventReport {
  callId: string;
  /** The attempt the report is about; reports about an earlier attempt are stale. */
  attempt: number;
  /** Null for news that changes no status (the provider accepted the call, say). */
  event: ProviderEvent | null;
  providerCallId?: string;
}

/**
 * Applies what the provider reported to the call, through the state machine. Duplicates,
 * late reports and reports about an earlier attempt change nothing. A no-answer with retries
 * left comes back scheduled, and is dispatched for its next attempt here. `late` is a final
 * report about an attempt the reconciler already gave up on (dial_timeout, provider_error):
 * the call keeps its outcome, and the caller must say so loudly rather than drop it. Rejects with
 * ConcurrentModificationError if the call kept changing under it (retryOnConflict).
 *
 * `known` is the call as the caller has just read or written it: the first judgement uses it
 * instead of reading the call again (one read per provider request); the write is conditional on
 * its version, so if it is no longer current the write loses and the call is read afresh.
 */
export async function applyCallEvent(
  deps: CallEventDeps,
  report: CallEventReport,
  known?: StoredCall,
): Promise<'applied' | 'ignored' | 'late'> {
  return (await applyCallEventTo(deps, report, known)).result;
}

/** applyCallEvent, also resolving with the call as it now stands (null if there is no such call). */
export async function applyCallEventTo(
  deps: CallEventDeps,
  report: CallEventReport,
  known?: StoredCall,
): Promise<{ result: 'applied' | 'ignored' | 'late'; call: StoredCall | null }> {
  return retryOnConflict(async (attempt) => {
    const call = attempt === 1 && known?.id === report.callId ? known : await deps.calls.getById(report.callId);
    if (!call || currentAttempt(call) !== report.attempt) return { result: 'ignored', call };
    const windows = await callingWindowRulesFor(call.callingWindow);
    const next = nextState(call, report, deps.clock.now(), deps.limits, windows);
    if (!next) return { result: isLateFinalReport(call, report.event) ? 'late' : 'ignored', call };
    const effects: UpdateEffects = {};
    const written = await deps.calls.update(next, call, effects);
    await wakeAfterSlotFreed(deps, call, written, effects);
    if (isTerminal(written.status) && !isTerminal(call.status)) deps.metrics.record(callEnded(written));
    if (written.status === 'scheduled') {
      const failure = await afterWrite(() => dispatchCall(deps, written));
      if (failure !== null) deps.onDispatchFailed?.(written.id, failure);
    }
    return { result: 'applied', call: written };
  });
}

/**
 * A write that gave a telephony slot back (and, for a campaign call, its campaign's slot in the
 * same write) wakes the account's longest-waiting call that it can let through. Best effort,
 * after the write: a failure leaves that call to its backoff, so it is late, never lost. Nothing
 * to wake (not even a look at the list) when the write's `effects` say that no call has marked
 * itself waiting (SlotCounters.markWaiting): a call that joined the list before the release shows
 * its mark to it, and one that joins after sees the free slot in its own mark.
 */
export async function wakeAfterSlotFreed(
  deps: CallEventDeps,
  before: StoredCall,
  after: StoredCall,
  effects: UpdateEffects = {},
): Promise<void> {
  if (!holdsSlot(before.status) || holdsSlot(after.status)) return;
  if (effects.slotWaitersMayWait === false) return;
  await afterWrite(() => wakeSlotWaiter(deps, after.accountId, after.campaignId));
}

function nextState(
  call: StoredCall,
  report: CallEventReport,
  now: Date,
  limits: CallTimingLimits,
  windows: CallingWindowRules,
): StoredCall | null {
  const learnsProviderId =
    report.providerCallId !== undefined && call.providerCallId === null && holdsSlot(call.status);
  const moved = report.event ? applyProviderEvent(call, report.event, now, limits, windows) : null;
  if (moved) {
    return learnsProviderId && holdsSlot(moved.status)
      ? { ...moved, providerCallId: report.providerCallId ?? null }
      : moved;
  }
  // A report that moves nothing (an "answered" after the answer request) may still carry the verdict.
  const verdict =
    report.event && 'answeredBy' in report.event && report.event.answeredBy
      ? recordAnsweredBy(call, report.event.answeredBy)
      : null;
  const learned = verdict ?? call;
  return learnsProviderId
    ? { ...learned, providerCallId: report.providerCallId ?? null, updatedAt: toTimestamp(now) }
    : verdict;
}

/** A final report about an attempt that ended because the reconciler stopped waiting for it. */
function isLateFinalReport(call: StoredCall, event: ProviderEvent | null): boolean {
  const final = event !== null && event.kind !== 'ringing' && event.kind !== 'answered';
  // The reconciler's verdicts: a dial never reported (dial_timeout), or a connected call whose end
  // was never reported (provider_error after connecting; the provider's own failures come before).
  const givenUp =
    call.endReason === 'dial_timeout' || (call.endReason === 'provider_error' && call.connectedAt !== null);
  return final && isTerminal(call.status) && givenUp;
}
