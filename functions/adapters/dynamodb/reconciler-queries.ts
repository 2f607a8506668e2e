import type { QueryCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StoredCall } from '#schemas/call';
import type { ReconcilerQueries } from '#ports/reconciler-queries';
import { fromCallItem } from './call-items.ts';
import { queryAll, type Item } from './query.ts';
import { RECONCILER_INDEX, watchdogShards } from './table-design.ts';

/** Unfinished calls, read from the shards of the reconciler's sparse index. */
export class DynamoDbReconcilerQueries implements ReconcilerQueries {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async listWatchdogDue(now: string, limit: number): Promise<StoredCall[]> {
    const perShard = await Promise.all(
      watchdogShards().map((shard) =>
        this.query(
          {
            KeyConditionExpression: '#pk = :pk AND #sk <= :now',
            ExpressionAttributeNames: { '#pk': RECONCILER_INDEX.partitionKey, '#sk': RECONCILER_INDEX.sortKey },
            ExpressionAttributeValues: { ':pk': shard, ':now': now },
          },
          limit,
        ),
      ),
    );
    return perShard
      .flat()
      .map(fromCallItem)
      .sort((a, b) => ((a.watchdogAt ?? '') < (b.watchdogAt ?? '') ? -1 : 1))
      .slice(0, limit);
  }

  async listUnfinished(): Promise<StoredCall[]> {
    const perShard = await Promise.all(
      watchdogShards().map((shard) =>
        this.query({
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': RECONCILER_INDEX.partitionKey },
          ExpressionAttributeValues: { ':pk': shard },
        }),
      ),
    );
    return perShard.flat().map(fromCallItem);
  }

  private query(input: Omit<QueryCommand['input'], 'TableName' | 'IndexName'>, atMost = Infinity): Promise<Item[]> {
    return queryAll(this.db, { ...input, TableName: this.tableName, IndexName: RECONCILER_INDEX.name }, atMost);
  }
}
