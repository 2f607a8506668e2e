import type { DialQueue, MovableCallScheduler } from '#ports/dispatch';
import type { DialMessage } from '#schemas/dial-message';

/** The dial queue, keeping what was sent; `failWith` makes every send reject. */
export class FakeDialQueue implements DialQueue {
  readonly sent: Array<{ message: DialMessage; delaySeconds: number }> = [];
  failWith: Error | null = null;

  async send(message: DialMessage, delaySeconds: number): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.sent.push({ message: structuredClone(message), delaySeconds });
  }
}

/** EventBridge Scheduler, keeping the schedules made and deleted; a schedule's key is call id and attempt. */
export class FakeCallScheduler implements MovableCallScheduler {
  readonly scheduled: Array<{ message: DialMessage; fireAt: Date }> = [];
  readonly rescheduled: Array<{ message: DialMessage; fireAt: Date }> = [];
  readonly cancelled: Array<{ callId: string; attempt: number }> = [];
  failWith: Error | null = null;

  async schedule(message: DialMessage, fireAt: Date): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.scheduled.push({ message: structuredClone(message), fireAt });
  }

  async reschedule(message: DialMessage, fireAt: Date): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.rescheduled.push({ message: structuredClone(message), fireAt });
  }

  async cancel(callId: string, attempt: number): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.cancelled.push({ callId, attempt });
  }
}
