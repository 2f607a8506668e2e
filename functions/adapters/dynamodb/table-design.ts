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
 * items that carry a slot counter. The DynamoDB index keeps its first name, `byWatchdog`, from
 * when it held only the former: renaming a global secondary index means rebuilding it.
 */
export const RECONCILER_INDEX = {
  name: 'byWatchdog',
  partitionKey: 'watchdogKey',
  sortKey: 'watchdogAt',
  unfinishedCallShards: 4,
  slotCountersPartition: 'SLOTS',
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
  campaign: (accountId: string, campaignId: string) => ({ pk: `ACCOUNT#${accountId}`, sk: `CAMPAIGN#${campaignId}` }),
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

/** Index partition values of a call; createdKey orders by creation, ties broken by the ULID id. */
export const callIndexKeys = (call: {
  accountId: string;
  agentId: string;
  status: string;
  createdAt: string;
  id: string;
}) => ({
  accountKey: `ACCOUNT#${call.accountId}`,
  agentKey: `ACCOUNT#${call.accountId}#AGENT#${call.agentId}`,
  statusKey: `ACCOUNT#${call.accountId}#STATUS#${call.status}`,
  agentStatusKey: `ACCOUNT#${call.accountId}#AGENT#${call.agentId}#STATUS#${call.status}`,
  createdKey: `${call.createdAt}#${call.id}`,
});
