import { ulid } from 'ulid';
import * as z from 'zod/mini';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
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
  CampaignWithContactsDue,
  ContactReservation,
  ReserveResult,
  StoredContact,
} from '#ports/campaign-store';
import type { Clock } from '#ports/clock';
import { fromCallItem } from './call-items.ts';
import {
  isConditionalCheckFailure,
  isTransactionConflict,
  transactOnce,
  transactOnceThroughConflicts,
  transactionCancellationCodes,
  writeOnce,
} from './client.ts';
import { queryAll, type Item } from './query.ts';
import { CALL_INDEXES, RECONCILER_INDEX, TABLE, campaignIndexKeys, keys } from './table-design.ts';

/** Idempotency records live a little over the promised 24 hours, as calls' do. */
const IDEMPOTENCY_TTL_SECONDS = 25 * 3600;
/** A call's counted-version marker outlives any call: a year. */
const COUNTED_TTL_SECONDS = 366 * 86400;

const campaignOf = (item: Item): StoredCampaign => StoredCampaignSchema.parse(item);

/**
 * Most UTF-8 bytes of contacts (as JSON) in one chunk item: half of DynamoDB's 400 KB item limit
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html), so keys
 * and attributes never push a chunk over it. The schema bounds one contact far below: 8 KB of
 * metadata, 4,000 characters (at most 16,000 bytes) of overrideFirstMessage, a number and a zone
 * (schemas/campaign-request.ts), about 25 KB; 1,000 small contacts fit in one chunk.
 */
export const CONTACT_CHUNK_BYTES = 200_000;
/** Chunks written at once; a request's contacts are at most its 5 MB body, about 25 chunks. */
const CHUNK_WRITES_AT_ONCE = 8;
/**
 * Chunks are kept 30 days: their contacts' calls are made within minutes (the reconciler sends the
 * work again every few minutes while some are not), and a chunk no committed request points at
 * (its request died before its transaction, or lost it to a concurrent one) goes by itself.
 */
const CONTACT_CHUNK_TTL_SECONDS = 30 * 86400;

/** How a chunk keeps its contacts: JSON, read back through this schema. */
const StoredContactsSchema = z.array(
  z.object({
    index: z.int(),
    dueAt: z.string(),
    contact: z.object({
      toNumber: z.string(),
      metadata: z.optional(z.record(z.string(), z.unknown())),
      overrideFirstMessage: z.optional(z.string()),
      timeZone: z.optional(z.string()),
    }),
  }),
);

/** Contacts in index order cut into chunks of at most CONTACT_CHUNK_BYTES of JSON each. */
export function contactChunks(contacts: StoredContact[]): Array<{ firstIndex: number; json: string }> {
  const chunks: Array<{ firstIndex: number; json: string }> = [];
  let current: string[] = [];
  let bytes = 2;
  let firstIndex = contacts[0]?.index ?? 0;
  for (const contact of contacts) {
    const json = JSON.stringify(contact);
    const size = Buffer.byteLength(json) + 1;
    if (current.length > 0 && bytes + size > CONTACT_CHUNK_BYTES) {
      chunks.push({ firstIndex, json: `[${current.join(',')}]` });
      current = [];
      bytes = 2;
      firstIndex = contact.index;
    }
    current.push(json);
    bytes += size;
  }
  if (current.length > 0) chunks.push({ firstIndex, json: `[${current.join(',')}]` });
  return chunks;
}

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
 * A campaign call's end giving back the campaign slot its dial gate took (added to the call's
 * release transaction by DynamoDbCallRepository, beside the account's slot counter): at the moment
 * the call stops holding a telephony slot, as the gate took it, so a call waiting for the
 * campaign's `maxConcurrentCalls` and woken by that release finds the slot free, however far
 * behind the table's stream is. Only while the campaign exists (a release never creates an item).
 */
export function campaignReleaseUpdate(tableName: string, accountId: string, campaignId: string) {
  return {
    TableName: tableName,
    Key: keys.campaign(accountId, campaignId),
    UpdateExpression: 'ADD activeCalls :minus',
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeValues: { ':minus': -1 },
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

  /** The attributes that put a campaign item in the reconciler's index until `dueAt`. */
  private watching(dueAt: string) {
    return {
      [RECONCILER_INDEX.partitionKey]: RECONCILER_INDEX.campaignContactsPartition,
      [RECONCILER_INDEX.sortKey]: dueAt,
    };
  }

  /**
   * The contacts first (chunks under a token of this request, which nothing points at yet), then
   * one transaction: the campaign, its idempotency record and the range item that points at the
   * chunks. So the campaign exists only with every contact stored, and a function that dies between
   * the writes leaves only unreachable chunks (which expire): no campaign, nothing to dial, and a
   * retry starts afresh. The transaction stays small (three items) whatever the contacts weigh, so
   * TransactWriteItems' 100 items and 4 MB never bind (a 5 MB request body would not fit them).
   */
  async create(
    campaign: StoredCampaign,
    contacts: StoredContact[],
    contactsDueAt: string,
    idempotency?: CampaignIdempotencyRecord,
  ): Promise<ReserveResult> {
    const range = await this.putContacts(campaign.accountId, campaign.id, 0, contacts);
    const put = {
      TableName: this.tableName,
      Item: {
        ...keys.campaign(campaign.accountId, campaign.id),
        ...campaign,
        contactsCreated: 0,
        ...this.watching(contactsDueAt),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    };
    const reservation = {
      firstIndex: 0,
      count: campaign.counts.total,
      firstDueAt: idempotency?.firstDueAt ?? campaign.startAt,
    };
    if (!idempotency) {
      await transactOnce(this.db, { TransactItems: [{ Put: put }, range] as never });
      return { reserved: true, reservation };
    }
    return this.withIdempotency(idempotency, [{ Put: put }, range], reservation);
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

  /** Like create: the contacts' chunks first, then the campaign's update, its range item and the key together. */
  async reserveContacts(
    campaign: StoredCampaign,
    reservation: ContactReservation & { nextDueAt: string; at: string },
    contacts: StoredContact[],
    contactsDueAt: string,
    idempotency?: Omit<CampaignIdempotencyRecord, 'firstIndex' | 'count' | 'firstDueAt'>,
  ): Promise<ReserveResult> {
    const range = await this.putContacts(campaign.accountId, campaign.id, reservation.firstIndex, contacts);
    const update = {
      TableName: this.tableName,
      Key: keys.campaign(campaign.accountId, campaign.id),
      UpdateExpression:
        'SET nextDueAt = :next, updatedAt = :at, #status = :status, version = :newVersion, ' +
        'contactsCreated = if_not_exists(contactsCreated, :first), #wk = :wk, #wa = :due ADD counts.#total :count',
      ConditionExpression: 'version = :version',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#total': 'total',
        '#wk': RECONCILER_INDEX.partitionKey,
        '#wa': RECONCILER_INDEX.sortKey,
      },
      ExpressionAttributeValues: {
        ':next': reservation.nextDueAt,
        ':at': reservation.at,
        ':status': campaign.status === 'completed' ? 'running' : campaign.status,
        ':newVersion': campaign.version + 1,
        ':version': campaign.version,
        ':count': reservation.count,
        ':first': reservation.firstIndex,
        ':wk': RECONCILER_INDEX.campaignContactsPartition,
        ':due': contactsDueAt,
      },
    };
    const { nextDueAt: _next, at: _at, ...taken } = reservation;
    if (!idempotency) {
      try {
        await transactOnce(this.db, { TransactItems: [{ Update: update }, range] as never });
      } catch (error) {
        if (transactionCancellationCodes(error)?.[0] === 'ConditionalCheckFailed')
          throw new ConcurrentModificationError('Campaign', campaign.id);
        throw error;
      }
      return { reserved: true, reservation: taken };
    }
    try {
      return await this.withIdempotency({ ...idempotency, ...taken }, [{ Update: update }, range], taken);
    } catch (error) {
      if (transactionCancellationCodes(error)?.[0] === 'ConditionalCheckFailed')
        throw new ConcurrentModificationError('Campaign', campaign.id);
      throw error;
    }
  }

  /**
   * Through writeOnce: a repeat of a change that landed returns the campaign as it found it (the
   * change, with any count moved since), not a conflict, whose retry would find the status
   * already set and answer as if another request had set it.
   */
  async setStatus(
    campaign: StoredCampaign,
    status: CampaignStatus,
    at: string,
    options: { completedAt?: string; nextDueAt?: string; statusChange?: boolean } = {},
  ): Promise<StoredCampaign> {
    try {
      const result = await writeOnce(this.db, {
        update: {
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
        },
      });
      return campaignOf(result.Attributes ?? {});
    } catch (error) {
      // A condition that no longer holds, or a transaction (a call's count) holding the item at that
      // moment: either way the caller reads the campaign afresh and tries again (retryOnConflict).
      if (isConditionalCheckFailure(error) || isTransactionConflict(error))
        throw new ConcurrentModificationError('Campaign', campaign.id);
      throw error;
    }
  }

  /** Through writeOnce: a repeat of a repair that landed is still a repair (true). */
  async repairActiveCalls(accountId: string, campaignId: string, expected: number, actual: number): Promise<boolean> {
    try {
      await writeOnce(this.db, {
        update: {
          TableName: this.tableName,
          Key: keys.campaign(accountId, campaignId),
          UpdateExpression: 'SET activeCalls = :actual',
          // A campaign stored before it counted its slots has no activeCalls: that reads as 0.
          ConditionExpression:
            expected === 0
              ? 'attribute_exists(pk) AND (activeCalls = :expected OR attribute_not_exists(activeCalls))'
              : 'activeCalls = :expected',
          ExpressionAttributeValues: { ':actual': actual, ':expected': expected },
        },
      });
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  }

  async applyCallChange(change: CampaignCallChange): Promise<boolean> {
    const nowEpoch = Math.floor(this.clock.now().getTime() / 1000);
    const adds = [`counts.#to :one`, ...(change.from ? ['counts.#from :minus'] : [])];
    if (change.releasesSlot) adds.push('activeCalls :minus');
    try {
      // Another transaction on the campaign (another call's count, a dial gate) at that moment:
      // the counts are additions, so the same write is tried again shortly.
      await transactOnceThroughConflicts(this.db, {
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
      });
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

  async readContacts(accountId: string, campaignId: string, from: number, limit: number): Promise<StoredContact[]> {
    const pk = keys.campaignContactRange(accountId, campaignId, 0).pk;
    const contacts: StoredContact[] = [];
    let index = from;
    while (contacts.length < limit) {
      // The request's range that holds `index` (the last one starting at or before it)…
      const ranges = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :at',
          ExpressionAttributeValues: {
            ':pk': pk,
            ':first': keys.campaignContactRange(accountId, campaignId, 0).sk,
            ':at': keys.campaignContactRange(accountId, campaignId, index).sk,
          },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      );
      const range = ranges.Items?.[0];
      if (!range || Number(range.firstIndex) + Number(range.count) <= index) break;
      // …then its chunks from the one holding `index` on.
      const token = String(range.token);
      const holding = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :at',
          ExpressionAttributeValues: {
            ':pk': pk,
            ':first': keys.campaignContactChunk(accountId, campaignId, token, 0).sk,
            ':at': keys.campaignContactChunk(accountId, campaignId, token, index).sk,
          },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      );
      const first = holding.Items?.[0];
      if (!first) break;
      const wanted = limit - contacts.length;
      const later =
        wanted < 2
          ? []
          : await queryAll(
              this.db,
              {
                TableName: this.tableName,
                KeyConditionExpression: 'pk = :pk AND sk BETWEEN :after AND :last',
                ExpressionAttributeValues: {
                  ':pk': pk,
                  ':after': keys.campaignContactChunk(accountId, campaignId, token, index + 1).sk,
                  ':last': keys.campaignContactChunk(accountId, campaignId, token, index + wanted - 1).sk,
                },
                ConsistentRead: true,
              },
              limit,
            );
      const before = contacts.length;
      for (const chunk of [first, ...later]) {
        for (const stored of StoredContactsSchema.parse(JSON.parse(String(chunk.contacts)))) {
          if (stored.index >= index && contacts.length < limit) contacts.push(stored as StoredContact);
        }
      }
      if (contacts.length === before) break;
      index = (contacts.at(-1) as StoredContact).index + 1;
    }
    return contacts;
  }

  async recordContactsCreated(
    accountId: string,
    campaignId: string,
    range: { from: number; to: number },
    contactsDueAt: string,
  ): Promise<{ contactsCreated: number; total: number } | null> {
    const Key = keys.campaign(accountId, campaignId);
    if (range.to > range.from) {
      await this.conditionalUpdate({
        TableName: this.tableName,
        Key,
        UpdateExpression: 'SET contactsCreated = :to',
        ConditionExpression: 'contactsCreated >= :from AND contactsCreated < :to',
        ExpressionAttributeValues: { ':from': range.from, ':to': range.to },
      });
    }
    const index = { '#wk': RECONCILER_INDEX.partitionKey, '#wa': RECONCILER_INDEX.sortKey, '#total': 'total' };
    // Still contacts without calls: look again at contactsDueAt. Else leave the reconciler's index,
    // unless an append brought more contacts meanwhile (then look again).
    for (let attempt = 0; attempt < 3; attempt++) {
      const watched = await this.conditionalUpdate({
        TableName: this.tableName,
        Key,
        UpdateExpression: 'SET #wk = :wk, #wa = :due',
        ConditionExpression: 'contactsCreated < counts.#total',
        ExpressionAttributeNames: index,
        ExpressionAttributeValues: { ':wk': RECONCILER_INDEX.campaignContactsPartition, ':due': contactsDueAt },
        ReturnValues: 'ALL_NEW',
      });
      if (watched) return progressOf(watched);
      const done = await this.conditionalUpdate({
        TableName: this.tableName,
        Key,
        UpdateExpression: 'REMOVE #wk, #wa',
        ConditionExpression:
          'attribute_exists(pk) AND (attribute_not_exists(contactsCreated) OR contactsCreated >= counts.#total)',
        ExpressionAttributeNames: index,
        ReturnValues: 'ALL_NEW',
      });
      if (done) return progressOf(done);
      if (!(await this.get(accountId, campaignId))) return null;
    }
    return null;
  }

  async listContactsDue(now: string, limit: number): Promise<CampaignWithContactsDue[]> {
    const items = await queryAll(
      this.db,
      {
        TableName: this.tableName,
        IndexName: RECONCILER_INDEX.name,
        KeyConditionExpression: '#pk = :pk AND #sk <= :now',
        ExpressionAttributeNames: { '#pk': RECONCILER_INDEX.partitionKey, '#sk': RECONCILER_INDEX.sortKey },
        ExpressionAttributeValues: { ':pk': RECONCILER_INDEX.campaignContactsPartition, ':now': now },
      },
      limit,
    );
    return items.map((item) => ({
      accountId: String(item.accountId),
      campaignId: String(item.id),
      contactsCreated: Number(item.contactsCreated ?? 0),
    }));
  }

  /** The chunks of one request's contacts, written before its transaction; returns the range item's put for it. */
  private async putContacts(accountId: string, campaignId: string, firstIndex: number, contacts: StoredContact[]) {
    const token = ulid();
    const expiresAt = Math.floor(this.clock.now().getTime() / 1000) + CONTACT_CHUNK_TTL_SECONDS;
    const chunks = contactChunks(contacts);
    for (let i = 0; i < chunks.length; i += CHUNK_WRITES_AT_ONCE) {
      await Promise.all(
        chunks.slice(i, i + CHUNK_WRITES_AT_ONCE).map((chunk) =>
          this.db.send(
            new PutCommand({
              TableName: this.tableName,
              Item: {
                ...keys.campaignContactChunk(accountId, campaignId, token, chunk.firstIndex),
                contacts: chunk.json,
                [TABLE.ttlAttribute]: expiresAt,
              },
            }),
          ),
        ),
      );
    }
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          ...keys.campaignContactRange(accountId, campaignId, firstIndex),
          token,
          firstIndex,
          count: contacts.length,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  /** The item after the update, or null when its condition did not hold. */
  private async conditionalUpdate(input: UpdateCommand['input']): Promise<Item | null> {
    try {
      const result = await this.db.send(new UpdateCommand(input));
      return result.Attributes ?? {};
    } catch (error) {
      if (isConditionalCheckFailure(error)) return null;
      throw error;
    }
  }

  /** The write and the idempotency record together; a live record of the same key wins instead. */
  private async withIdempotency(
    record: CampaignIdempotencyRecord,
    [write, ...more]: Array<Record<string, unknown>>,
    reservation: ContactReservation,
  ): Promise<ReserveResult> {
    const nowEpoch = Math.floor(this.clock.now().getTime() / 1000);
    try {
      // A concurrent twin of this request holds the record for a moment: tried again shortly.
      await transactOnceThroughConflicts(this.db, {
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
          ...more,
        ] as never,
      });
      return { reserved: true, reservation };
    } catch (error) {
      if (transactionCancellationCodes(error)?.[1] !== 'ConditionalCheckFailed') throw error;
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

const progressOf = (item: Item) => ({
  contactsCreated: Number(item.contactsCreated ?? (item.counts as { total?: number } | undefined)?.total ?? 0),
  total: Number((item.counts as { total?: number } | undefined)?.total ?? 0),
});
