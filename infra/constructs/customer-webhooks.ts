import { Duration, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { encryptedQueue } from './encrypted-queue.ts';
import type { Binding } from './service-function.ts';

/**
 * The stream event source's error handling and filter, shared with the local stream poller. Only
 * records of items whose partition key `pk` begins with `partitionKeyPrefix` (the calls) reach the
 * events function: Lambda drops the others before batching, at no cost to the function
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-ddb-filtering.html).
 */
export const STREAM_EVENT_SOURCE = {
  bisectBatchOnError: true,
  retryAttempts: 10,
  partitionKeyPrefix: 'CALL#',
} as const;

export interface CustomerWebhooksProps {
  /** The delivery function's timeout: the delivery queue hides a message six times as long. */
  deliveryTimeout: Duration;
}

/**
 * How long the events function remembers that an account has no webhook endpoint: a Query saved
 * per stream batch for such accounts, and the wait before a new endpoint's activeAt
 * (docs/webhooks.md, "When a new endpoint starts receiving events").
 */
export const ENDPOINT_CACHE = Duration.seconds(60);
export type EndpointCacheEnvironment = { WEBHOOK_ENDPOINT_CACHE_SECONDS: string };

export type DeliveryEnvironment = { DELIVERY_QUEUE_URL: string; DELIVERY_DLQ_URL: string };
export type EventBusEnvironment = { EVENT_BUS_NAME: string; STREAM_FAILURE_QUEUE_URL: string };

/**
 * Customer webhooks (docs/webhooks.md): the table's stream feeds the events function; events go to
 * an EventBridge bus and, per endpoint, to the SQS delivery queue; the delivery function parks
 * events it gave up on in a dead-letter queue. Stream records that keep failing land in a queue
 * of their own.
 */
export class CustomerWebhooks extends Construct {
  readonly deliveryQueue: sqs.Queue;
  /** Events given up on after the retry window (the delivery function parks them here itself). */
  readonly deliveryDeadLetterQueue: sqs.Queue;
  /** Stream batches the events function failed on after every retry (their positions, for replay). */
  readonly streamFailureQueue: sqs.Queue;
  readonly bus: events.EventBus;

  constructor(scope: Construct, id: string, props: CustomerWebhooksProps) {
    super(scope, id);

    this.deliveryDeadLetterQueue = encryptedQueue(this, 'DeliveryDeadLetterQueue', {
      retentionPeriod: Duration.days(14),
    });
    this.deliveryQueue = encryptedQueue(this, 'DeliveryQueue', {
      visibilityTimeout: Duration.seconds(props.deliveryTimeout.toSeconds() * 6),
      // Failing endpoints are retried by the function itself with delays; this catches crashes.
      deadLetterQueue: { queue: this.deliveryDeadLetterQueue, maxReceiveCount: 5 },
    });
    this.streamFailureQueue = encryptedQueue(this, 'StreamFailureQueue', { retentionPeriod: Duration.days(14) });
    for (const queue of [this.deliveryDeadLetterQueue, this.streamFailureQueue]) {
      Validations.of(queue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is itself a dead-letter destination (parked webhook events, failed stream batches).',
      });
    }
    this.bus = new events.EventBus(this, 'Bus', {
      description: 'Outbound call events for AWS-native consumers (docs/webhooks.md)',
    });
  }

  get environment(): DeliveryEnvironment {
    return { DELIVERY_QUEUE_URL: this.deliveryQueue.queueUrl, DELIVERY_DLQ_URL: this.deliveryDeadLetterQueue.queueUrl };
  }

  /**
   * The endpoint cache's time, for the events function (which remembers) and the endpoints API
   * (which sets activeAt after it): both must have the same.
   */
  get endpointCacheEnvironment(): EndpointCacheEnvironment {
    return { WEBHOOK_ENDPOINT_CACHE_SECONDS: String(ENDPOINT_CACHE.toSeconds()) };
  }

  /** Putting deliveries on the queue (and parking the ones given up on). */
  get enqueueDeliveries(): Binding<DeliveryEnvironment> {
    return {
      environment: this.environment,
      grant: (fn) => {
        this.deliveryQueue.grantSendMessages(fn);
        this.deliveryDeadLetterQueue.grantSendMessages(fn);
      },
    };
  }

  /**
   * What the events function puts out: events on the bus, and stream records it can never turn
   * into events, parked by itself in the stream's failure queue (where Lambda also puts records
   * past their retries).
   */
  get publishEvents(): Binding<EventBusEnvironment> {
    return {
      environment: {
        EVENT_BUS_NAME: this.bus.eventBusName,
        STREAM_FAILURE_QUEUE_URL: this.streamFailureQueue.queueUrl,
      },
      grant: (fn) => {
        this.bus.grantPutEventsTo(fn);
        this.streamFailureQueue.grantSendMessages(fn);
      },
    };
  }

  /**
   * The events function reads the table's stream: only call items, in order, reporting the first
   * failed record (partial batch response). A record it can never process it parks itself and
   * goes on; one that keeps failing otherwise (throttling, an outage) is retried, with the batch
   * bisected down to it, ten times, then Lambda puts its position in the failure queue (on-failure
   * destination) and the shard moves on: one bad record holds up the rest for minutes, never for
   * the stream's 24 hours
   * (https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html).
   * local/stream-poller.ts plays the same settings (STREAM_EVENT_SOURCE).
   */
  produceFrom(table: dynamodb.ITable, eventsFunction: lambda.Function): void {
    eventsFunction.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        bisectBatchOnError: STREAM_EVENT_SOURCE.bisectBatchOnError,
        reportBatchItemFailures: true,
        retryAttempts: STREAM_EVENT_SOURCE.retryAttempts,
        onFailure: new SqsDlq(this.streamFailureQueue),
        filters: [
          lambda.FilterCriteria.filter({
            dynamodb: { Keys: { pk: { S: lambda.FilterRule.beginsWith(STREAM_EVENT_SOURCE.partitionKeyPrefix) } } },
          }),
        ],
      }),
    );
  }

  /**
   * The delivery function reads the delivery queue, at most `maxConcurrency` instances at once,
   * reporting which messages of a batch failed (partial batch response).
   */
  deliverWith(deliveryFunction: lambda.Function, maxConcurrency: number): void {
    deliveryFunction.addEventSource(
      new SqsEventSource(this.deliveryQueue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency }),
    );
  }
}
