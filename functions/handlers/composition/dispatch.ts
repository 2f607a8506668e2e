import { EventBridgeCallScheduler } from '#adapters/scheduler/call-scheduler';
import { SqsCampaignSweeps } from '#adapters/sqs/campaign-sweeps';
import { SqsDialQueue } from '#adapters/sqs/dial-queue';
import { DispatchEnvSchema, parseEnv } from '#schemas/env';
import { schedulerClient, sqsClient } from './clients.ts';
import { clock } from './table.ts';

/** The dial queue and the Scheduler, for functions that send calls on their way; clients built on first use. */
export const dispatchEnv = parseEnv(DispatchEnvSchema, process.env);
export const queue = new SqsDialQueue(sqsClient, dispatchEnv.DIAL_QUEUE_URL);
/** A campaign's resume and cancel work, a page at a time, rides the dial queue to the dialer. */
export const sweeps = new SqsCampaignSweeps(sqsClient, dispatchEnv.DIAL_QUEUE_URL);
export const scheduler = new EventBridgeCallScheduler(schedulerClient, {
  groupName: dispatchEnv.SCHEDULE_GROUP_NAME,
  queueArn: dispatchEnv.DIAL_QUEUE_ARN,
  roleArn: dispatchEnv.SCHEDULER_ROLE_ARN,
  deadLetterArn: dispatchEnv.SCHEDULER_DLQ_ARN,
});
export const dispatchDeps = { queue, scheduler, clock };
