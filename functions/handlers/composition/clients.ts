import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { awsClientOptions } from '#adapters/aws-client-options';
import { traced } from '../tracing.ts';

/** Read at start, so a bad value fails the function's start, not its first message. */
const clientOptions = awsClientOptions(process.env);

/** `load` once, on first use; a load that fails is tried again on the next use. */
function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | null = null;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = null;
      throw error;
    });
    return loading;
  };
}

/**
 * The function instance's one SQS client, built (and its package read) on the first message it
 * sends: a dial, a retry, a webhook delivery, a parked record. Not at cold start: most invocations
 * of most functions send nothing, or only one kind of thing (docs/architecture.md, "Cold start").
 */
export const sqsClient = onFirstUse(async () => {
  const { SQSClient } = await import('@aws-sdk/client-sqs');
  return traced(new SQSClient(clientOptions));
});

/** The EventBridge Scheduler client, built on the first schedule created, moved or deleted. */
export const schedulerClient = onFirstUse(async () => {
  const { SchedulerClient } = await import('@aws-sdk/client-scheduler');
  return traced(new SchedulerClient(clientOptions));
});

export type { SQSClient, SchedulerClient };
