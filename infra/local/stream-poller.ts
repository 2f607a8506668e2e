import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record } from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { lambdaContext } from './lambda-context.ts';

type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;

/**
 * Plays Lambda's DynamoDB Streams event source against DynamoDB Local: reads every shard in
 * order and invokes the handler with Lambda-shaped batches. On a partial batch
 * failure it retries from the failed record, as Lambda does with ReportBatchItemFailures.
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
}): () => Promise<void> {
  const streams = new DynamoDBStreamsClient({});
  let running = true;
  const iterators = new Map<string, string | undefined>();
  const pending = new Map<string, _Record[]>();

  const loop = (async () => {
    const table = await options.dynamodb.send(new DescribeTableCommand({ TableName: options.tableName }));
    const streamArn = table.Table?.LatestStreamArn as string;
    while (running) {
      try {
        const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
        for (const shard of StreamDescription?.Shards ?? []) {
          const shardId = shard.ShardId as string;
          if (!iterators.has(shardId)) {
            const { ShardIterator } = await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: options.from }));
            iterators.set(shardId, ShardIterator);
          }
          const iterator = iterators.get(shardId);
          let records = pending.get(shardId) ?? [];
          if (records.length === 0 && iterator) {
            const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
            iterators.set(shardId, page.NextShardIterator);
            records = page.Records ?? [];
          }
          if (records.length === 0) continue;
          const event = { Records: records.map((record) => ({ ...restoreEmptyMaps(record), eventSourceARN: streamArn })) } as unknown as DynamoDBStreamEvent;
          const result = await options.handler(event, lambdaContext(options.functionName)).catch((error: unknown) => {
            console.error(`${options.functionName} failed; retrying the batch`, error);
            return { batchItemFailures: [{ itemIdentifier: records[0]?.dynamodb?.SequenceNumber ?? '' }] };
          });
          const failed = result.batchItemFailures[0]?.itemIdentifier;
          const from = failed ? records.findIndex((record) => record.dynamodb?.SequenceNumber === failed) : -1;
          pending.set(shardId, from >= 0 ? records.slice(from) : []);
        }
      } catch (error) {
        if (running) console.error('Reading the table stream failed; retrying', error);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  return async () => {
    running = false;
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
  const image = (attributes: Image) => attributes && Object.fromEntries(Object.entries(attributes).map(([name, attribute]) => [name, value(attribute)]));
  const dynamodb = record.dynamodb;
  return dynamodb ? { ...record, dynamodb: { ...dynamodb, NewImage: image(dynamodb.NewImage as Image), OldImage: image(dynamodb.OldImage as Image) } as typeof dynamodb } : record;
}
