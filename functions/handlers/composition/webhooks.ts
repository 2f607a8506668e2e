import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDbWebhookStore } from '#adapters/dynamodb/webhook-store';
import { DnsWebhookUrlPolicy } from '#adapters/http/webhook-url-policy';
import { SqsDeliveryQueue } from '#adapters/sqs/delivery-queue';
import { WebhooksEnvSchema, parseEnv } from '#schemas/env';
import { clock, db, tableEnv } from './table.ts';

/** Webhook endpoints, events and the delivery queue. */
export const webhooksEnv = parseEnv(WebhooksEnvSchema, process.env);
export const webhooks = new DynamoDbWebhookStore(db, tableEnv.TABLE_NAME);
export const deliveryQueue = new SqsDeliveryQueue(
  new SQSClient({}),
  webhooksEnv.DELIVERY_QUEUE_URL,
  webhooksEnv.DELIVERY_DLQ_URL,
);
export const urlPolicy = new DnsWebhookUrlPolicy({ allowLocalHttp: webhooksEnv.WEBHOOK_ALLOW_LOCAL_HTTP });
export const webhookAdminDeps = { webhooks, urlPolicy, queue: deliveryQueue, clock };
