import type { DialMessage } from '#schemas/dial-message';

/**
 * The longest an SQS message can be delayed, seconds (DelaySeconds,
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html).
 */
export const MAX_QUEUE_DELAY_SECONDS = 900;

/** The SQS dial queue. */
export interface DialQueue {
  /** Sends a message that becomes visible after `delaySeconds` (0–MAX_QUEUE_DELAY_SECONDS). */
  send(message: DialMessage, delaySeconds: number): Promise<void>;
}

/** One-time schedules that deliver a dial message to the dial queue (EventBridge Scheduler). */
export interface CallScheduler {
  /** Creates the schedule for the message's attempt; a repeat for the same attempt is harmless. */
  schedule(message: DialMessage, fireAt: Date): Promise<void>;
  /** Deletes the attempt's schedule; one already gone is fine. */
  cancel(callId: string, attempt: number): Promise<void>;
}

/** A CallScheduler that can also move a schedule (PATCH of a scheduled call). */
export interface MovableCallScheduler extends CallScheduler {
  /**
   * Sets the attempt's schedule to deliver `message` at `fireAt`, replacing the one it has, or
   * creating it if it has none (any more): for a scheduled call whose due time moved.
   */
  reschedule(message: DialMessage, fireAt: Date): Promise<void>;
}
