import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { DIALABLE_CAMPAIGN_STATUSES } from '#domain/campaign';
import { ConcurrentModificationError } from '#domain/errors';
import type { CallStatus, StoredCall } from '#schemas/call';
import { StoredCampaignSchema, type CampaignStatus, type StoredCampaign } from '#schemas/campaign';
import type {
  CampaignCallChange,
  CampaignIdempotencyRecord,
  CampaignStore,
  ContactReservation,
  ReserveResult,
} from '#ports/campaign-store';
import type { Clock } from '#ports/clock';
import { fromCallItem } from './call-items.ts';
import { isConditionalCheckFailure, transactionCancellationCodes } from './client.ts';
import { queryAll, type Item } from './query.ts';
import { CALL_INDEXES, TABLE, campaignIndexKeys, keys } from './table-design.ts';

/** Idempotency records live a little over the promised 24 hours, as calls' do. */
const IDEMPOTENCY_TTL_SECONDS = 25 * 3600;
/** A call's counted-version marker outlives any call: a year. */
const COUNTED_TTL_SECONDS = 366 * 86400;

const campaignOf = (item: Item): StoredCampaign => StoredCampaignSchema.parse(item);

/**
 * The dial gate's part on a campaign call (added to the call's `queued → initiating` transaction
 * by DynamoDbCallRepository): the campaign must be in a status that dials, and below its
 * `maxConcurrentCalls`; it takes one of the campaign's slots. docs/data-access-patterns.md.
 */
export function campaignGateUpdate(tableName: string, accountId: string, campaignId: string) {
  return {
    TableName: tableName,
    Key: keys.campaign(accountId, campaignId),
    UpdateExpression: 'ADD activeCalls :one',
    ConditionExpression:
      '#status IN (:s0, :s1, :s2) AND (attribute_not_exists(activeCalls) OR activeCalls < pacing.maxConcurrentCalls)',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':one': 1,
      ...Object.fromEntries(DIALABLE_CAMPAIGN_STATUSES.map((status, i) => [`:s${i}`, status])),
    },
  };
}

/**
 * Campaigns in the single table: the campaign item under its account (`ACCOUNT#<acc>`,
 * `CAMPAIGN#<id>`, so an account's campaigns are one Query, newest first by their ULIDs), its
 * idempotency records, and per call the last version its counts took in (`CAMPAIGNCOUNTED#<callId>`).
 */
export class DynamoDbCampaignStore implements CampaignStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async create(campaign: StoredCampaign, idempotency?: CampaignIdempotencyRecord): Promise<ReserveResult> {
    const put = {
      TableName: this.tableName,
      Item: { ...keys.campaign(campaign.accountId, campaign.id), ...campaign },
      ConditionExpression: 'attribute_not_exists(pk)',
    };
    const reservation = { firstIndex: 0, count: campaign.counts.total, firstDueAt: campaign.startAt };
    if (!idempotency) {
      await this.db.send(new PutCommand(put));
      return { reserved: true, reservation };
    }
    return this.withIdempotency(idempotency, { Put: put }, { ...reservation, firstDueAt: idempotency.firstDueAt });
  }

  async get(accountId: string, campaignId: string): Promise<StoredCampaign | null> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.campaign(accountId, campaignId), ConsistentRead: true }),
    );
    return result.Item ? campaignOf(result.Item) : null;
  }

  async list(accountId: string, limit: number, after?: string) {
    const items = await queryAll(
      this.db,
      {
        TableName: this.tableName,
        KeyConditionExpression: after
          ? 'pk = :pk AND sk BETWEEN :prefix AND :before'
          : 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': keys.account(accountId).pk,
          ':prefix': 'CAMPAIGN#',
          ...(after ? { ':before': keys.campaign(accountId, after).sk } : {}),
        },
        ScanIndexForward: false,
      },
      limit + 2,
    );
    const campaigns = items
      .filter((item) => item.sk !== (after ? keys.campaign(accountId, after).sk : ''))
      .map(campaignOf);
    return { campaigns: campaigns.slice(0, limit), hasMore: campaigns.length > limit };
  }

  async reserveContacts(
    campaign: StoredCampaign,
    reservation: ContactReservation & { nextDueAt: string; at: string },
    idempotency?: Omit<CampaignIdempotencyRecord, 'firstIndex' | 'count' | 'firstDueAt'>,
  ): Promise<ReserveResult> {
    const update = {
      TableName: this.tableName,
      Key: keys.campaign(campaign.accountId, campaign.id),
      UpdateExpression:
        'SET nextDueAt = :next, updatedAt = :at, #status = :status, version = :newVersion ADD counts.#total :count',
      ConditionExpression: 'version = :version',
      ExpressionAttributeNames: { '#status': 'status', '#total': 'total' },
      ExpressionAttributeValues: {
        ':next': reservation.nextDueAt,
        ':at': reservation.at,
        ':status': campaign.status === 'completed' ? 'running' : campaign.status,
        ':newVersion': campaign.version + 1,
        ':version': campaign.version,
        ':count': reservation.count,
      },
    };
    const { nextDueAt: _next, at: _at, ...taken } = reservation;
    if (!idempotency) {
      try {
        await this.db.send(new UpdateCommand(update));
      } catch (error) {
        if (isConditionalCheckFailure(error)) throw new ConcurrentModificationError('Campaign', campaign.id);
        throw error;
      }
      return { reserved: true, reservation: taken };
    }
    try {
      return await this.withIdempotency({ ...idempotency, ...taken }, { Update: update }, taken);
    } catch (error) {
      if (transactionCancellationCodes(error)?.[0] === 'ConditionalCheckFailed')
        throw new ConcurrentModificationError('Campaign', campaign.id);
      throw error;
    }
  }

  async setStatus(
    campaign: StoredCampaign,
    status: CampaignStatus,
    at: string,
    options: { completedAt?: string; nextDueAt?: string; statusChange?: boolean } = {},
  ): Promise<StoredCampaign> {
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.campaign(campaign.accountId, campaign.id),
          UpdateExpression: `SET #status = :status, updatedAt = :at, version = :newVersion${options.completedAt ? ', completedAt = :completedAt' : ''}${options.statusChange ? ', statusVersion = :newVersion' : ''}`,
          ConditionExpression: 'version = :version',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': status,
            ':at': at,
            ':newVersion': campaign.version + 1,
            ':version': campaign.version,
            ...(options.completedAt ? { ':completedAt': options.completedAt } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return campaignOf(result.Attributes ?? {});
    } catch (error) {
      if (isConditionalCheckFailure(error)) throw new ConcurrentModificationError('Campaign', campaign.id);
      throw error;
    }
  }

  async applyCallChange(change: CampaignCallChange): Promise<boolean> {
    const nowEpoch = Math.floor(this.clock.now().getTime() / 1000);
    const adds = [`counts.#to :one`, ...(change.from ? ['counts.#from :minus'] : [])];
    if (change.releasesSlot) adds.push('activeCalls :minus');
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.campaignCounted(change.callId),
                  version: change.version,
                  [TABLE.ttlAttribute]: nowEpoch + COUNTED_TTL_SECONDS,
                },
                ConditionExpression: 'attribute_not_exists(pk) OR version < :version',
                ExpressionAttributeValues: { ':version': change.version },
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: keys.campaign(change.accountId, change.campaignId),
                UpdateExpression: `ADD ${adds.join(', ')}`,
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeNames: { '#to': change.to, ...(change.from ? { '#from': change.from } : {}) },
                ExpressionAttributeValues: {
                  ':one': 1,
                  ...(change.from || change.releasesSlot ? { ':minus': -1 } : {}),
                },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      const codes = transactionCancellationCodes(error);
      // Counted already (a redelivered record), or the campaign is gone: nothing to do either way.
      if (codes?.[0] === 'ConditionalCheckFailed' || codes?.[1] === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  async listCallsPage(
    accountId: string,
    campaignId: string,
    status: CallStatus,
    limit: number,
    after?: string,
  ): Promise<{ calls: StoredCall[]; next: string | null }> {
    const index = CALL_INDEXES.byCampaignStatus;
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byCampaignStatus',
        KeyConditionExpression: after ? '#pk = :pk AND #sk > :after' : '#pk = :pk',
        ExpressionAttributeNames: { '#pk': index.partitionKey, ...(after ? { '#sk': index.sortKey } : {}) },
        ExpressionAttributeValues: {
          ':pk': campaignIndexKeys({ accountId, campaignId, status }).campaignStatusKey,
          ...(after ? { ':after': after } : {}),
        },
        ScanIndexForward: true,
        Limit: limit,
      }),
    );
    const items = page.Items ?? [];
    const last = items.at(-1) ?? page.LastEvaluatedKey;
    return {
      calls: items.map(fromCallItem),
      next: page.LastEvaluatedKey && last ? String(last[index.sortKey]) : null,
    };
  }

  /** The write and the idempotency record together; a live record of the same key wins instead. */
  private async withIdempotency(
    record: CampaignIdempotencyRecord,
    write: Record<string, unknown>,
    reservation: ContactReservation,
    attempt = 1,
  ): Promise<ReserveResult> {
    const nowEpoch = Math.floor(this.clock.now().getTime() / 1000);
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            write,
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.idempotency(record.accountId, record.key),
                  ...record,
                  [TABLE.ttlAttribute]: nowEpoch + IDEMPOTENCY_TTL_SECONDS,
                },
                ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now',
                ExpressionAttributeNames: { '#ttl': TABLE.ttlAttribute },
                ExpressionAttributeValues: { ':now': nowEpoch },
              },
            },
          ] as never,
        }),
      );
      return { reserved: true, reservation };
    } catch (error) {
      const codes = transactionCancellationCodes(error);
      if (codes?.includes('TransactionConflict') && attempt < 5) {
        await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
        return this.withIdempotency(record, write, reservation, attempt + 1);
      }
      if (codes?.[1] !== 'ConditionalCheckFailed') throw error;
      const existing = await this.db.send(
        new GetCommand({
          TableName: this.tableName,
          Key: keys.idempotency(record.accountId, record.key),
          ConsistentRead: true,
        }),
      );
      if (!existing.Item) throw error;
      return { reserved: false, existing: existing.Item as CampaignIdempotencyRecord };
    }
  }
}
