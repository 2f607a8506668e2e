import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { describeFailure } from '../functions/handlers/batch-failures.ts';
import { failureLog, type FailureLog } from './failure-log.ts';
import { lambdaContext } from './lambda-context.ts';

type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/**
 * Seconds a receive waits for a message (SQS's and moto's maximum). An idle queue costs three
 * requests a minute, and a message sent during the wait is returned at once (moto wakes the
 * waiting receive when a message arrives), so long polling adds no latency.
 */
export const RECEIVE_WAIT_SECONDS = 20;

/**
 * Plays Lambda's SQS event source: long-polls the queue (RECEIVE_WAIT_SECONDS), invokes the handler with a batch, and
 * deletes only the messages the handler did not report as failed (ReportBatchItemFailures); a
 * handler that throws fails the whole batch. Failed ones come back after the visibility timeout,
 * and moto moves one to the dead-letter queue once it has been received maxReceiveCount times
 * (the queue's redrive policy, created as the CDK stack does in aws-resources.ts), as SQS does
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html).
 */
export function startSqsPoller(options: {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  handler: SqsHandler;
  functionName: string;
  /** Reports polling failures; by default one line per streak. */
  failures?: FailureLog;
}): () => Promise<void> {
  let running = true;
  // Stopping ends the receive waiting on an idle queue at once rather than after its wait.
  const stopping = new AbortController();
  const failures = options.failures ?? failureLog(`Polling ${options.queueUrl}`);
  const loop = (async () => {
    while (running) {
      try {
        const { Messages = [] } = await options.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: RECEIVE_WAIT_SECONDS,
            MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
          }),
          { abortSignal: stopping.signal },
        );
        failures.succeeded();
        if (!running || Messages.length === 0) continue;
        const event: SQSEvent = {
          Records: Messages.map((message) => ({
            messageId: message.MessageId as string,
            receiptHandle: message.ReceiptHandle as string,
            body: message.Body ?? '',
            attributes: {
              ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
              SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
              SenderId: 'local',
              ApproximateFirstReceiveTimestamp: String(Date.now()),
            },
            messageAttributes: {},
            md5OfBody: message.MD5OfBody ?? '',
            eventSource: 'aws:sqs',
            eventSourceARN: options.queueArn,
            awsRegion: process.env.AWS_REGION ?? 'us-east-1',
          })),
        };
        let failed = new Set<string>();
        try {
          const result = await options.handler(event, lambdaContext(options.functionName));
          failed = new Set(result.batchItemFailures.map((failure) => failure.itemIdentifier));
        } catch (error) {
          console.error(`${options.functionName} failed; the batch will be delivered again`, describeFailure(error));
          continue;
        }
        const done = Messages.filter((message) => !failed.has(message.MessageId as string));
        if (done.length > 0) {
          await options.sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: options.queueUrl,
              Entries: done.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle })),
            }),
          );
        }
      } catch (error) {
        if (running) {
          failures.failed(error);
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
    }
  })();
  return async () => {
    running = false;
    stopping.abort();
    await loop;
  };
}
