import type { StoredCall } from '#schemas/call';
import { countOf, type MetricPoint } from '#ports/metrics';

/*
 * The data points each use case records (ports/metrics.ts names them), built here so that every
 * use case records the same metric with the same dimensions.
 */

/** A new call: whether it was sent to the dial queue now or waits for its scheduledFor. */
export const callCreated = (call: Pick<StoredCall, 'status'>): MetricPoint =>
  countOf('CallsCreated', { Dispatch: call.status === 'scheduled' ? 'scheduled' : 'immediate' });

/**
 * The dialer won the gate of `call` at `now`: one dial attempt, and how late it is in milliseconds
 * after the call was due (scheduledFor, or createdAt for an immediate call; 0 if early).
 */
export function dialStarted(
  call: Pick<StoredCall, 'keyMode' | 'scheduledFor' | 'createdAt'>,
  now: Date,
): MetricPoint[] {
  const dueAt = Date.parse(call.scheduledFor ?? call.createdAt);
  return [
    countOf('DialAttempts', { KeyMode: call.keyMode }),
    { name: 'DispatchLag', unit: 'Milliseconds', value: Math.max(0, now.getTime() - dueAt), dimensionSets: [] },
  ];
}

/** A call reached a final status: counted by status, and by status and end reason. */
export const callEnded = (call: Pick<StoredCall, 'status' | 'endReason'>): MetricPoint =>
  countOf(
    'CallOutcomes',
    { Status: call.status },
    ...(call.endReason ? [{ Status: call.status, EndReason: call.endReason }] : []),
  );

/** A dial message went back to wait; `reason` is the dialer's (a short fixed phrase, never an id). */
export const dialWaited = (reason: string): MetricPoint => countOf('DialWaits', { Reason: reason });

/** One webhook delivery attempt's result. */
export const webhookDelivered = (result: 'delivered' | 'failed' | 'parked'): MetricPoint =>
  countOf('WebhookDeliveries', { Result: result });

/** A poison record set aside; `source` names the queue or stream it came from. */
export const poisonParked = (source: string): MetricPoint => countOf('PoisonRecordsParked', { Source: source });
