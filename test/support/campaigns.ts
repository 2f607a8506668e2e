import { newCampaignId } from '#domain/campaign';
import { emptyCounts, type StoredCampaign } from '#schemas/campaign';

/**
 * A running campaign as the store keeps it, created now (UTC, to the second), with test defaults
 * for whatever is not given; `counts` overrides some of its zero counts (give `total`).
 */
export function aStoredCampaign(
  overrides: Partial<Omit<StoredCampaign, 'counts'>> & { counts?: Partial<StoredCampaign['counts']> } = {},
): StoredCampaign {
  const now = new Date();
  const at = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const { counts, ...rest } = overrides;
  return {
    id: newCampaignId(now),
    accountId: 'acc_demo',
    keyMode: 'test',
    name: 'Test campaign',
    agentId: 'agt_01HXK8Z3MNPQRS',
    fromNumber: null,
    status: 'running',
    startAt: at,
    pacing: { callsPerMinute: 10, maxConcurrentCalls: 1 },
    callingWindow: null,
    retryPolicy: null,
    createdAt: at,
    updatedAt: at,
    completedAt: null,
    nextDueAt: at,
    activeCalls: 0,
    version: 0,
    ...rest,
    counts: { ...emptyCounts(), ...counts },
  };
}
