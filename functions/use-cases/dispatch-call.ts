import { currentAttempt } from '#domain/call-lifecycle';
import { awaitsDial } from '#domain/call-status-machine';
import type { StoredCall } from '#schemas/call';
import type { DialMessage } from '#schemas/dial-message';
import type { Clock } from '#ports/clock';
import type { CallScheduler, DialQueue } from '#ports/dispatch';

export interface DispatchDeps {
  queue: DialQueue;
  scheduler: CallScheduler;
  clock: Clock;
}

/** EventBridge Scheduler promises one-minute precision, so schedules fire this early and the dialer waits. */
export const SCHEDULE_LEAD_SECONDS = 60;
/** Calls due sooner than this skip the Scheduler and wait in the queue (SQS delays reach 900 s). */
const DIRECT_QUEUE_HORIZON_SECONDS = 120;

export function dialMessageFor(call: StoredCall): DialMessage {
  return {
    callId: call.id,
    accountId: call.accountId,
    attempt: currentAttempt(call),
    dueAt: call.scheduledFor ?? call.createdAt,
    waits: 0,
  };
}

/**
 * Sends a pending call on its way: a queued call (or one due within two minutes) to the dial
 * queue, a later one to a one-time schedule. Safe to repeat: duplicates meet the dialer's
 * conditional writes and the schedule's fixed name.
 */
export async function dispatchCall(deps: DispatchDeps, call: StoredCall): Promise<void> {
  if (!awaitsDial(call.status)) return;
  const message = dialMessageFor(call);
  const secondsUntilDue = (Date.parse(message.dueAt) - deps.clock.now().getTime()) / 1000;
  if (call.status === 'queued' || secondsUntilDue < DIRECT_QUEUE_HORIZON_SECONDS) {
    await deps.queue.send(message, Math.max(0, Math.floor(secondsUntilDue)));
    return;
  }
  await deps.scheduler.schedule(message, new Date(Date.parse(message.dueAt) - SCHEDULE_LEAD_SECONDS * 1000));
}
