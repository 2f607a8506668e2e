import { CreateScheduleGroupCommand, ConflictException, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { CreateEventBusCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';

export interface LocalQueues {
  dialQueueUrl: string;
  dialQueueArn: string;
  dialDlqUrl: string;
  schedulerDlqArn: string;
  scheduleGroupName: string;
  /** A role ARN for Scheduler targets; the emulator does not assume it. */
  schedulerRoleArn: string;
  deliveryQueueUrl: string;
  deliveryQueueArn: string;
  deliveryDlqUrl: string;
  /** The events function's on-failure destination, where it also parks records itself. */
  streamFailureQueueUrl: string;
  eventBusName: string;
}

/** The queues, schedule group and event bus the CDK stack defines, created in the emulator (idempotently). */
export async function ensureQueues(
  sqs: SQSClient,
  scheduler: SchedulerClient,
  eventBridge: EventBridgeClient,
  prefix: string,
): Promise<LocalQueues> {
  const queue = async (name: string, attributes: Record<string, string> = {}) => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    return { url: QueueUrl as string, arn: Attributes?.QueueArn as string };
  };
  const dlq = await queue(`${prefix}-dial-dlq`);
  const dial = await queue(`${prefix}-dial`, {
    VisibilityTimeout: '30',
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 }),
  });
  const schedulerDlq = await queue(`${prefix}-schedule-dlq`);
  const deliveryDlq = await queue(`${prefix}-delivery-dlq`);
  const delivery = await queue(`${prefix}-delivery`, {
    VisibilityTimeout: '60',
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deliveryDlq.arn, maxReceiveCount: 5 }),
  });
  const streamFailures = await queue(`${prefix}-stream-failures`);
  const eventBusName = `${prefix}-events`;
  try {
    await eventBridge.send(new CreateEventBusCommand({ Name: eventBusName }));
  } catch (error) {
    if ((error as Error).name !== 'ResourceAlreadyExistsException') throw error;
  }
  const scheduleGroupName = `${prefix}-calls`;
  try {
    await scheduler.send(new CreateScheduleGroupCommand({ Name: scheduleGroupName }));
  } catch (error) {
    if (!(error instanceof ConflictException)) throw error;
  }
  return {
    dialQueueUrl: dial.url,
    dialQueueArn: dial.arn,
    dialDlqUrl: dlq.url,
    schedulerDlqArn: schedulerDlq.arn,
    scheduleGroupName,
    schedulerRoleArn: 'arn:aws:iam::123456789012:role/local-scheduler',
    deliveryQueueUrl: delivery.url,
    deliveryQueueArn: delivery.arn,
    deliveryDlqUrl: deliveryDlq.url,
    streamFailureQueueUrl: streamFailures.url,
    eventBusName,
  };
}
