import {
  GetCommand,
  PutCommand,
  type QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { slotChange } from '#domain/call-status-machine';
import { ConcurrentModificationError, SlotUnavailableError } from '#domain/errors';
import { StoredCallSchema, type StoredCall } from '#schemas/call';
import type {
  CallListQuery,
  CallPage,
  CallStore,
  CreateResult,
  IdempotencyRecord,
  SlotCounter,
} from '#ports/call-store';
import type { Clock } from '#ports/clock';
import { isConditionalCheckFailure, transactionCancellationCodes } from './client.ts';
import { queryAll, type Item } from './query.ts';
import {
  CALL_INDEXES,
  TABLE,
  WATCHDOG_INDEX,
  callIndexKeys,
  keys,
  watchdogShard,
  type CallIndexName,
} from './table-design.ts';

/** Idempotency records live a little over the promised 24 hours. */
const IDEMPOTENCY_TTL_SECONDS = 25 * 3600;

export class DynamoDbCallStore implements CallStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async create(call: StoredCall, idempotency?: IdempotencyRecord, attempt = 1): Promise<CreateResult> {
    const callPut = {
      TableName: this.tableName,
      Item: toItem(call),
      ConditionExpression: 'attribute_not_exists(pk)',
    };
    if (!idempotency) {
      await this.db.send(new PutCommand(callPut));
      return { created: true };
    }
    const nowEpoch = Math.floor(this.clock.now().getTime() / 1000);
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: callPut },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.idempotency(idempotency.accountId, idempotency.key),
                  ...idempotency,
                  [TABLE.ttlAttribute]: nowEpoch + IDEMPOTENCY_TTL_SECONDS,
                },
                // An expired record that TTL has not swept yet no longer counts.
                ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now',
                ExpressionAttributeNames: { '#ttl': TABLE.ttlAttribute },
                ExpressionAttributeValues: { ':now': nowEpoch },
              },
            },
          ],
        }),
      );
      return { created: true };
    } catch (error) {
      const codes = transactionCancellationCodes(error);
      // A concurrent twin of this request holds the record for a moment; look again shortly.
      if (codes?.includes('TransactionConflict') && attempt < 5) {
        await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
        return this.create(call, idempotency, attempt + 1);
      }
      if (codes?.[1] !== 'ConditionalCheckFailed') throw error;
      const existing = await this.db.send(
        new GetCommand({
          TableName: this.tableName,
          Key: keys.idempotency(idempotency.accountId, idempotency.key),
          ConsistentRead: true,
        }),
      );
      if (!existing.Item && attempt < 5) return this.create(call, idempotency, attempt + 1);
      if (!existing.Item) throw error;
      return { created: false, existing: existing.Item as IdempotencyRecord };
    }
  }

  async get(accountId: string, callId: string): Promise<StoredCall | null> {
    const call = await this.getById(callId);
    return call && call.accountId === accountId ? call : null;
  }

  async getById(callId: string): Promise<StoredCall | null> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.call(callId), ConsistentRead: true }),
    );
    return result.Item ? fromItem(result.Item) : null;
  }

  async list(query: CallListQuery): Promise<CallPage> {
    const { indexName, partitionValue } = chooseIndex(query);
    const index = CALL_INDEXES[indexName];
    const range = rangeCondition(query);
    const wanted = query.offset + query.limit + 1;
    const startKey = query.after
      ? {
          ...keys.call(query.after.id),
          [index.partitionKey]: partitionValue,
          [index.sortKey]: `${query.after.createdAt}#${query.after.id}`,
        }
      : undefined;
    const items = await this.query(
      {
        IndexName: indexName,
        KeyConditionExpression: `#pk = :pk${range.expression}`,
        ExpressionAttributeNames: { '#pk': index.partitionKey, ...(range.expression ? { '#sk': index.sortKey } : {}) },
        ExpressionAttributeValues: { ':pk': partitionValue, ...range.values },
        ScanIndexForward: false,
        ExclusiveStartKey: startKey,
      },
      wanted,
    );
    return {
      calls: items.slice(query.offset, query.offset + query.limit).map(fromItem),
      hasMore: items.length > query.offset + query.limit,
    };
  }

  async update(next: StoredCall, previous: StoredCall): Promise<StoredCall> {
    const written = { ...next, version: previous.version + 1 };
    const put = {
      TableName: this.tableName,
      Item: toItem(written),
      ConditionExpression: '#version = :version OR (attribute_not_exists(#version) AND :version = :zero)',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':version': previous.version, ':zero': 0 },
    };
    const slots = slotChange(previous.status, next.status);
    try {
      if (slots === 0) {
        await this.db.send(new PutCommand(put));
        return written;
      }
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: put },
            {
              Update: {
                TableName: this.tableName,
                Key: keys.account(next.accountId),
                // Every account that ever held a slot is listed for the reconciler's slot repair.
                UpdateExpression: 'ADD activeCalls :change SET #wk = :slots, #wa = :account',
                ...(slots > 0
                  ? { ConditionExpression: 'attribute_not_exists(activeCalls) OR activeCalls < concurrentCallLimit' }
                  : {}),
                ExpressionAttributeNames: { '#wk': WATCHDOG_INDEX.partitionKey, '#wa': WATCHDOG_INDEX.sortKey },
                ExpressionAttributeValues: {
                  ':change': slots,
                  ':slots': WATCHDOG_INDEX.slotCountersPartition,
                  ':account': next.accountId,
                },
              },
            },
          ],
        }),
      );
      return written;
    } catch (error) {
      const codes = transactionCancellationCodes(error);
      if (
        isConditionalCheckFailure(error) ||
        codes?.[0] === 'ConditionalCheckFailed' ||
        codes?.includes('TransactionConflict')
      ) {
        throw new ConcurrentModificationError('Call', next.id);
      }
      if (codes?.[1] === 'ConditionalCheckFailed') throw new SlotUnavailableError(next.accountId);
      throw error;
    }
  }

  async touchWatchdog(call: StoredCall, watchdogAt: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.call(call.id),
          UpdateExpression: 'SET #at = :at',
          ConditionExpression: '#version = :version',
          ExpressionAttributeNames: { '#at': WATCHDOG_INDEX.sortKey, '#version': 'version' },
          ExpressionAttributeValues: { ':at': watchdogAt, ':version': call.version },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
    }
  }

  async hasFreeSlot(accountId: string): Promise<boolean> {
    const result = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.account(accountId),
        ConsistentRead: true,
        ProjectionExpression: 'activeCalls, concurrentCallLimit',
      }),
    );
    const item = result.Item;
    return item !== undefined && Number(item.activeCalls ?? 0) < Number(item.concurrentCallLimit);
  }

  async listWatchdogDue(now: string, limit: number): Promise<StoredCall[]> {
    const perShard = await Promise.all(
      shards().map((shard) =>
        this.query(
          {
            IndexName: WATCHDOG_INDEX.name,
            KeyConditionExpression: '#pk = :pk AND #sk <= :now',
            ExpressionAttributeNames: { '#pk': WATCHDOG_INDEX.partitionKey, '#sk': WATCHDOG_INDEX.sortKey },
            ExpressionAttributeValues: { ':pk': shard, ':now': now },
          },
          limit,
        ),
      ),
    );
    return perShard
      .flat()
      .map(fromItem)
      .sort((a, b) => ((a.watchdogAt ?? '') < (b.watchdogAt ?? '') ? -1 : 1))
      .slice(0, limit);
  }

  async listUnfinished(): Promise<StoredCall[]> {
    const perShard = await Promise.all(
      shards().map((shard) =>
        this.query({
          IndexName: WATCHDOG_INDEX.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': WATCHDOG_INDEX.partitionKey },
          ExpressionAttributeValues: { ':pk': shard },
        }),
      ),
    );
    return perShard.flat().map(fromItem);
  }

  async listSlotCounters(): Promise<SlotCounter[]> {
    const items = await this.query({
      IndexName: WATCHDOG_INDEX.name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': WATCHDOG_INDEX.partitionKey },
      ExpressionAttributeValues: { ':pk': WATCHDOG_INDEX.slotCountersPartition },
    });
    return items.map((item) => ({ accountId: String(item.id), activeCalls: Number(item.activeCalls ?? 0) }));
  }

  async repairSlotCounter(accountId: string, expected: number, actual: number): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.account(accountId),
          UpdateExpression: 'SET activeCalls = :actual',
          ConditionExpression: 'activeCalls = :expected',
          ExpressionAttributeValues: { ':actual': actual, ':expected': expected },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  }

  private query(input: Omit<QueryCommand['input'], 'TableName'>, atMost = Infinity): Promise<Item[]> {
    return queryAll(this.db, { ...input, TableName: this.tableName }, atMost);
  }
}

const shards = () => Array.from({ length: WATCHDOG_INDEX.shards }, (_, i) => `WATCHDOG#${i}`);

function toItem(call: StoredCall): Item {
  return {
    ...keys.call(call.id),
    ...callIndexKeys(call),
    ...call,
    // Only unfinished calls are in the reconciler's index.
    ...(call.watchdogAt ? { [WATCHDOG_INDEX.partitionKey]: watchdogShard(call.id) } : { watchdogAt: undefined }),
  };
}

/** Drops the key attributes: the schema keeps only the call's own fields. */
function fromItem(item: Item): StoredCall {
  return StoredCallSchema.parse(item);
}

function chooseIndex(query: CallListQuery): { indexName: CallIndexName; partitionValue: string } {
  const probe = callIndexKeys({
    accountId: query.accountId,
    agentId: query.agentId ?? '',
    status: query.status ?? '',
    createdAt: '',
    id: '',
  });
  if (query.agentId && query.status) return { indexName: 'byAgentStatus', partitionValue: probe.agentStatusKey };
  if (query.agentId) return { indexName: 'byAgent', partitionValue: probe.agentKey };
  if (query.status) return { indexName: 'byStatus', partitionValue: probe.statusKey };
  return { indexName: 'byAccount', partitionValue: probe.accountKey };
}

/** createdKey is `createdAt#id`, so a bare timestamp sorts just before every call created in that second. */
function rangeCondition(query: CallListQuery): { expression: string; values: Record<string, string> } {
  const from = query.createdFrom;
  const before = query.createdBefore;
  if (from && before)
    return { expression: ' AND #sk BETWEEN :from AND :before', values: { ':from': from, ':before': before } };
  if (from) return { expression: ' AND #sk >= :from', values: { ':from': from } };
  if (before) return { expression: ' AND #sk < :before', values: { ':before': before } };
  return { expression: '', values: {} };
}
