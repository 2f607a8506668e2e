import { GuardedWebhookSender } from '#adapters/http/guarded-webhook-sender';
import { SqsDeadLetterQueue } from '#adapters/sqs/dead-letter-queue';
import { DeliveryMessageSchema, eventSubject } from '#schemas/webhooks';
import { deliverEvent } from '#use-cases/deliver-event';
import { logger } from './logger.ts';
import { sqsBatchHandler } from './sqs-batch.ts';
import { sqsClient } from './composition/clients.ts';
import { clock } from './composition/table.ts';
import { metrics } from './composition/observability.ts';
import { deliveryQueue, urlPolicy, webhooks, webhooksEnv } from './composition/webhooks.ts';

const deps = {
  webhooks,
  queue: deliveryQueue,
  sender: new GuardedWebhookSender({
    timeoutMs: webhooksEnv.WEBHOOK_TIMEOUT_SECONDS * 1000,
    allowLocalHttp: webhooksEnv.WEBHOOK_ALLOW_LOCAL_HTTP,
  }),
  urlPolicy,
  clock,
  metrics,
  random: Math.random,
  retryWindowSeconds: webhooksEnv.WEBHOOK_RETRY_WINDOW_SECONDS,
  backoffUnitSeconds: webhooksEnv.WEBHOOK_BACKOFF_UNIT,
};

/** The delivery queue's consumer: one signed POST per message; what it can never send is parked in the dead-letter queue. */
export const handler = sqsBatchHandler(
  'webhook delivery',
  DeliveryMessageSchema,
  async (message, deadline) => {
    const outcome = await deliverEvent(deps, message, deadline);
    logger.info('Webhook delivery', {
      eventId: message.event.id,
      endpointId: message.endpointId,
      subject: eventSubject(message.event),
      attempt: message.attempt,
      outcome,
    });
  },
  new SqsDeadLetterQueue(sqsClient, webhooksEnv.DELIVERY_DLQ_URL),
);
