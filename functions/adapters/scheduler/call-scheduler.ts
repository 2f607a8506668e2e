import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { DialMessage } from '#schemas/dial-message';
import type { CallScheduler } from '#ports/dispatch';

export interface SchedulerTarget {
  groupName: string;
  /** The dial queue's ARN. */
  queueArn: string;
  /** The role EventBridge Scheduler assumes to send to the queue. */
  roleArn: string;
  /** Where a message the Scheduler could not deliver is kept. */
  deadLetterArn: string;
}

/** The schedule of one attempt of one call: the same name every time, so a repeat is harmless. */
export const scheduleName = (callId: string, attempt: number) => `${callId}-a${attempt}`;

/** `at()` takes a UTC date-time without a zone suffix, to the second. */
const atExpression = (date: Date) => `at(${date.toISOString().slice(0, 19)})`;

/** One-time EventBridge Scheduler schedules whose target is the SQS dial queue. */
export class EventBridgeCallScheduler implements CallScheduler {
  constructor(
    private readonly scheduler: SchedulerClient,
    private readonly target: SchedulerTarget,
  ) {}

  async schedule(message: DialMessage, fireAt: Date): Promise<void> {
    try {
      await this.scheduler.send(
        new CreateScheduleCommand({
          Name: scheduleName(message.callId, message.attempt),
          GroupName: this.target.groupName,
          ScheduleExpression: atExpression(fireAt),
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: {
            Arn: this.target.queueArn,
            RoleArn: this.target.roleArn,
            Input: JSON.stringify(message),
            DeadLetterConfig: { Arn: this.target.deadLetterArn },
            RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
          },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error;
    }
  }

  async cancel(callId: string, attempt: number): Promise<void> {
    try {
      await this.scheduler.send(
        new DeleteScheduleCommand({ Name: scheduleName(callId, attempt), GroupName: this.target.groupName }),
      );
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }
}
