import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { DynamoDbWebhookStore } from '#adapters/dynamodb/webhook-store';
import { EventBridgeEventBus } from '#adapters/eventbridge/event-bus';
import { SqsDeadLetterQueue } from '#adapters/sqs/dead-letter-queue';
import { SqsDeliveryQueue } from '#adapters/sqs/delivery-queue';
import { eventsForChange } from '#domain/webhook-events';
import { aCall } from '../support/calls.ts';
import { localClientConfig, lossyTable, startLossyProxy, type ProxiedRequest } from '../support/lossy-proxy.ts';

/**
 * The AWS SDK stops retrying once its retry quota is spent (the standard retry mode's token
 * bucket: "Retry behavior", AWS SDKs and Tools Reference Guide), so after a bad minute every
 * request gets one try. The writes the events stream makes (an event kept, a delivery queued, the
 * events published, a record parked) are repeatable, so each is sent once more when its one try
 * went unanswered (sendSettled), and an answer lost on the way does not fail the stream record:
 * a clean-clone CI run parked a campaign's completing record after every retry met such a loss.
 * Clients here make one try each (maxAttempts 1), as a spent quota leaves them; a proxy loses
 * the first answer, and the write is found done, once.
 */
describe('a repeatable write whose one try went unanswered', () => {
  let table: Awaited<ReturnType<typeof lossyTable>>;
  let moto: Awaited<ReturnType<typeof startLossyProxy>>;
  let webhooks: DynamoDbWebhookStore;
  let sqs: SQSClient;
  let events: EventBridgeClient;

  beforeAll(async () => {
    table = await lossyTable(inject('dynamodbEndpoint'), 'lost-no-retries');
    const db = createDocumentClient(new DynamoDBClient({ ...localClientConfig(table.proxy.endpoint), maxAttempts: 1 }));
    webhooks = new DynamoDbWebhookStore(db, table.tableName);
    moto = await startLossyProxy(inject('motoEndpoint'));
    sqs = new SQSClient({ ...localClientConfig(moto.endpoint), maxAttempts: 1 });
    events = new EventBridgeClient({ ...localClientConfig(moto.endpoint), maxAttempts: 1 });
  });
  afterAll(async () => {
    await table.proxy.stop();
    await moto.stop();
  });

  /** Loses the next answer to `target` on `proxy`; returns how many answers were lost since. */
  const loseNext = (proxy: typeof moto, target: string) => {
    const before = proxy.lost();
    proxy.loseAnswers((request: ProxiedRequest) => request.target === target);
    return () => proxy.lost() - before;
  };
  const newQueue = async () =>
    (await sqs.send(new CreateQueueCommand({ QueueName: `no-retries-${randomUUID().slice(0, 8)}` }))).QueueUrl ?? '';
  const bodiesIn = async (queueUrl: string) =>
    (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }))).Messages?.map(
      (message) => message.Body,
    ) ?? [];
  const anEvent = () => eventsForChange(null, aCall())[0]!;

  it('keeps an event (PutItem)', async () => {
    const event = anEvent();
    const lost = loseNext(table.proxy, 'DynamoDB_20120810.PutItem');
    await webhooks.saveEvent(table.accountId, event);
    expect(lost()).toBe(1);
    expect(await webhooks.getEvent(table.accountId, event.id)).toEqual(event);
  });

  it('queues a delivery (SendMessage); a second copy is the same message, which delivery recognises', async () => {
    const queueUrl = await newQueue();
    const message = {
      accountId: table.accountId,
      endpointId: `whe_${randomUUID()}`,
      event: anEvent(),
      attempt: 1,
      firstAttemptAt: new Date().toISOString(),
      chainId: randomUUID(),
      redelivery: false,
    };
    const lost = loseNext(moto, 'AmazonSQS.SendMessage');
    await new SqsDeliveryQueue(sqs, queueUrl, queueUrl).send(message, 0);
    expect(lost()).toBe(1);
    const bodies = await bodiesIn(queueUrl);
    expect(bodies.length).toBeGreaterThan(0);
    expect(new Set(bodies)).toEqual(new Set([JSON.stringify(message)]));
  });

  it('parks a record (SendMessage)', async () => {
    const queueUrl = await newQueue();
    const lost = loseNext(moto, 'AmazonSQS.SendMessage');
    await new SqsDeadLetterQueue(sqs, queueUrl).park('{"record":1}', { reason: 'permanent failure' });
    expect(lost()).toBe(1);
    expect(new Set(await bodiesIn(queueUrl))).toEqual(new Set(['{"record":1}']));
  });

  it('publishes events (PutEvents)', async () => {
    const busName = `no-retries-${randomUUID().slice(0, 8)}`;
    await events.send(new CreateEventBusCommand({ Name: busName }));
    const sentBefore = moto.requests().filter((request) => request.target === 'AWSEvents.PutEvents').length;
    const lost = loseNext(moto, 'AWSEvents.PutEvents');
    await new EventBridgeEventBus(events, busName).publish([{ accountId: table.accountId, event: anEvent() }]);
    expect(lost()).toBe(1);
    // The one try, then the one more send that was answered.
    expect(moto.requests().filter((request) => request.target === 'AWSEvents.PutEvents').length - sentBefore).toBe(2);
  });
});
