import {
  DeleteCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { SlotCounter, SlotCounters, SlotWaiter } from '#ports/slot-counters';
import { isConditionalCheckFailure, writeOnce } from './client.ts';
import { queryAll } from './query.ts';
import { RECONCILER_INDEX, TABLE, keys } from './table-design.ts';

/** A waiting-list entry outlives any wait: a day after it was written (epoch seconds, DynamoDB TTL). */
const WAITER_LIFETIME_SECONDS = 86_400;

/**
 * The update of an account's slot counter (`activeCalls` on the account item) by `change` (+1 or
 * -1), as one item of a TransactWriteItems. Taking a slot requires `activeCalls <
 * concurrentCallLimit`. The account is also listed in the reconciler's index (partition `SLOTS`),
 * so slot repair can find every account that ever held a slot.
 */
export function slotCounterUpdate(
  tableName: string,
  accountId: string,
  change: -1 | 1,
  /** For a release (-1): fail it (ConditionalCheckFailed) if a waiting call marked the account until `now` (epoch ms) or later. */
  options: { unlessWaitersAt?: number } = {},
) {
  const unlessWaiters = change < 0 && options.unlessWaitersAt !== undefined;
  return {
    TableName: tableName,
    Key: keys.account(accountId),
    UpdateExpression: 'ADD activeCalls :change SET #wk = :slots, #wa = :account',
    ...(change > 0
      ? { ConditionExpression: 'attribute_not_exists(activeCalls) OR activeCalls < concurrentCallLimit' }
      : unlessWaiters
        ? { ConditionExpression: 'attribute_not_exists(slotWaitersUntil) OR slotWaitersUntil < :now' }
        : {}),
    ExpressionAttributeNames: { '#wk': RECONCILER_INDEX.partitionKey, '#wa': RECONCILER_INDEX.sortKey },
    ExpressionAttributeValues: {
      ':change': change,
      ':slots': RECONCILER_INDEX.slotCountersPartition,
      ':account': accountId,
      ...(unlessWaiters ? { ':now': options.unlessWaitersAt } : {}),
    },
  };
}

/** Whether an account item (undefined: no such account) has a free slot: `activeCalls < concurrentCallLimit`. */
export function hasFreeSlotIn(item: Record<string, unknown> | undefined): boolean {
  return item !== undefined && Number(item.activeCalls ?? 0) < Number(item.concurrentCallLimit);
}

/** Each account's slot counter: `activeCalls` against `concurrentCallLimit` on the account item. */
export class DynamoDbSlotCounters implements SlotCounters {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async listAll(): Promise<SlotCounter[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      IndexName: RECONCILER_INDEX.name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': RECONCILER_INDEX.partitionKey },
      ExpressionAttributeValues: { ':pk': RECONCILER_INDEX.slotCountersPartition },
    });
    return items.map((item) => ({ accountId: String(item.id), activeCalls: Number(item.activeCalls ?? 0) }));
  }

  /** Through writeOnce: a repeat of a repair that landed is still a repair (true), not a counter that moved. */
  async repair(accountId: string, expected: number, actual: number): Promise<boolean> {
    try {
      await writeOnce(this.db, {
        update: {
          TableName: this.tableName,
          Key: keys.account(accountId),
          UpdateExpression: 'SET activeCalls = :actual',
          ConditionExpression: 'activeCalls = :expected',
          ExpressionAttributeValues: { ':actual': actual, ':expected': expected },
        },
      });
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  }

  async addWaiter(accountId: string, waiter: SlotWaiter): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.slotWaiter(accountId, waiter.dueAt, waiter.callId, waiter.attempt, waiter.campaignId),
          ...waiter,
          [TABLE.ttlAttribute]: Math.floor(Date.now() / 1000) + WAITER_LIFETIME_SECONDS,
        },
      }),
    );
  }

  async oldestWaiters(accountId: string, limit: number, campaignId?: string): Promise<SlotWaiter[]> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.slotWaiter(accountId, '', '', 0, campaignId).pk },
        Limit: limit,
        // A release that saw a waiting call's mark must also see the entry it wrote just before.
        ConsistentRead: true,
      }),
    );
    return (result.Items ?? []).flatMap((item) =>
      typeof item.callId === 'string' &&
      typeof item.dueAt === 'string' &&
      typeof item.token === 'string' &&
      Number.isInteger(item.attempt)
        ? [
            {
              callId: item.callId,
              attempt: Number(item.attempt),
              dueAt: item.dueAt,
              token: item.token,
              ...(typeof item.campaignId === 'string' ? { campaignId: item.campaignId } : {}),
            },
          ]
        : [],
    );
  }

  async markWaiting(accountId: string, until: Date): Promise<{ freeSlot: boolean }> {
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.account(accountId),
          UpdateExpression: 'SET slotWaitersUntil = :until',
          // An earlier mark is moved on; a later one stays (and the answer is the item as it is).
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(slotWaitersUntil) OR slotWaitersUntil < :until)',
          ExpressionAttributeValues: { ':until': until.getTime() },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { freeSlot: hasFreeSlotIn(result.Attributes) };
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
      const item = (error as Error & { Item?: Record<string, AttributeValue> }).Item;
      return { freeSlot: hasFreeSlotIn(item ? unmarshall(item) : undefined) };
    }
  }

  async removeWaiter(accountId: string, waiter: SlotWaiter): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.slotWaiter(accountId, waiter.dueAt, waiter.callId, waiter.attempt, waiter.campaignId),
          ConditionExpression: '#token = :token',
          ExpressionAttributeNames: { '#token': 'token' },
          ExpressionAttributeValues: { ':token': waiter.token },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
    }
  }
}
