import {
  GetCommand,
  PutCommand,
  type QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { CampaignGateClosedError } from '#domain/campaign';
import { slotChange } from '#domain/call-status-machine';
import { ConcurrentModificationError, SlotUnavailableError } from '#domain/errors';
import type { StoredCall } from '#schemas/call';
import type { CallListQuery, CallPage, CallRepository, CreateResult, IdempotencyRecord } from '#ports/call-repository';
import type { Clock } from '#ports/clock';
import { fromCallItem, toCallItem } from './call-items.ts';
import { isConditionalCheckFailure, transactionCancellationCodes } from './client.ts';
import { queryAll, type Item } from './query.ts';
import { campaignGateUpdate } from './campaign-store.ts';
import { slotCounterUpdate } from './slot-counters.ts';
import {
  CALL_INDEXES,
  TABLE,
  RECONCILER_INDEX,
  callIndexKeys,
  campaignIndexKeys,
  keys,
  type CallIndexName,
} from './table-design.ts';

/** Idempotency records live a little over the promised 24 hours. */
const IDEMPOTENCY_TTL_SECONDS = 25 * 3600;

/**
 * Calls in the single table (`CALL#<id>`), with their list-index keys and, while unfinished, their
 * watchdog shard. Status changes that take or give back a telephony slot write the account's slot
 * counter in the same transaction (see CallRepository.update).
 */
export class DynamoDbCallRepository implements CallRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async create(call: StoredCall, idempotency?: IdempotencyRecord, attempt = 1): Promise<CreateResult> {
    const callPut = {
      TableName: this.tableName,
      Item: toCallItem(call),
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
    return result.Item ? fromCallItem(result.Item) : null;
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
      calls: items.slice(query.offset, query.offset + query.limit).map(fromCallItem),
      hasMore: items.length > query.offset + query.limit,
    };
  }

  async update(next: StoredCall, previous: StoredCall): Promise<StoredCall> {
    const written = { ...next, version: previous.version + 1 };
    const put = {
      TableName: this.tableName,
      Item: toCallItem(written),
      ConditionExpression: '#version = :version OR (attribute_not_exists(#version) AND :version = :zero)',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':version': previous.version, ':zero': 0 },
    };
    const slots = slotChange(previous.status, next.status);
    const campaignGate = previous.status === 'queued' && next.status === 'initiating' ? next.campaignId : undefined;
    try {
      if (slots === 0) {
        await this.db.send(new PutCommand(put));
        return written;
      }
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: put },
            // The second item: its condition failing is what SlotUnavailableError reports below.
            { Update: slotCounterUpdate(this.tableName, next.accountId, slots) },
            // A campaign call's gate also needs its campaign dialing and below its own ceiling.
            ...(campaignGate ? [{ Update: campaignGateUpdate(this.tableName, next.accountId, campaignGate) }] : []),
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
      if (campaignGate && codes?.[2] === 'ConditionalCheckFailed') throw new CampaignGateClosedError(campaignGate);
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
          ExpressionAttributeNames: { '#at': RECONCILER_INDEX.sortKey, '#version': 'version' },
          ExpressionAttributeValues: { ':at': watchdogAt, ':version': call.version },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
    }
  }

  private query(input: Omit<QueryCommand['input'], 'TableName'>, atMost = Infinity): Promise<Item[]> {
    return queryAll(this.db, { ...input, TableName: this.tableName }, atMost);
  }
}

function chooseIndex(query: CallListQuery): { indexName: CallIndexName; partitionValue: string } {
  if (query.campaignId) {
    const campaign = campaignIndexKeys({ ...query, campaignId: query.campaignId, status: query.status ?? '' });
    return query.status
      ? { indexName: 'byCampaignStatus', partitionValue: campaign.campaignStatusKey }
      : { indexName: 'byCampaign', partitionValue: campaign.campaignKey };
  }
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
