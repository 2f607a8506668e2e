import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import { type ClientSource, clientOf } from '../client-source.ts';
import type { DialMessage } from '#schemas/dial-message';
import type { MovableCallScheduler } from '#ports/dispatch';

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

/** The client and the SDK's module (commands, exceptions), loaded together on first use. */
async function sdk(source: ClientSource<SchedulerClient>) {
  const [client, module] = await Promise.all([clientOf(source), import('@aws-sdk/client-scheduler')]);
  return { client, ...module };
}

/**
 * One-time EventBridge Scheduler schedules whose target is the SQS dial queue. The client and the
 * SDK's commands load on first use (client-source.ts): most invocations of the functions that hold
 * a scheduler never schedule.
 */
export class EventBridgeCallScheduler implements MovableCallScheduler {
  constructor(
    private readonly scheduler: ClientSource<SchedulerClient>,
    private readonly target: SchedulerTarget,
  ) {}

  async schedule(message: DialMessage, fireAt: Date): Promise<void> {
    const { client, CreateScheduleCommand, ConflictException } = await sdk(this.scheduler);
    try {
      await client.send(new CreateScheduleCommand(this.definition(message, fireAt)));
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error;
    }
  }

  async reschedule(message: DialMessage, fireAt: Date): Promise<void> {
    const { client, UpdateScheduleCommand, ResourceNotFoundException } = await sdk(this.scheduler);
    try {
      await client.send(new UpdateScheduleCommand(this.definition(message, fireAt)));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      await this.schedule(message, fireAt);
    }
  }

  /** One attempt's one-time schedule: fires once at `fireAt` (UTC), then deletes itself. */
  private definition(message: DialMessage, fireAt: Date) {
    return {
      Name: scheduleName(message.callId, message.attempt),
      GroupName: this.target.groupName,
      ScheduleExpression: atExpression(fireAt),
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' as const },
      ActionAfterCompletion: 'DELETE' as const,
      Target: {
        Arn: this.target.queueArn,
        RoleArn: this.target.roleArn,
        Input: JSON.stringify(message),
        DeadLetterConfig: { Arn: this.target.deadLetterArn },
        RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
      },
    };
  }

  async cancel(callId: string, attempt: number): Promise<void> {
    const { client, DeleteScheduleCommand, ResourceNotFoundException } = await sdk(this.scheduler);
    try {
      await client.send(
        new DeleteScheduleCommand({ Name: scheduleName(callId, attempt), GroupName: this.target.groupName }),
      );
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }
}
