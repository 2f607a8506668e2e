import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { DialMessageSchema } from '#schemas/dial-message';
import { dialCall } from '#use-cases/dial-call';
import { logger } from './http/logger.ts';
import { queue } from './composition/dispatch.ts';
import { dialDeps } from './composition/telephony.ts';

/**
 * The dial queue's consumer. Each message is handled on its own; one that fails is reported
 * back (partial batch failure) and SQS delivers it again, while the rest are acknowledged.
 */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  await Promise.all(
    event.Records.map(async (record) => {
      const parsed = DialMessageSchema.safeParse(safeJson(record.body));
      if (!parsed.success) {
        // A message that can never be read would only come back forever; it is logged and dropped.
        logger.error('Dropping an unreadable dial message', { messageId: record.messageId });
        return;
      }
      const message = parsed.data;
      try {
        const outcome = await dialCall(dialDeps, message);
        if (outcome.result === 'later') await queue.send(outcome.message, outcome.delaySeconds);
        logger.info('Dial message handled', { callId: message.callId, attempt: message.attempt, result: outcome.result, ...('reason' in outcome ? { reason: outcome.reason } : {}) });
      } catch (error) {
        logger.error('Dial message failed; SQS will deliver it again', { callId: message.callId, error: error as Error });
        failures.push({ itemIdentifier: record.messageId });
      }
    }),
  );
  return { batchItemFailures: failures };
};

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
