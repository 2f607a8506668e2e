import { toPublicCall } from '#domain/call';
import { type CallTimingLimits, updateScheduledCall } from '#domain/call-lifecycle';
import type { Call } from '#schemas/call';
import type { UpdateCallRequest } from '#schemas/update-call-request';
import type { CallRepository } from '#ports/call-repository';
import type { MovableCallScheduler } from '#ports/dispatch';
import { afterWrite } from './after-write.ts';
import { judgeScheduledFor } from './create-call.ts';
import { redispatchCall, type DispatchDeps } from './dispatch-call.ts';
import { getCall } from './get-call.ts';
import { retryOnConflict } from './retry-on-conflict.ts';

export interface UpdateCallDeps extends DispatchDeps {
  calls: CallRepository;
  scheduler: MovableCallScheduler;
  limits: Pick<CallTimingLimits, 'watchdogGraceSeconds'>;
  /**
   * Told when a moved call's schedule could not be moved in time (after-write.ts). The change is
   * still answered as made: the old time can no longer dial it (the dialer drops its message), and
   * the call's watchdog makes the reconciler dispatch it once it is due.
   */
  onDispatchFailed: (callId: string, error: unknown) => void;
}

/**
 * PATCH /api/v1/outbound-calls/{callId}: changes a scheduled call's scheduledFor, metadata,
 * overrideFirstMessage, maxRetries or retryDelayMinutes. Throws a 400 for a scheduledFor too far
 * in the past (as create does), a 404 for a call the account does not have, a 409
 * `call_not_updatable` for a call that is no longer scheduled (a dialer that won the race
 * included), and ConcurrentModificationError if the call kept changing under it.
 */
export async function updateCall(
  deps: UpdateCallDeps,
  accountId: string,
  callId: string,
  request: UpdateCallRequest,
): Promise<Call> {
  // 1. The new time judged like a create's (up to 5 minutes in the past is due now).
  const { scheduledFor, ...rest } = request;
  const changes = {
    ...rest,
    ...(scheduledFor ? { scheduledFor: judgeScheduledFor(scheduledFor, deps.clock.now()) } : {}),
  };
  // 2. Read, let the call say whether it may change (409 if not), write only if nobody moved it
  //    meanwhile; a lost race (a dialer taking it, another PATCH) is judged again against the winner.
  const { before, written } = await retryOnConflict(async () => {
    const call = await getCall(deps, accountId, callId);
    return {
      before: call,
      written: await deps.calls.update(updateScheduledCall(call, changes, deps.clock.now(), deps.limits), call),
    };
  });
  // 3. A new time: move the attempt's schedule, within a deadline, never failing the answer.
  if (written.scheduledFor !== before.scheduledFor) {
    const failure = await afterWrite(() => redispatchCall(deps, written));
    if (failure !== null) deps.onDispatchFailed(written.id, failure);
  }
  return toPublicCall(written);
}
