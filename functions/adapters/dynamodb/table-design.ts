/**
 * The service's single table: key names, indexes and the attribute that expires items.
 * The CDK stack and the local stack both build the table from this, so they cannot drift.
 * docs/data-access-patterns.md lists which access pattern each key and index serves.
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
} as const;

/** Every list filter of GET /api/v1/outbound-calls is a Query on one of these, newest first. */
export const CALL_INDEXES = {
  byAccount: { partitionKey: 'accountKey', sortKey: 'createdKey' },
  byAgent: { partitionKey: 'agentKey', sortKey: 'createdKey' },
  byStatus: { partitionKey: 'statusKey', sortKey: 'createdKey' },
  byAgentStatus: { partitionKey: 'agentStatusKey', sortKey: 'createdKey' },
  /** Sparse: only calls of a campaign (`campaignId`), by campaign and by campaign and status. */
  byCampaign: { partitionKey: 'campaignKey', sortKey: 'createdKey' },
  byCampaignStatus: { partitionKey: 'campaignStatusKey', sortKey: 'createdKey' },
} as const;

export type CallIndexName = keyof typeof CALL_INDEXES;

/**
 * The sparse index the reconciler reads, holding two kinds of item: unfinished calls by the time
 * it should look at them (`watchdogAt`), spread over `unfinishedCallShards` partitions
 * (`WATCHDOG#<n>`); and, in a partition of their own (`SLOTS`, sorted by account id), the account
 * items that carry a slot counter. A third partition (`CAMPAIGNCONTACTS`) holds campaign items
 * while some of their contacts have no call yet. The DynamoDB index keeps its first name, `byWatchdog`, from
 * when it held only the former: renaming a global secondary index means rebuilding it.
 */
export const RECONCILER_INDEX = {
  name: 'byWatchdog',
  partitionKey: 'watchdogKey',
  sortKey: 'watchdogAt',
  unfinishedCallShards: 4,
  slotCountersPartition: 'SLOTS',
  /** Campaign items with contacts whose calls are still to be made, by when to look again. */
  campaignContactsPartition: 'CAMPAIGNCONTACTS',
} as const;

/** Every global secondary index of the table, for the CDK stack and the local stack. */
export const ALL_INDEXES: Record<string, { partitionKey: string; sortKey: string }> = {
  ...CALL_INDEXES,
  [RECONCILER_INDEX.name]: { partitionKey: RECONCILER_INDEX.partitionKey, sortKey: RECONCILER_INDEX.sortKey },
};

export const keys = {
  call: (callId: string) => ({ pk: `CALL#${callId}`, sk: 'CALL' }),
  account: (accountId: string) => ({ pk: `ACCOUNT#${accountId}`, sk: 'ACCOUNT' }),
  accountAgent: (accountId: string, agentId: string) => ({ pk: `ACCOUNT#${accountId}`, sk: `AGENT#${agentId}` }),
  accountApiKey: (accountId: string, keyId: string) => ({ pk: `ACCOUNT#${accountId}`, sk: `APIKEY#${keyId}` }),
  accountNumber: (accountId: string, number: string) => ({ pk: `ACCOUNT#${accountId}`, sk: `NUMBER#${number}` }),
  /** A number the account never wants called (its suppression list), by E.164 number. */
  accountSuppression: (accountId: string, phoneNumber: string) => ({
    pk: `ACCOUNT#${accountId}`,
    sk: `SUPPRESSION#${phoneNumber}`,
  }),
  apiKeyHash: (hash: string) => ({ pk: `APIKEYHASH#${hash}`, sk: 'APIKEYHASH' }),
  numberClaim: (number: string) => ({ pk: `NUMBER#${number}`, sk: 'NUMBER' }),
  idempotency: (accountId: string, key: string) => ({ pk: `IDEMPOTENCY#${accountId}#${key}`, sk: 'IDEMPOTENCY' }),
  callRate: (bucket: string) => ({ pk: `CALLRATE#${bucket}`, sk: 'CALLRATE' }),
  /** A waiting list: the account's slots, or (campaignId) the campaign's maxConcurrentCalls. */
  slotWaiter: (accountId: string, dueAt: string, callId: string, attempt: number, campaignId?: string) => ({
    pk: campaignId ? `SLOTWAIT#${accountId}#${campaignId}` : `SLOTWAIT#${accountId}`,
    sk: `${dueAt}#${callId}#${attempt}`,
  }),
  accountWebhook: (accountId: string, endpointId: string) => ({
    pk: `ACCOUNT#${accountId}`,
    sk: `WEBHOOK#${endpointId}`,
  }),
  webhookEvent: (accountId: string, eventId: string) => ({
    pk: `WEBHOOKEVENT#${accountId}#${eventId}`,
    sk: 'WEBHOOKEVENT',
  }),
  deliveryAttempt: (endpointId: string, attemptId: string) => ({
    pk: `WEBHOOK#${endpointId}`,
    sk: `DELIVERY#${attemptId}`,
  }),
  delivered: (eventId: string, endpointId: string) => ({ pk: `DELIVERED#${eventId}#${endpointId}`, sk: 'DELIVERED' }),
  /** Where page `page` of a listing starts; the page number is zero-padded so pages sort in order. */
  pageStart: (accountId: string, listingHash: string, page: number) => ({
    pk: `PAGESTART#${accountId}#${listingHash}`,
    sk: String(page).padStart(16, '0'),
  }),
  campaign: (accountId: string, campaignId: string) => ({ pk: `ACCOUNT#${accountId}`, sk: `CAMPAIGN#${campaignId}` }),
  /**
   * Where one request's contacts of a campaign are (its first index, the `token` of its chunks):
   * written in the transaction that reserved them, so contacts are reachable only once it committed.
   */
  campaignContactRange: (accountId: string, campaignId: string, firstIndex: number) => ({
    pk: `CAMPAIGNCONTACTS#${accountId}#${campaignId}`,
    sk: `RANGE#${String(firstIndex).padStart(9, '0')}`,
  }),
  /** A chunk of a request's contacts (JSON, a few hundred KB at most), by the request's token and first index. */
  campaignContactChunk: (accountId: string, campaignId: string, token: string, firstIndex: number) => ({
    pk: `CAMPAIGNCONTACTS#${accountId}#${campaignId}`,
    sk: `CHUNK#${token}#${String(firstIndex).padStart(9, '0')}`,
  }),
  /** Which version of a call the campaign's counts last counted (stream redelivery is ignored). */
  campaignCounted: (callId: string) => ({ pk: `CAMPAIGNCOUNTED#${callId}`, sk: 'CAMPAIGNCOUNTED' }),
};

/** Partition values of a campaign call in byCampaign and byCampaignStatus (the account is part of them). */
export const campaignIndexKeys = (call: { accountId: string; campaignId: string; status: string }) => ({
  campaignKey: `ACCOUNT#${call.accountId}#CAMPAIGN#${call.campaignId}`,
  campaignStatusKey: `ACCOUNT#${call.accountId}#CAMPAIGN#${call.campaignId}#STATUS#${call.status}`,
});

/** The reconciler's index partition that holds an unfinished call, from its id: `WATCHDOG#<0–3>`. */
export function watchdogShard(callId: string): string {
  return `WATCHDOG#${callId.charCodeAt(callId.length - 1) % RECONCILER_INDEX.unfinishedCallShards}`;
}

/** Every partition of the reconciler's index that holds unfinished calls. */
export function watchdogShards(): string[] {
  return Array.from({ length: RECONCILER_INDEX.unfinishedCallShards }, (_, i) => `WATCHDOG#${i}`);
}

/**
 * Each list index partition value of a call is split over this many partitions (`<value>#<0–9>`),
 * chosen by a hash of the call id, so one account's creates and status changes spread over ten
 * index partitions instead of one (a partition takes about 1,000 writes a second); lists query
 * every shard and merge them newest first. Items written before sharding carry the bare value (the
 * legacy partition), which lists read as one more shard. Only ever raise this: a call stays in the
 * shard it was written to until its next write, and lists read shards 0 to CALL_LIST_SHARDS − 1.
 * docs/data-access-patterns.md ("Hot keys and large accounts") and docs/capacity.md size it.
 */
export const CALL_LIST_SHARDS = 10;

/** The list-index shard of a call, 0 to CALL_LIST_SHARDS − 1: FNV-1a of its id, so ids spread evenly. */
export function callListShard(callId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < callId.length; i++) {
    hash ^= callId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % CALL_LIST_SHARDS;
}

/** Every partition a list reads for one unsharded value: the legacy (bare) one, then each shard. */
export function callListPartitions(value: string): string[] {
  return [value, ...Array.from({ length: CALL_LIST_SHARDS }, (_, shard) => `${value}#${shard}`)];
}

/** Index partition values of a call before sharding: one per list index (CALL_INDEXES). */
export const callListValues = (call: { accountId: string; agentId: string; status: string }) => ({
  accountKey: `ACCOUNT#${call.accountId}`,
  agentKey: `ACCOUNT#${call.accountId}#AGENT#${call.agentId}`,
  statusKey: `ACCOUNT#${call.accountId}#STATUS#${call.status}`,
  agentStatusKey: `ACCOUNT#${call.accountId}#AGENT#${call.agentId}#STATUS#${call.status}`,
});

/**
 * The list-index keys a call item carries: each partition value of callListValues in the call's
 * shard, and createdKey, which orders by creation with ties broken by the ULID id.
 */
export function callIndexKeys(call: {
  accountId: string;
  agentId: string;
  status: string;
  createdAt: string;
  id: string;
}): Record<string, string> {
  const shard = callListShard(call.id);
  const sharded = Object.entries(callListValues(call)).map(([name, value]) => [name, `${value}#${shard}`]);
  return { ...Object.fromEntries(sharded), createdKey: `${call.createdAt}#${call.id}` };
}
