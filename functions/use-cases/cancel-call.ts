import { cancelCall as cancelled, toPublicCall } from '#domain/call';
import { currentAttempt } from '#domain/call-lifecycle';
import type { Call } from '#schemas/call';
import type { CallRepository } from '#ports/call-repository';
import type { Clock } from '#ports/clock';
import type { CallScheduler } from '#ports/dispatch';
import type { Metrics } from '#ports/metrics';
import { afterWrite, type AfterWrite } from './after-write.ts';
import { callEnded } from './business-metrics.ts';
import { getCall } from './get-call.ts';
import { retryOnConflict } from './retry-on-conflict.ts';

export interface CancelCallDeps {
  calls: CallRepository;
  scheduler: CallScheduler;
  clock: Clock;
  /** Counts the cancelled call among the outcomes (CallOutcomes). */
  metrics: Metrics;
  /** Told when a cancelled call's schedule could not be deleted (harmless: its message is dropped). */
  onScheduleLeftBehind?: (callId: string, error: unknown) => void;
  /** Bounds the schedule's deletion (after-write.ts); a request cancelling many calls shares one budget. Default afterWrite. */
  afterWrite?: AfterWrite;
}

/**
 * Cancels the caller's scheduled or queued call and deletes its pending schedule. Throws a 404
 * ServiceError for a call the account does not have, a 409 for one past cancelling (a dialer that
 * won the race included), and ConcurrentModificationError if the call kept changing under it.
 */
export async function cancelCall(deps: CancelCallDeps, accountId: string, callId: string): Promise<Call> {
  // Lost a race (a dialer may have just taken the call): judge again against what won, which a 409 then reports.
  const { call, written } = await retryOnConflict(async () => {
    // 1. Read the call; the state machine says whether it may still be cancelled (409 if not).
    const call = await getCall(deps, accountId, callId);
    const next = cancelled(call, deps.clock.now());
    // 2. Write only if nobody moved it meanwhile.
    return { call, written: await deps.calls.update(next, call) };
  });
  deps.metrics.record(callEnded(written));
  // 3. A pending schedule would only deliver a message the dialer drops: delete it, but never
  //    let that turn the answer for a call already cancelled into a 5xx.
  if (call.status === 'scheduled') {
    const failure = await (deps.afterWrite ?? afterWrite)(() => deps.scheduler.cancel(call.id, currentAttempt(call)));
    if (failure !== null) deps.onScheduleLeftBehind?.(call.id, failure);
  }
  return toPublicCall(written);
}
