import { unmarshall } from '@aws-sdk/util-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { awsClientOptions } from '#adapters/aws-client-options';
import { EventBridgeEventBus } from '#adapters/eventbridge/event-bus';
import { SqsDeadLetterQueue } from '#adapters/sqs/dead-letter-queue';
import { StoredCallSchema, type StoredCall } from '#schemas/call';
import { EventBusEnvSchema, StreamFailureEnvSchema, parseEnv } from '#schemas/env';
import type { ParkedStreamRecord } from '#schemas/stream-failure';
import type { WebhookEvent } from '#schemas/webhooks';
import { campaignCompletedEvent } from '#domain/webhook-events';
import {
  endpointCache,
  eventsOfChange,
  produceAccountEvents,
  produceEvents,
  publishEvents,
  type CallChange,
} from '#use-cases/produce-events';
import { countCampaignChange } from '#use-cases/campaign-counts';
import { inLanes } from '#use-cases/in-lanes';
import { inPublishOrder } from '#use-cases/publish-order';
import { poisonParked } from '#use-cases/business-metrics';
import { describeFailure, isPermanentFailure } from './batch-failures.ts';
import { logger } from './logger.ts';
import { traced } from './tracing.ts';
import { streamBatchHandler } from './middleware/bundles.ts';
import { sqsClient } from './composition/clients.ts';
import { clock } from './composition/table.ts';
import { deliveryQueue, endpointCacheMs, webhooks } from './composition/webhooks.ts';
import { campaignCountDeps } from './composition/campaign-counts.ts';
import { metrics } from './composition/observability.ts';

const { EVENT_BUS_NAME } = parseEnv(EventBusEnvSchema, process.env);
const { STREAM_FAILURE_QUEUE_URL } = parseEnv(StreamFailureEnvSchema, process.env);
const deps = {
  webhooks,
  queue: deliveryQueue,
  bus: new EventBridgeEventBus(traced(new EventBridgeClient(awsClientOptions(process.env))), EVENT_BUS_NAME),
  clock,
};
const failureQueue = new SqsDeadLetterQueue(sqsClient, STREAM_FAILURE_QUEUE_URL);
/**
 * Accounts with endpoints are looked up once per batch; "this account has none" is remembered for
 * WEBHOOK_ENDPOINT_CACHE_SECONDS, for the events of changes made within that time of the lookup
 * (a new endpoint's activeAt waits for it: domain/webhook-activation.ts).
 */
const endpoints = endpointCache((accountId) => webhooks.listEndpoints(accountId), clock, endpointCacheMs);

const asCall = (image: Record<string, AttributeValue> | undefined): StoredCall | null => {
  if (!image) return null;
  const item = unmarshall(image);
  return typeof item.pk === 'string' && item.pk.startsWith('CALL#') ? StoredCallSchema.parse(item) : null;
};

/**
 * The write a record describes and the events it makes, or null if it is not about a call. All of
 * it depends on the record alone, so whatever it throws, retrying could never fix.
 */
function readChange(record: DynamoDBRecord): { change: CallChange; events: WebhookEvent[] } | null {
  const after = asCall(record.dynamodb?.NewImage as Record<string, AttributeValue> | undefined);
  if (!after) return null;
  const change = { before: asCall(record.dynamodb?.OldImage as Record<string, AttributeValue> | undefined), after };
  return { change, events: eventsOfChange(change) };
}

/** Puts where a record is, its key and why in the failure queue; false if that failed too. */
async function park(record: DynamoDBRecord, error: unknown, context: Context | undefined): Promise<boolean> {
  const failure = describeFailure(error);
  const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
  const keys = record.dynamodb?.Keys;
  const parked: ParkedStreamRecord = {
    requestContext: {
      requestId: context?.awsRequestId ?? '',
      functionArn: context?.invokedFunctionArn ?? '',
      condition: 'PermanentFailure',
    },
    version: '1.0',
    timestamp: new Date().toISOString(),
    failure,
    eventID: typeof record.eventID === 'string' ? record.eventID : undefined,
    eventName: typeof record.eventName === 'string' ? record.eventName : undefined,
    // A real key is at most a few KB; a hostile record's "key" is left out rather than copied.
    keys: keys && JSON.stringify(keys).length <= 4096 ? keys : undefined,
    DDBStreamBatchInfo: {
      startSequenceNumber: sequenceNumber,
      endSequenceNumber: sequenceNumber,
      batchSize: 1,
      streamArn: record.eventSourceARN ?? '',
    },
  };
  try {
    await failureQueue.park(JSON.stringify(parked), { reason: 'permanent failure', ...failure, sequenceNumber });
    metrics.record(poisonParked('table stream'));
    logger.error('Parked a stream record that can never become events', {
      sequenceNumber,
      eventID: record.eventID,
      ...failure,
    });
    return true;
  } catch (parkError) {
    logger.error('Could not park a stream record; the stream will deliver it again', {
      sequenceNumber,
      ...failure,
      parkError: describeFailure(parkError),
    });
    return false;
  }
}

/** A record whose events are made and handed to endpoints, and wait to be published to the bus. */
interface Unpublished {
  index: number;
  record: DynamoDBRecord;
  accountId: string;
  callId: string;
  events: WebhookEvent[];
}

/**
 * Records of this many calls are handled at once (each call's records in their order). Each
 * record costs a few round trips (its campaign's counts, each event kept and queued), so one at
 * a time a batch of a campaign's calls takes seconds even when every round trip is quick: with 8,
 * a 1,000-contact campaign's webhooks ran 30-60 s less behind locally. (It was held at 1 while a
 * parked completing record was unexplained; the cause was writes of this function that were not
 * settled once the AWS SDK's retry quota was spent, which happened at 1 too, and they are settled
 * now: send-settled.ts.)
 */
export const CALLS_AT_ONCE = 8;

/**
 * The table's stream: every write of a call becomes its events (a transactional outbox: a status
 * written is an event produced). Each call's records are handled in their order, the records of
 * different calls side by side (CALLS_AT_ONCE; in-lanes.ts); the events of the whole batch go to
 * the event bus together at the end, in the records' order (ten to a PutEvents request), and an
 * account without webhook endpoints costs nothing more (produce-events.ts). A record that can
 * never become events (it cannot be read, its events cannot be made, or DynamoDB, SQS or
 * EventBridge refuse them: batch-failures.ts) is parked in the failure queue and the batch goes
 * on; any other failure is reported back with everything after it (partial batch response), and
 * Lambda retries from there, bisecting, then gives the record to the same queue
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html). Records
 * after the failure that other calls' lanes had handled already are handled again then, which
 * changes nothing: event ids are stable, delivery recognises a repeat, and a campaign counts each
 * call version once.
 * Log lines carry the invocation's context (streamBatchHandler), ids and masked failures, never a
 * phone number or metadata.
 */
async function produceFromBatch(event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> {
  const lookup = endpoints.batch();
  const unpublished: Unpublished[] = [];
  const retryFrom = (record: DynamoDBRecord) => ({
    batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }],
  });
  /** Publishes what waits, in the records' order; null when done, or the answer that makes Lambda retry from the first record not done. */
  const publish = async (): Promise<DynamoDBBatchResponse | null> => {
    const waiting = inPublishOrder(unpublished.splice(0));
    if (waiting.length === 0) return null;
    try {
      await publishEvents(deps, waiting);
      return null;
    } catch {
      // Find the record at fault: one record at a time (a repeat on the bus is harmless: stable ids).
    }
    for (const [position, item] of waiting.entries()) {
      try {
        await publishEvents(deps, [item]);
      } catch (error) {
        if (isPermanentFailure(error) && (await park(item.record, error, context))) continue;
        logger.error('Publishing events failed; the stream will deliver the record again', {
          callId: item.callId,
          ...describeFailure(error),
        });
        // From the earliest record with events not yet on the bus (a completion comes last but
        // may belong to an earlier record).
        const notPublished = waiting.slice(position).reduce((a, b) => (b.index < a.index ? b : a));
        return retryFrom(notPublished.record);
      }
    }
    return null;
  };
  const turns = new Map<string, Promise<unknown>>();
  /** Runs `work` once the campaign's earlier counts of this batch are done (at once without a campaign). */
  const campaignTurn = <T>(campaignId: string | undefined, work: () => Promise<T>): Promise<T> => {
    if (campaignId === undefined) return work();
    const turn = (turns.get(campaignId) ?? Promise.resolve()).then(work, work);
    turns.set(
      campaignId,
      turn.catch(() => undefined),
    );
    return turn;
  };
  // Each record read first (it depends on the record alone): a call's records share its lane.
  const reads = event.Records.map((record) => {
    try {
      return { read: readChange(record) };
    } catch (error) {
      return { error };
    }
  });
  /** Handles one record; false if it failed and the stream must deliver it again. */
  const handle = async (record: DynamoDBRecord, index: number): Promise<boolean> => {
    const outcome = reads[index] as (typeof reads)[number];
    if ('error' in outcome) return park(record, outcome.error, context);
    if (!outcome.read) return true;
    const { change, events } = outcome.read;
    try {
      let produced = await produceEvents(deps, change, lookup.endpointsOf, events);
      // A campaign call's change also moves its campaign's counts (once per call version); the
      // change that ends its last call completes it: CampaignCompleted, the same way as call events.
      // One count of a campaign at a time (campaignTurn): the lanes would otherwise write its one
      // item at once, and lose to each other's transactions.
      await campaignTurn(change.after.campaignId, () =>
        countCampaignChange(
          {
            ...campaignCountDeps,
            onCompleted: async (campaign) => {
              await campaignCountDeps.onCompleted(campaign);
              const completion = await produceAccountEvents(deps, campaign.accountId, lookup.endpointsOf, [
                campaignCompletedEvent(campaign),
              ]);
              // Same account as the call: on the bus after the batch's other events (inPublishOrder).
              produced = [...produced, ...completion];
            },
          },
          change,
        ),
      );
      if (produced.length > 0) {
        unpublished.push({
          index,
          record,
          accountId: change.after.accountId,
          callId: change.after.id,
          events: produced,
        });
        logger.info('Events produced', { callId: change.after.id, events: produced.map((e) => e.type) });
      }
      return true;
    } catch (error) {
      if (isPermanentFailure(error) && (await park(record, error, context))) return true;
      lookup.forget(change.after.accountId);
      logger.error('Producing events failed; the stream will deliver the record again', {
        callId: change.after.id,
        ...describeFailure(error),
      });
      return false;
    }
  };
  const laneOf = (_record: DynamoDBRecord, index: number) => {
    const outcome = reads[index];
    return outcome && 'read' in outcome && outcome.read ? `call ${outcome.read.change.after.id}` : `record ${index}`;
  };
  const failedAt = await inLanes(event.Records, laneOf, CALLS_AT_ONCE, handle);
  if (failedAt === null) return (await publish()) ?? { batchItemFailures: [] };
  // What came before the failed record is done: its events are published; the rest comes again.
  const done = unpublished.splice(0).filter((item) => item.index < failedAt);
  unpublished.push(...done);
  return (await publish()) ?? retryFrom(event.Records[failedAt] as DynamoDBRecord);
}

/**
 * The longest the function waits, in milliseconds, before it hands a failure back to the stream
 * (never closer to its deadline than PAUSE_MARGIN_MS). Lambda retries a failed batch at once, so
 * without a pause the record's retries (MaximumRetryAttempts, 10: STREAM_EVENT_SOURCE) are spent
 * within seconds against a dependency that is away for a few seconds, or against the AWS SDK's
 * retry quota after many requests failed at once (a client that has spent it retries nothing until
 * requests succeed again: "Retry behavior", https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html),
 * and the record is parked for nothing. With the pause they span half a minute or more.
 */
export const FAILURE_PAUSE_MS = 3_000;
const PAUSE_MARGIN_MS = 5_000;

/** produceFromBatch, pausing before it reports a failure (FAILURE_PAUSE_MS). */
async function produceWithPauseOnFailure(event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> {
  const answer = await produceFromBatch(event, context);
  if (answer.batchItemFailures.length > 0) {
    const pauseMs = Math.min(FAILURE_PAUSE_MS, (context.getRemainingTimeInMillis?.() ?? 0) - PAUSE_MARGIN_MS);
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  return answer;
}

export const handler = streamBatchHandler(produceWithPauseOnFailure);
