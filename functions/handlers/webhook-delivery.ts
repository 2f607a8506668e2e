import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { FetchWebhookSender } from '#adapters/http/fetch-webhook-sender';
import { DeliveryMessageSchema } from '#schemas/webhooks';
import { deliverEvent } from '#use-cases/deliver-event';
import { logger } from './http/logger.ts';
import { clock } from './composition/table.ts';
import { deliveryQueue, urlPolicy, webhooks, webhooksEnv } from './composition/webhooks.ts';

const deps = {
  webhooks,
  queue: deliveryQueue,
  sender: new FetchWebhookSender(webhooksEnv.WEBHOOK_TIMEOUT_SECONDS * 1000),
  urlPolicy,
  clock,
  random: Math.random,
  retryWindowSeconds: webhooksEnv.WEBHOOK_RETRY_WINDOW_SECONDS,
  backoffUnitSeconds: webhooksEnv.WEBHOOK_BACKOFF_UNIT,
};

/** The delivery queue's consumer: one signed POST per message (partial batch failures). */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  await Promise.all(
    event.Records.map(async (record) => {
      const parsed = DeliveryMessageSchema.safeParse(JSON.parse(record.body));
      if (!parsed.success) {
        logger.error('Dropping an unreadable delivery message', { messageId: record.messageId });
        return;
      }
      const message = parsed.data;
      try {
        const outcome = await deliverEvent(deps, message);
        logger.info('Webhook delivery', { eventId: message.event.id, endpointId: message.endpointId, callId: message.event.data.call.id, attempt: message.attempt, outcome });
      } catch (error) {
        logger.error('Webhook delivery failed; SQS will deliver the message again', { eventId: message.event.id, error: error as Error });
        failures.push({ itemIdentifier: record.messageId });
      }
    }),
  );
  return { batchItemFailures: failures };
};
