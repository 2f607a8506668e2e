import { DynamoDbWebhookStore } from '#adapters/dynamodb/webhook-store';
import { DnsWebhookUrlPolicy } from '#adapters/http/webhook-url-policy';
import { SqsDeliveryQueue } from '#adapters/sqs/delivery-queue';
import { WebhooksEnvSchema, parseEnv } from '#schemas/env';
import { loggedFailure } from '../batch-failures.ts';
import { logger } from '../logger.ts';
import { sqsClient } from './clients.ts';
import { clock, db, tableEnv } from './table.ts';

/** Webhook endpoints, events and the delivery queue. */
export const webhooksEnv = parseEnv(WebhooksEnvSchema, process.env);
export const webhooks = /* @__PURE__ */ new DynamoDbWebhookStore(db, tableEnv.TABLE_NAME, (key, error) =>
  logger.error('Skipped a webhook endpoint item that cannot be read; fix or delete it', {
    key,
    ...loggedFailure(error),
  }),
);
export const deliveryQueue = /* @__PURE__ */ new SqsDeliveryQueue(
  sqsClient,
  webhooksEnv.DELIVERY_QUEUE_URL,
  webhooksEnv.DELIVERY_DLQ_URL,
);
/**
 * Pure, with arguments esbuild can see are free of side effects (a property read might not be),
 * so a function that never checks a URL (the events stream) leaves it, and ipaddr.js, out.
 */
const allowLocalHttp = webhooksEnv.WEBHOOK_ALLOW_LOCAL_HTTP;
export const urlPolicy = /* @__PURE__ */ new DnsWebhookUrlPolicy({ allowLocalHttp });
export const webhookAdminDeps = { webhooks, urlPolicy, queue: deliveryQueue, clock };
