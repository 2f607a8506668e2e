import { unmarshall } from '@aws-sdk/util-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { EventBridgeEventBus } from '#adapters/eventbridge/event-bus';
import { StoredCallSchema, type StoredCall } from '#schemas/call';
import { EventBusEnvSchema, parseEnv } from '#schemas/env';
import type { StoredWebhookEndpoint } from '#schemas/webhooks';
import { produceEvents } from '#use-cases/produce-events';
import { logger } from './http/logger.ts';
import { clock } from './composition/table.ts';
import { deliveryQueue, webhooks } from './composition/webhooks.ts';

const { EVENT_BUS_NAME } = parseEnv(EventBusEnvSchema, process.env);
const deps = { webhooks, queue: deliveryQueue, bus: new EventBridgeEventBus(new EventBridgeClient({}), EVENT_BUS_NAME), clock };

const asCall = (image: Record<string, AttributeValue> | undefined): StoredCall | null => {
  if (!image) return null;
  const item = unmarshall(image);
  return typeof item.pk === 'string' && item.pk.startsWith('CALL#') ? StoredCallSchema.parse(item) : null;
};

/**
 * The table's stream: every write of a call becomes its events (a transactional outbox: a status
 * written is an event produced). Records are handled in order; the first failure and everything
 * after it is reported back, and Lambda retries from there (partial batch failures).
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const endpointsByAccount = new Map<string, Promise<StoredWebhookEndpoint[]>>();
  const endpointsOf = (accountId: string) => {
    let endpoints = endpointsByAccount.get(accountId);
    if (!endpoints) endpointsByAccount.set(accountId, (endpoints = webhooks.listEndpoints(accountId)));
    return endpoints;
  };
  for (const record of event.Records) {
    try {
      const after = asCall(record.dynamodb?.NewImage as Record<string, AttributeValue> | undefined);
      if (!after) continue;
      const before = asCall(record.dynamodb?.OldImage as Record<string, AttributeValue> | undefined);
      const produced = await produceEvents(deps, { before, after }, endpointsOf);
      if (produced.length > 0) logger.info('Events produced', { callId: after.id, events: produced.map((e) => e.type) });
    } catch (error) {
      logger.error('Producing events failed; the stream will deliver the record again', { error: error as Error });
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
    }
  }
  return { batchItemFailures: [] };
};
