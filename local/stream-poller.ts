import { randomUUID } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamFailureRecord } from '#schemas/stream-failure';
import { describeFailure } from '../functions/handlers/batch-failures.ts';
import { failureLog, type FailureLog } from './failure-log.ts';
import { lambdaContext } from './lambda-context.ts';

type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;

/** Records per invocation, as the CDK event source's batchSize. */
const BATCH_SIZE = 100;

/**
 * Pause between reads of the stream: the shortest while records flow, doubling on every read
 * that finds none up to the longest, back to the shortest as soon as one does. A write to
 * DynamoDB from this process (every function of the local stack runs in it) ends the pause at
 * once, so a call's change reaches the events function as fast as before; a write from another
 * process (`npm run admin`) within 3 seconds. At rest the stack reads each open shard 20 times a
 * minute (it was 300).
 */
export const STREAM_POLL_MS = { shortest: 200, longest: 3000 } as const;
/** DynamoDB operations that can add stream records (their X-Amz-Target). */
const DYNAMODB_WRITE = /^DynamoDB_20120810\.(PutItem|UpdateItem|DeleteItem|BatchWriteItem|TransactWriteItems)$/;
/** Node's channel for each HTTP response this process receives (https://nodejs.org/api/diagnostics_channel.html#http). */
const HTTP_RESPONSES = 'http.client.response.finish';
/** How often the list of shards is read again when none has ended (a shard that ends is noticed at once). */
const DESCRIBE_STREAM_EVERY_MS = 60_000;

interface Shard {
  iterator: string | undefined;
  /** Read from the stream and not yet done with, in order. */
  pending: _Record[];
  /** The batch size after bisecting; BATCH_SIZE again once a batch succeeds. */
  size: number;
  /** Failed invocations of a batch that can be split no further. */
  failures: number;
}

/**
 * Plays Lambda's DynamoDB Streams event source mapping against DynamoDB Local, with the error
 * handling the CDK stack configures (infra/constructs/customer-webhooks.ts, STREAM_EVENT_SOURCE;
 * https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html and
 * https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html): reads
 * every shard in order and invokes the handler with Lambda-shaped batches of up to 100 records.
 * - Filter: with `partitionKeyPrefix`, records of other items are dropped before batching.
 * - Partial batch response: the records before the first reported one are done; the batch is
 *   retried from it.
 * - A batch that fails from its first record (or throws) is bisected, which costs no retry,
 *   until it is one record; that record is then retried `retryAttempts` times (-1: until it
 *   succeeds, Lambda's default).
 * - Past its retries, the record's position goes to the on-failure destination, in Lambda's
 *   format, and the shard moves on: one bad record never stalls the others.
 */
export function startStreamPoller(options: {
  dynamodb: DynamoDBClient;
  tableName: string;
  handler: StreamHandler;
  functionName: string;
  /**
   * Where to begin: LATEST (the local stack: Lambda keeps its place across deployments, and this
   * poller has no place to keep, so it does not replay history at every start) or TRIM_HORIZON.
   */
  from: 'LATEST' | 'TRIM_HORIZON';
  bisectBatchOnError?: boolean;
  retryAttempts?: number;
  /**
   * The event source's filter: only records whose item's partition key `pk` begins with this reach
   * the handler; the others are dropped before batching, as Lambda's filter criteria drop them.
   * Without it every record is handed over.
   */
  partitionKeyPrefix?: string;
  /** The on-failure destination: an SQS queue. Without one, records past their retries are dropped, as Lambda does. */
  onFailure?: { sqs: SQSClient; queueUrl: string };
  /** Reports failures to read the stream; by default one line per streak. */
  failures?: FailureLog;
}): () => Promise<void> {
  const streams = new DynamoDBStreamsClient({});
  const { bisectBatchOnError = false, retryAttempts = -1, partitionKeyPrefix } = options;
  const wanted = (record: _Record) =>
    partitionKeyPrefix === undefined || (record.dynamodb?.Keys?.pk?.S ?? '').startsWith(partitionKeyPrefix);
  let running = true;
  /** Ends the pause between reads early: the poller stops, or this process wrote to DynamoDB. */
  let wake = () => {};
  let written = false;
  const onResponse = (message: unknown) => {
    const target = (message as { request: ClientRequest }).request.getHeader('x-amz-target');
    if (typeof target === 'string' && DYNAMODB_WRITE.test(target)) {
      written = true;
      wake();
    }
  };
  subscribe(HTTP_RESPONSES, onResponse);
  const shards = new Map<string, Shard>();
  const failures = options.failures ?? failureLog('Reading the table stream');

  /** Lambda's on-failure record for a batch given up on. */
  const giveUp = async (streamArn: string, shardId: string, batch: _Record[], invocations: number) => {
    const first = batch[0]?.dynamodb;
    const last = batch.at(-1)?.dynamodb;
    const record: StreamFailureRecord = {
      requestContext: {
        requestId: randomUUID(),
        functionArn: lambdaContext(options.functionName).invokedFunctionArn,
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: invocations,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: new Date().toISOString(),
      DDBStreamBatchInfo: {
        shardId,
        startSequenceNumber: first?.SequenceNumber ?? '',
        endSequenceNumber: last?.SequenceNumber ?? '',
        approximateArrivalOfFirstRecord: first?.ApproximateCreationDateTime?.toISOString(),
        approximateArrivalOfLastRecord: last?.ApproximateCreationDateTime?.toISOString(),
        batchSize: batch.length,
        streamArn,
      },
    };
    if (options.onFailure)
      await options.onFailure.sqs.send(
        new SendMessageCommand({ QueueUrl: options.onFailure.queueUrl, MessageBody: JSON.stringify(record) }),
      );
    console.error(
      `${options.functionName}: gave up on stream records ${record.DDBStreamBatchInfo.startSequenceNumber}…${record.DDBStreamBatchInfo.endSequenceNumber} after ${invocations} invocations`,
    );
  };

  /** Invokes the handler with the shard's next batch and moves the shard on as Lambda would. */
  const invoke = async (streamArn: string, shardId: string, shard: Shard) => {
    const batch = shard.pending.slice(0, shard.size);
    const event = {
      Records: batch.map((record) => ({ ...restoreEmptyMaps(record), eventSourceARN: streamArn })),
    } as unknown as DynamoDBStreamEvent;
    const result = await options.handler(event, lambdaContext(options.functionName)).catch((error: unknown) => {
      console.error(`${options.functionName} failed`, describeFailure(error));
      return null;
    });
    const failed = result?.batchItemFailures?.[0]?.itemIdentifier;
    const from = !result
      ? -1
      : failed === undefined
        ? batch.length
        : batch.findIndex((record) => record.dynamodb?.SequenceNumber === failed);
    if (from > 0) {
      // Progress: what came before the failed record is done; a success resets the batch size.
      shard.pending = shard.pending.slice(from);
      shard.failures = 0;
      if (from === batch.length) shard.size = BATCH_SIZE;
      return;
    }
    // No progress (a thrown error, an unknown identifier, or the first record failed).
    if (bisectBatchOnError && batch.length > 1) {
      shard.size = Math.ceil(batch.length / 2);
      return;
    }
    shard.failures += 1;
    if (retryAttempts < 0 || shard.failures <= retryAttempts) return;
    await giveUp(streamArn, shardId, batch, shard.failures);
    shard.pending = shard.pending.slice(batch.length);
    shard.failures = 0;
    shard.size = BATCH_SIZE;
  };

  const loop = (async () => {
    const table = await options.dynamodb.send(new DescribeTableCommand({ TableName: options.tableName }));
    const streamArn = table.Table?.LatestStreamArn as string;
    // Where to begin applies to the shards there at start; a shard that opens later is read from
    // its beginning, as Lambda reads child shards, so none of its records is skipped.
    let firstLook = true;
    let shardIds: string[] = [];
    let describedAt = Number.NEGATIVE_INFINITY;
    let pauseMs: number = STREAM_POLL_MS.shortest;
    while (running) {
      let sawRecords = false;
      try {
        // The shard list changes rarely (DynamoDB rolls shards over every few hours): read it at
        // start, every minute, and as soon as a shard ends (its child opens then); and on every
        // look while it has none (a new table's stream may have no shard until its first write).
        if (shardIds.length === 0 || Date.now() - describedAt >= DESCRIBE_STREAM_EVERY_MS) {
          const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
          describedAt = Date.now();
          shardIds = (StreamDescription?.Shards ?? []).map((shard) => shard.ShardId as string);
          for (const known of shards.keys()) if (!shardIds.includes(known)) shards.delete(known);
        }
        const from = firstLook ? options.from : 'TRIM_HORIZON';
        firstLook = false;
        for (const shardId of shardIds) {
          let shard = shards.get(shardId);
          if (!shard) {
            const { ShardIterator } = await streams.send(
              new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: from }),
            );
            shard = { iterator: ShardIterator, pending: [], size: BATCH_SIZE, failures: 0 };
            shards.set(shardId, shard);
          }
          if (shard.pending.length === 0 && shard.iterator) {
            const page = await streams.send(
              new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: BATCH_SIZE }),
            );
            shard.iterator = page.NextShardIterator;
            shard.pending = (page.Records ?? []).filter(wanted);
            // A page the filter emptied is still progress: read on at once, not after a pause.
            if ((page.Records ?? []).length > 0) sawRecords = true;
            if (!shard.iterator) describedAt = Number.NEGATIVE_INFINITY;
          }
          if (shard.pending.length > 0) {
            sawRecords = true;
            await invoke(streamArn, shardId, shard);
          }
        }
        failures.succeeded();
      } catch (error) {
        if (running) failures.failed(error);
      }
      pauseMs = sawRecords || written ? STREAM_POLL_MS.shortest : Math.min(pauseMs * 2, STREAM_POLL_MS.longest);
      written = false;
      if (!running) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pauseMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();
  return async () => {
    running = false;
    unsubscribe(HTTP_RESPONSES, onResponse);
    wake();
    await loop;
  };
}

type Image = Record<string, unknown> | undefined;

/**
 * The Streams client reads an empty map attribute (`{"M": {}}` on the wire) back as `{}`; Lambda's
 * events carry the wire form, so the poller puts it back (a call's empty `metadata`, say).
 */
function restoreEmptyMaps(record: _Record): _Record {
  const value = (attribute: unknown): unknown => {
    if (attribute === null || typeof attribute !== 'object') return attribute;
    const v = attribute as { M?: Record<string, unknown>; L?: unknown[] };
    if (Object.keys(v).length === 0) return { M: {} };
    if (v.M) return { M: image(v.M) };
    if (v.L) return { L: v.L.map(value) };
    return v;
  };
  const image = (attributes: Image) =>
    attributes && Object.fromEntries(Object.entries(attributes).map(([name, attribute]) => [name, value(attribute)]));
  const dynamodb = record.dynamodb;
  return dynamodb
    ? {
        ...record,
        dynamodb: {
          ...dynamodb,
          NewImage: image(dynamodb.NewImage as Image),
          OldImage: image(dynamodb.OldImage as Image),
        } as typeof dynamodb,
      }
    : record;
}
