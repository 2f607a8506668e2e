import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import { EventBridgeCallScheduler } from '#adapters/scheduler/call-scheduler';
import { SqsCampaignSweeps } from '#adapters/sqs/campaign-sweeps';
import { SqsDialQueue } from '#adapters/sqs/dial-queue';
import { DispatchEnvSchema, parseEnv } from '#schemas/env';
import { traced } from '../tracing.ts';
import { clock } from './table.ts';

/** The dial queue and the Scheduler, for functions that send calls on their way. */
export const dispatchEnv = parseEnv(DispatchEnvSchema, process.env);
const sqs = traced(new SQSClient({}));
export const queue = new SqsDialQueue(sqs, dispatchEnv.DIAL_QUEUE_URL);
/** A campaign's resume and cancel work, a page at a time, rides the dial queue to the dialer. */
export const sweeps = new SqsCampaignSweeps(sqs, dispatchEnv.DIAL_QUEUE_URL);
export const scheduler = new EventBridgeCallScheduler(traced(new SchedulerClient({})), {
  groupName: dispatchEnv.SCHEDULE_GROUP_NAME,
  queueArn: dispatchEnv.DIAL_QUEUE_ARN,
  roleArn: dispatchEnv.SCHEDULER_ROLE_ARN,
  deadLetterArn: dispatchEnv.SCHEDULER_DLQ_ARN,
});
export const dispatchDeps = { queue, scheduler, clock };
