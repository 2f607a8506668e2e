import type { QueryCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StoredCall } from '#schemas/call';
import type { ReconcilerQueries } from '#ports/reconciler-queries';
import { fromCallItem } from './call-items.ts';
import { queryAll, readableItems, type Item, type OnUnreadableItem } from './query.ts';
import { RECONCILER_INDEX, watchdogShards } from './table-design.ts';

/**
 * Unfinished calls, read from the shards of the reconciler's sparse index. An item that is not a
 * readable call is skipped and reported (`onUnreadable`), so that it cannot stop every run.
 */
export class DynamoDbReconcilerQueries implements ReconcilerQueries {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly onUnreadable: OnUnreadableItem = () => undefined,
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
    return readableItems(perShard.flat(), fromCallItem, this.onUnreadable)
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
    return readableItems(perShard.flat(), fromCallItem, this.onUnreadable);
  }

  private query(input: Omit<QueryCommand['input'], 'TableName' | 'IndexName'>, atMost = Infinity): Promise<Item[]> {
    return queryAll(this.db, { ...input, TableName: this.tableName, IndexName: RECONCILER_INDEX.name }, atMost);
  }
}
