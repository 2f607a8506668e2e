import { cancelCall as cancelled, toPublicCall } from '#domain/call';
import { ConcurrentModificationError } from '#domain/errors';
import type { Call } from '#schemas/call';
import type { CallRepository } from '#ports/call-repository';
import type { Clock } from '#ports/clock';
import type { CallScheduler } from '#ports/dispatch';
import { afterWrite } from './after-write.ts';
import { getCall } from './get-call.ts';

export interface CancelCallDeps {
  calls: CallRepository;
  scheduler: CallScheduler;
  clock: Clock;
  /** Told when a cancelled call's schedule could not be deleted (harmless: its message is dropped). */
  onScheduleLeftBehind?: (callId: string, error: unknown) => void;
}

export async function cancelCall(deps: CancelCallDeps, accountId: string, callId: string): Promise<Call> {
  for (let attempt = 1; ; attempt++) {
    // 1. Read the call; the state machine says whether it may still be cancelled (409 if not).
    const call = await getCall(deps, accountId, callId);
    const next = cancelled(call, deps.clock.now());
    try {
      // 2. Write only if nobody moved it meanwhile (a dialer may have just taken it).
      const written = await deps.calls.update(next, call);
      // 3. A pending schedule would only deliver a message the dialer drops: delete it, but never
      //    let that turn the answer for a call already cancelled into a 5xx.
      if (call.status === 'scheduled') {
        const failure = await afterWrite(() => deps.scheduler.cancel(call.id, call.retryCount + 1));
        if (failure !== null) deps.onScheduleLeftBehind?.(call.id, failure);
      }
      return toPublicCall(written);
    } catch (error) {
      // Lost a race: judge again against what won, which a 409 then reports.
      if (!(error instanceof ConcurrentModificationError) || attempt >= 3) throw error;
    }
  }
}
