import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type * as z from 'zod/mini';
import { logger } from './http/logger.ts';

/**
 * An SQS consumer that handles each message on its own: a message that cannot be read is logged
 * and dropped (it would only come back forever), one whose handling throws is reported back
 * (partial batch failure) for SQS to deliver again, and the rest are acknowledged.
 */
export function sqsBatchHandler<S extends z.ZodMiniType>(name: string, schema: S, handle: (message: z.infer<S>) => Promise<void>) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    await Promise.all(
      event.Records.map(async (record) => {
        let body: unknown;
        try {
          body = JSON.parse(record.body);
        } catch {
          body = undefined;
        }
        const parsed = schema.safeParse(body);
        if (!parsed.success) {
          logger.error(`Dropping an unreadable ${name} message`, { messageId: record.messageId });
          return;
        }
        try {
          await handle(parsed.data);
        } catch (error) {
          logger.error(`A ${name} message failed; SQS will deliver it again`, { messageId: record.messageId, error: error as Error });
          failures.push({ itemIdentifier: record.messageId });
        }
      }),
    );
    return { batchItemFailures: failures };
  };
}
