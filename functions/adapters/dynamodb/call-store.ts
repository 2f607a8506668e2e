import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConcurrentModificationError } from '#domain/errors';
import { StoredCallSchema, type CallStatus, type StoredCall } from '#schemas/call';
import type { CallListQuery, CallPage, CallStore, CreateResult, IdempotencyRecord } from '#ports/call-store';
import type { Clock } from '#ports/clock';
import { isConditionalCheckFailure, transactionCancellationCodes } from './client.ts';
import { CALL_INDEXES, TABLE, callIndexKeys, keys, type CallIndexName } from './table-design.ts';

/** Idempotency records live a little over the promised 24 hours. */
const IDEMPOTENCY_TTL_SECONDS = 25 * 3600;
/** DynamoDB returns at most this many items per Query page that we ask for. */
const QUERY_PAGE_LIMIT = 1000;

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
    const result = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.call(callId), ConsistentRead: true }),
    );
    if (!result.Item || result.Item.accountId !== accountId) return null;
    return fromItem(result.Item);
  }

  async list(query: CallListQuery): Promise<CallPage> {
    const { indexName, partitionValue } = chooseIndex(query);
    const index = CALL_INDEXES[indexName];
    const range = rangeCondition(query);
    const wanted = query.offset + query.limit + 1;
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined = query.after
      ? {
          ...keys.call(query.after.id),
          [index.partitionKey]: partitionValue,
          [index.sortKey]: `${query.after.createdAt}#${query.after.id}`,
        }
      : undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: indexName,
          KeyConditionExpression: `#pk = :pk${range.expression}`,
          ExpressionAttributeNames: { '#pk': index.partitionKey, ...(range.expression ? { '#sk': index.sortKey } : {}) },
          ExpressionAttributeValues: { ':pk': partitionValue, ...range.values },
          ScanIndexForward: false,
          Limit: Math.min(wanted - items.length, QUERY_PAGE_LIMIT),
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey && items.length < wanted);
    return {
      calls: items.slice(query.offset, query.offset + query.limit).map(fromItem),
      hasMore: items.length > query.offset + query.limit,
    };
  }

  async update(call: StoredCall, expectedStatus: CallStatus): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(call),
          ConditionExpression: '#status = :expected',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':expected': expectedStatus },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailure(error)) throw new ConcurrentModificationError('Call', call.id);
      throw error;
    }
  }
}

function toItem(call: StoredCall): Record<string, unknown> {
  return { ...keys.call(call.id), ...callIndexKeys(call), ...call };
}

/** Drops the key attributes: the schema keeps only the call's own fields. */
function fromItem(item: Record<string, unknown>): StoredCall {
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
  if (from && before) return { expression: ' AND #sk BETWEEN :from AND :before', values: { ':from': from, ':before': before } };
  if (from) return { expression: ' AND #sk >= :from', values: { ':from': from } };
  if (before) return { expression: ' AND #sk < :before', values: { ':before': before } };
  return { expression: '', values: {} };
}
