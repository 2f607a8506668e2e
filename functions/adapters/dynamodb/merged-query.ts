import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Item } from './query.ts';

/** DynamoDB returns at most this many items per Query page that we ask for. */
const QUERY_PAGE_LIMIT = 1000;

/**
 * Items asked of each partition per Query: its share of what is still wanted, with a quarter more
 * and two spare so that an uneven spread rarely needs a second Query. Over-reading is bounded by
 * this per partition.
 */
const chunkSize = (wanted: number, partitions: number) =>
  Math.min(QUERY_PAGE_LIMIT, Math.ceil((wanted * 1.25) / partitions) + 2);

interface Stream {
  input: QueryCommand['input'];
  buffer: Item[];
  startKey: Record<string, unknown> | undefined;
  done: boolean;
}

/**
 * Items `skip` to `skip + take` of several Queries merged into one order, the largest `sortKey`
 * first (the Queries must each run `ScanIndexForward: false` over the same sort key, whose values
 * are unique across them), and whether more follow.
 *
 * Each Query is read lazily, a chunk at a time (chunkSize), and only when its next item could be
 * the next in the merged order, so the items read are `skip + take + 1` plus at most one chunk per
 * Query; the Queries run in parallel, one round at a time.
 */
export async function queryMergedNewestFirst(
  db: DynamoDBDocumentClient,
  inputs: Array<QueryCommand['input']>,
  sortKey: string,
  skip: number,
  take: number,
): Promise<{ items: Item[]; hasMore: boolean }> {
  const wanted = skip + take + 1;
  const streams: Stream[] = inputs.map((input) => ({
    input,
    buffer: [],
    startKey: input.ExclusiveStartKey,
    done: false,
  }));
  const merged: Item[] = [];
  while (merged.length < wanted) {
    const dry = streams.filter((stream) => stream.buffer.length === 0 && !stream.done);
    const limit = chunkSize(wanted - merged.length, streams.length);
    await Promise.all(dry.map((stream) => fill(db, stream, limit)));
    let next: Stream | undefined;
    for (const stream of streams) {
      const head = stream.buffer[0];
      if (head && (!next || String(head[sortKey]) > String(next.buffer[0]?.[sortKey]))) next = stream;
    }
    const item = next?.buffer.shift();
    if (!item) break;
    merged.push(item);
  }
  return { items: merged.slice(skip, skip + take), hasMore: merged.length > skip + take };
}

async function fill(db: DynamoDBDocumentClient, stream: Stream, limit: number): Promise<void> {
  const page = await db.send(new QueryCommand({ ...stream.input, ExclusiveStartKey: stream.startKey, Limit: limit }));
  stream.buffer.push(...(page.Items ?? []));
  stream.startKey = page.LastEvaluatedKey;
  stream.done = !page.LastEvaluatedKey;
}
