import { currentAttempt } from '#domain/call-lifecycle';
import { awaitsDial } from '#domain/call-status-machine';
import type { StoredCall } from '#schemas/call';
import type { DialMessage } from '#schemas/dial-message';
import type { Clock } from '#ports/clock';
import type { CallScheduler, DialQueue, MovableCallScheduler } from '#ports/dispatch';

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
 * Sends a scheduled call whose scheduledFor moved on its way again: its attempt's schedule is
 * replaced (a schedule fires once per name, so the old time cannot fire as well), or, when it is
 * now due within two minutes, deleted and the message sent to the queue. A message already sent
 * for the old time (a schedule that fired, a direct-queued call) is dropped by the dialer, which
 * dials a scheduled call only for a message carrying its current scheduledFor.
 */
export async function redispatchCall(
  deps: DispatchDeps & { scheduler: MovableCallScheduler },
  call: StoredCall,
): Promise<void> {
  if (call.status !== 'scheduled') return;
  const message = dialMessageFor(call);
  const secondsUntilDue = (Date.parse(message.dueAt) - deps.clock.now().getTime()) / 1000;
  if (secondsUntilDue < DIRECT_QUEUE_HORIZON_SECONDS) {
    await deps.scheduler.cancel(call.id, message.attempt);
    await deps.queue.send(message, Math.max(0, Math.floor(secondsUntilDue)));
    return;
  }
  await deps.scheduler.reschedule(message, new Date(Date.parse(message.dueAt) - SCHEDULE_LEAD_SECONDS * 1000));
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
