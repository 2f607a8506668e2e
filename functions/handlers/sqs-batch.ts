import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type * as z from 'zod/mini';
import { poisonParked } from '#use-cases/business-metrics';
import { describeFailure, isPermanentFailure } from './batch-failures.ts';
import { metrics } from './composition/observability.ts';
import { logger } from './logger.ts';
import { sqsBatchBundle } from './middleware/bundles.ts';

/** Where a consumer parks a message that can never be handled (its queue's dead-letter queue). */
export interface DeadLetters {
  park(body: string, why: Record<string, string>): Promise<void>;
}

/**
 * An SQS consumer that handles each message on its own (partial batch response,
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html):
 * - a message that cannot be read (not JSON, not the schema), or whose handling fails for a
 *   reason retrying cannot fix (batch-failures.ts), is parked in the queue's dead-letter queue
 *   at once, with the reason as attributes, and acknowledged: it costs no retries and holds up
 *   nothing;
 * - any other failure is reported back (batchItemFailures), so SQS delivers the message again
 *   after the visibility timeout and moves it to the same dead-letter queue after
 *   maxReceiveCount receives (the redrive policy); so is a message whose parking failed;
 * - the rest are acknowledged.
 * Log lines carry the invocation's context (sqsBatchBundle), the message id and the failure's
 * masked description, never the body. `handle` is also given the invocation's deadline (UTC, from
 * the Lambda context's remaining time; undefined without a context, as in tests).
 */
export function sqsBatchHandler<S extends z.ZodMiniType>(
  name: string,
  schema: S,
  handle: (message: z.infer<S>, deadline: Date | undefined) => Promise<void>,
  deadLetters: DeadLetters,
) {
  const park = async (record: SQSRecord, reason: string, error: unknown): Promise<boolean> => {
    const failure = describeFailure(error);
    try {
      await deadLetters.park(record.body, {
        reason,
        ...failure,
        sourceMessageId: record.messageId,
        receiveCount: record.attributes?.ApproximateReceiveCount ?? '',
      });
      metrics.record(poisonParked(name));
      logger.error(`Parked a ${name} message in the dead-letter queue: ${reason}`, {
        messageId: record.messageId,
        ...failure,
      });
      return true;
    } catch (parkError) {
      logger.error(`Could not park a ${name} message; SQS will deliver it again`, {
        messageId: record.messageId,
        ...failure,
        parkError: describeFailure(parkError),
      });
      return false;
    }
  };

  return sqsBatchBundle(name, async (event: SQSEvent, context): Promise<SQSBatchResponse> => {
    const remainingMs = context.getRemainingTimeInMillis?.();
    const deadline = remainingMs === undefined ? undefined : new Date(Date.now() + remainingMs);
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    await Promise.all(
      event.Records.map(async (record) => {
        let message: z.infer<S>;
        try {
          message = schema.parse(JSON.parse(record.body)) as z.infer<S>;
        } catch (error) {
          if (!(await park(record, 'unreadable', error))) failures.push({ itemIdentifier: record.messageId });
          return;
        }
        try {
          await handle(message, deadline);
        } catch (error) {
          if (isPermanentFailure(error) && (await park(record, 'permanent failure', error))) return;
          logger.error(`A ${name} message failed; SQS will deliver it again`, {
            messageId: record.messageId,
            ...describeFailure(error),
          });
          failures.push({ itemIdentifier: record.messageId });
        }
      }),
    );
    return { batchItemFailures: failures };
  });
}
