import { DynamoDbWebhookStore } from '#adapters/dynamodb/webhook-store';
import type { DnsWebhookUrlPolicy } from '#adapters/http/webhook-url-policy';
import type { WebhookUrlPolicy } from '#ports/webhooks';
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
const allowLocalHttp = webhooksEnv.WEBHOOK_ALLOW_LOCAL_HTTP;
let policy: Promise<DnsWebhookUrlPolicy> | null = null;
/**
 * The URL policy (adapters/http/webhook-url-policy.ts, with ipaddr.js), loaded on the first URL
 * checked: the endpoints API checks one only when an endpoint is created or its URL changed, and
 * the events stream never does (docs/architecture.md, "Cold start").
 */
export const urlPolicy: WebhookUrlPolicy = {
  check: async (url) => {
    policy ??= import('#adapters/http/webhook-url-policy').then(
      ({ DnsWebhookUrlPolicy }) => new DnsWebhookUrlPolicy({ allowLocalHttp }),
      (error: unknown) => {
        policy = null;
        throw error;
      },
    );
    return (await policy).check(url);
  },
};
/** How long the events function remembers that an account has no endpoint (milliseconds). */
export const endpointCacheMs = webhooksEnv.WEBHOOK_ENDPOINT_CACHE_SECONDS * 1000;
export const webhookAdminDeps = { webhooks, urlPolicy, queue: deliveryQueue, clock, endpointCacheMs };
