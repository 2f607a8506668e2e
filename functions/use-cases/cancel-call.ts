import { cancelCall as cancelled, toPublicCall } from '#domain/call';
import { ConcurrentModificationError } from '#domain/errors';
import type { Call } from '#schemas/call';
import type { CallStore } from '#ports/call-store';
import type { Clock } from '#ports/clock';
import { getCall } from './get-call.ts';

export interface CancelCallDeps {
  calls: CallStore;
  clock: Clock;
}

export async function cancelCall(deps: CancelCallDeps, accountId: string, callId: string): Promise<Call> {
  // 1. Read the call; the state machine says whether it may still be cancelled (409 if not).
  const call = await getCall(deps, accountId, callId);
  const next = cancelled(call, deps.clock.now());
  try {
    // 2. Write only if nobody moved it meanwhile (a dialer may have just taken it).
    await deps.calls.update(next, call.status);
  } catch (error) {
    if (!(error instanceof ConcurrentModificationError)) throw error;
    // 3. Lost the race: judge again against the status that won, which reports it in the 409.
    const current = await getCall(deps, accountId, callId);
    const retried = cancelled(current, deps.clock.now());
    await deps.calls.update(retried, current.status);
    return toPublicCall(retried);
  }
  return toPublicCall(next);
}
