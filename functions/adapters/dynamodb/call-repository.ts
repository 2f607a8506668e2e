import { BatchGetCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CampaignGateClosedError } from '#domain/campaign';
import { awaitsDial, slotChange } from '#domain/call-status-machine';
import { ConcurrentModificationError, NumberSuppressedError, SlotUnavailableError } from '#domain/errors';
import type { StoredCall } from '#schemas/call';
import type {
  CallListQuery,
  CallPage,
  CallRepository,
  CreateResult,
  IdempotencyRecord,
  UpdateEffects,
} from '#ports/call-repository';
import type { Clock } from '#ports/clock';
import { fromCallItem, toCallItem } from './call-items.ts';
import {
  isConditionalCheckFailure,
  transactOnce,
  transactOnceThroughConflicts,
  transactionCancellationCodes,
  writeOnce,
} from './client.ts';
import { queryMergedNewestFirst } from './merged-query.ts';
import { campaignGateUpdate, campaignReleaseUpdate } from './campaign-store.ts';
import { hasFreeSlotIn, slotCounterUpdate } from './slot-counters.ts';
import {
  CALL_INDEXES,
  TABLE,
  RECONCILER_INDEX,
  callListPartitions,
  callListValues,
  campaignIndexKeys,
  keys,
  type CallIndexName,
} from './table-design.ts';

/** Idempotency records live a little over the promised 24 hours. */
const IDEMPOTENCY_TTL_SECONDS = 25 * 3600;
/** Rounds of re-asking for keys DynamoDB left unprocessed (throttling) before giving up loudly. */
const UNPROCESSED_ROUNDS = 8;

/**
 * A transaction item that holds only while the number is not on the account's suppression list
 * (its item `SUPPRESSION#<E.164>` in the account's partition, suppression-store.ts): the read of
 * the list at create and at the dial gate, made part of the write itself.
 */
function notSuppressed(tableName: string, call: StoredCall) {
  return {
    ConditionCheck: {
      TableName: tableName,
      Key: keys.accountSuppression(call.accountId, call.toNumber),
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

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
    // A call to be dialed is stored only while its number is off the suppression list.
    const suppression = awaitsDial(call.status) ? notSuppressed(this.tableName, call) : null;
    if (!idempotency && !suppression) {
      await writeOnce(this.db, { put: callPut });
      return { created: true };
    }
    const nowEpoch = Math.floor(this.clock.now().getTime() / 1000);
    const idempotencyPut = idempotency && {
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
    };
    // Item order: the call, then the idempotency record (if any), then the suppression check (if any).
    const items = [
      { Put: callPut },
      ...(idempotencyPut ? [idempotencyPut] : []),
      ...(suppression ? [suppression] : []),
    ];
    try {
      // A concurrent twin of this request holds the record for a moment: tried again shortly.
      await transactOnceThroughConflicts(this.db, { TransactItems: items });
      return { created: true };
    } catch (error) {
      const codes = transactionCancellationCodes(error);
      // A repeated Idempotency-Key answers with the first call, suppressed number or not.
      if (!idempotency || codes?.[1] !== 'ConditionalCheckFailed') {
        if (suppression && codes?.at(-1) === 'ConditionalCheckFailed') throw new NumberSuppressedError(call.accountId);
        throw error;
      }
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

  async getForDial(callId: string, accountId: string): Promise<{ call: StoredCall | null; freeSlot: boolean }> {
    const callKey = keys.call(callId);
    const accountKey = keys.account(accountId);
    let pending: Record<string, unknown>[] = [callKey, accountKey];
    const found: Record<string, unknown>[] = [];
    for (let round = 0; pending.length > 0; round += 1) {
      if (round === UNPROCESSED_ROUNDS) throw new Error('DynamoDB kept the dial reads unprocessed');
      const result = await this.db.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      found.push(...(result.Responses?.[this.tableName] ?? []));
      pending = (result.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
    const item = (key: { pk: string; sk: string }) => found.find((i) => i.pk === key.pk && i.sk === key.sk);
    const call = item(callKey);
    return { call: call ? fromCallItem(call) : null, freeSlot: hasFreeSlotIn(item(accountKey)) };
  }

  /**
   * One Query per partition of the chosen index (the legacy one and each shard, see
   * CALL_LIST_SHARDS), merged newest first by createdKey. A page after a position starts every
   * partition just after it; `offset` skips that many calls of the merged order first.
   */
  async list(query: CallListQuery): Promise<CallPage> {
    const { indexName, partitions } = chooseIndex(query);
    const index = CALL_INDEXES[indexName];
    const range = rangeCondition(query);
    const inputs = partitions.map((partition) => ({
      TableName: this.tableName,
      IndexName: indexName,
      KeyConditionExpression: `#pk = :pk${range.expression}`,
      ExpressionAttributeNames: { '#pk': index.partitionKey, ...(range.expression ? { '#sk': index.sortKey } : {}) },
      ExpressionAttributeValues: { ':pk': partition, ...range.values },
      ScanIndexForward: false,
      ExclusiveStartKey: query.after
        ? {
            ...keys.call(query.after.id),
            [index.partitionKey]: partition,
            [index.sortKey]: `${query.after.createdAt}#${query.after.id}`,
          }
        : undefined,
    }));
    const page = await queryMergedNewestFirst(this.db, inputs, index.sortKey, query.offset, query.limit);
    return { calls: page.items.map(fromCallItem), hasMore: page.hasMore };
  }

  async update(next: StoredCall, previous: StoredCall, effects: UpdateEffects = {}): Promise<StoredCall> {
    const slots = slotChange(previous.status, next.status);
    if (slots >= 0) return this.write(next, previous, slots, { unlessWaiters: false });
    // A release: first on condition that no call marked itself waiting (SlotCounters.markWaiting);
    // if one did, the same write again without it, and the caller wakes the waiting list. A
    // campaign call gives its campaign slot back in the same write, while the campaign exists.
    const options = { unlessWaiters: true, campaignRelease: Boolean(next.campaignId) };
    // Each refusal turns its own part off, so the third round at the latest is written.
    for (let round = 0; ; round++) {
      try {
        const written = await this.write(next, previous, slots, options);
        effects.slotWaitersMayWait = !options.unlessWaiters;
        return written;
      } catch (error) {
        if (round < 2 && error instanceof SlotWaitersMarkedError) options.unlessWaiters = false;
        else if (round < 2 && error instanceof CampaignGoneError) options.campaignRelease = false;
        else throw error;
      }
    }
  }

  /**
   * update's write. `unlessWaiters`: a release refused (SlotWaitersMarkedError) while a call is
   * marked waiting. `campaignRelease`: a release that gives the campaign's slot back too, refused
   * (CampaignGoneError) when the campaign does not exist; the item written then records it
   * (`campaignSlotGivenBack`), so the events stream does not give it back again.
   */
  private async write(
    next: StoredCall,
    previous: StoredCall,
    slots: number,
    options: { unlessWaiters: boolean; campaignRelease?: boolean },
  ): Promise<StoredCall> {
    const { unlessWaiters } = options;
    const campaignRelease = slots < 0 && options.campaignRelease === true && Boolean(next.campaignId);
    const written = {
      ...next,
      version: previous.version + 1,
      ...(campaignRelease ? { campaignSlotGivenBack: true } : {}),
    };
    const put = {
      TableName: this.tableName,
      Item: toCallItem(written),
      ConditionExpression: '#version = :version OR (attribute_not_exists(#version) AND :version = :zero)',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':version': previous.version, ':zero': 0 },
    };
    const gate = previous.status === 'queued' && next.status === 'initiating';
    const campaignGate = gate ? next.campaignId : undefined;
    try {
      if (slots === 0) {
        await writeOnce(this.db, { put });
        return written;
      }
      await transactOnce(this.db, {
        TransactItems: [
          { Put: put },
          // The second item: its condition failing is what SlotUnavailableError reports below.
          {
            Update: slotCounterUpdate(this.tableName, next.accountId, slots > 0 ? 1 : -1, {
              unlessWaitersAt: unlessWaiters ? this.clock.now().getTime() : undefined,
            }),
          },
          // The gate: the number off the suppression list (the third item: NumberSuppressedError)…
          ...(gate ? [notSuppressed(this.tableName, next)] : []),
          // … and a campaign call's campaign dialing and below its own ceiling (the fourth).
          ...(campaignGate ? [{ Update: campaignGateUpdate(this.tableName, next.accountId, campaignGate) }] : []),
          // A release: the campaign's slot given back with the account's (the third).
          ...(campaignRelease
            ? [{ Update: campaignReleaseUpdate(this.tableName, next.accountId, next.campaignId as string) }]
            : []),
        ],
      });
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
      if (codes?.[1] === 'ConditionalCheckFailed') {
        if (slots < 0) throw new SlotWaitersMarkedError();
        throw new SlotUnavailableError(next.accountId);
      }
      if (gate && codes?.[2] === 'ConditionalCheckFailed') throw new NumberSuppressedError(next.accountId);
      if (campaignRelease && codes?.[2] === 'ConditionalCheckFailed') throw new CampaignGoneError();
      if (campaignGate && codes?.[3] === 'ConditionalCheckFailed') throw new CampaignGateClosedError(campaignGate);
      throw error;
    }
  }

  async touchWatchdog(call: StoredCall, watchdogAt: string, slotWaitToken?: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.call(call.id),
          UpdateExpression: slotWaitToken === undefined ? 'SET #at = :at' : 'SET #at = :at, slotWaitToken = :token',
          ConditionExpression: '#version = :version',
          ExpressionAttributeNames: { '#at': RECONCILER_INDEX.sortKey, '#version': 'version' },
          ExpressionAttributeValues: {
            ':at': watchdogAt,
            ':version': call.version,
            ...(slotWaitToken === undefined ? {} : { ':token': slotWaitToken }),
          },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
    }
  }

  async takeOverWait(call: StoredCall, expected: string, next: string): Promise<boolean> {
    try {
      await writeOnce(this.db, {
        update: {
          TableName: this.tableName,
          Key: keys.call(call.id),
          UpdateExpression: 'SET slotWaitToken = :next',
          ConditionExpression: '#status = :queued AND slotWaitToken = :expected',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':next': next, ':expected': expected, ':queued': 'queued' },
        },
      });
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  }
}

/** The index that serves the query's filters, and the partitions to read in it (every shard of a sharded key). */
function chooseIndex(query: CallListQuery): { indexName: CallIndexName; partitions: string[] } {
  if (query.campaignId) {
    // A campaign's calls are one partition each (not sharded: a campaign holds at most its contacts).
    const campaign = campaignIndexKeys({ ...query, campaignId: query.campaignId, status: query.status ?? '' });
    return query.status
      ? { indexName: 'byCampaignStatus', partitions: [campaign.campaignStatusKey] }
      : { indexName: 'byCampaign', partitions: [campaign.campaignKey] };
  }
  const probe = callListValues({
    accountId: query.accountId,
    agentId: query.agentId ?? '',
    status: query.status ?? '',
  });
  const sharded = (indexName: CallIndexName, value: string) => ({ indexName, partitions: callListPartitions(value) });
  if (query.agentId && query.status) return sharded('byAgentStatus', probe.agentStatusKey);
  if (query.agentId) return sharded('byAgent', probe.agentKey);
  if (query.status) return sharded('byStatus', probe.statusKey);
  return sharded('byAccount', probe.accountKey);
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

/** A campaign call's release refused because its campaign does not exist (update writes it again without the campaign's part). */
class CampaignGoneError extends Error {
  override name = 'CampaignGoneError';
}

/** A release refused because a call of the account is marked waiting for a slot (update tries again without the condition). */
class SlotWaitersMarkedError extends Error {
  override name = 'SlotWaitersMarkedError';
}
