import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { encryptedQueue } from './encrypted-queue.ts';
import type { Binding } from './service-function.ts';

export interface CallDispatchProps {
  /** The dialer's timeout: the dial queue hides a message for six times as long (Lambda's advice). */
  dialerTimeout: Duration;
}

/** The variables every function that dispatches calls reads (see DIAL_QUEUE_URL … in env.ts). */
export type DispatchEnvironment = {
  DIAL_QUEUE_URL: string;
  DIAL_QUEUE_ARN: string;
  SCHEDULER_DLQ_ARN: string;
  SCHEDULE_GROUP_NAME: string;
  SCHEDULER_ROLE_ARN: string;
};

/** Receives of one dial message before it is parked: the dialer re-queues waiting calls itself. */
const DIAL_MAX_RECEIVES = 5;

/**
 * How a call reaches the dialer: the SQS dial queue (immediate calls, and every schedule's
 * target), the EventBridge Scheduler group for calls at a time and retries, the role the
 * Scheduler sends with, and a dead-letter queue for each path.
 */
export class CallDispatch extends Construct {
  readonly dialQueue: sqs.Queue;
  readonly dialDeadLetterQueue: sqs.Queue;
  /** Where EventBridge Scheduler parks a dial message it could not deliver. */
  readonly schedulerDeadLetterQueue: sqs.Queue;
  readonly scheduleGroup: scheduler.ScheduleGroup;
  readonly schedulerRole: iam.Role;
  readonly environment: DispatchEnvironment;

  constructor(scope: Construct, id: string, props: CallDispatchProps) {
    super(scope, id);

    this.dialDeadLetterQueue = encryptedQueue(this, 'DialDeadLetterQueue', { retentionPeriod: Duration.days(14) });
    this.dialQueue = encryptedQueue(this, 'DialQueue', {
      visibilityTimeout: Duration.seconds(props.dialerTimeout.toSeconds() * 6),
      deadLetterQueue: { queue: this.dialDeadLetterQueue, maxReceiveCount: DIAL_MAX_RECEIVES },
    });
    this.schedulerDeadLetterQueue = encryptedQueue(this, 'SchedulerDeadLetterQueue', {
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.schedulerDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This is a dead-letter queue: each schedule names it as its DeadLetterConfig at run time, which the rule cannot see.',
    });

    // Schedules live only as long as their call waits; the group holds nothing worth keeping.
    this.scheduleGroup = new scheduler.ScheduleGroup(this, 'ScheduleGroup', { removalPolicy: RemovalPolicy.DESTROY });

    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      description: 'EventBridge Scheduler sends due dial messages to the dial queue with this role',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    });
    this.schedulerRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: [this.dialQueue.queueArn, this.schedulerDeadLetterQueue.queueArn],
      }),
    );

    this.environment = {
      DIAL_QUEUE_URL: this.dialQueue.queueUrl,
      DIAL_QUEUE_ARN: this.dialQueue.queueArn,
      SCHEDULER_DLQ_ARN: this.schedulerDeadLetterQueue.queueArn,
      SCHEDULE_GROUP_NAME: this.scheduleGroup.scheduleGroupName,
      SCHEDULER_ROLE_ARN: this.schedulerRole.roleArn,
    };
  }

  /** Sending dial messages: immediate calls, and calls re-queued until they are due. */
  get enqueueCalls(): Binding<DispatchEnvironment> {
    return { environment: this.environment, grant: (fn) => this.dialQueue.grantSendMessages(fn) };
  }

  /**
   * Creating, reading and deleting the service's one-time schedules, and handing the Scheduler
   * its role (only that role, only to that service).
   */
  get manageSchedules(): Binding<DispatchEnvironment> {
    const schedulesOfGroup = Stack.of(this).formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${this.scheduleGroup.scheduleGroupName}/*`,
    });
    return {
      environment: this.environment,
      grant: (fn) => {
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule'],
            resources: [schedulesOfGroup],
          }),
        );
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['iam:PassRole'],
            resources: [this.schedulerRole.roleArn],
            conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
          }),
        );
        // The group's name is fixed at synth time, so the finding can be named exactly.
        Validations.of(fn.role as iam.IRole).acknowledge({
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${this.scheduleGroup.scheduleGroupName}/*]`,
          reason:
            "Schedule names are made per call and attempt at run time; the wildcard stays inside the service's own schedule group.",
        });
      },
    };
  }

  /**
   * The dialer reads the queue, reporting which messages of a batch failed (partial batch
   * response; SQS moves a message to the dead-letter queue after DIAL_MAX_RECEIVES receives). A
   * message it can never handle (unreadable, say) it parks in the dead-letter queue itself, so it
   * is told where that is and may send there.
   */
  consumeWith(dialer: lambda.Function, maxConcurrency: number): void {
    dialer.addEnvironment('DIAL_DLQ_URL', this.dialDeadLetterQueue.queueUrl);
    this.dialDeadLetterQueue.grantSendMessages(dialer);
    dialer.addEventSource(
      new SqsEventSource(this.dialQueue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency }),
    );
  }
}
