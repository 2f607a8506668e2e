import { allCallsEnded } from '#domain/campaign';
import { holdsSlot, isTerminal } from '#domain/call-status-machine';
import { toTimestamp } from '#domain/time';
import type { StoredCampaign } from '#schemas/campaign';
import type { CampaignStore } from '#ports/campaign-store';
import type { Clock } from '#ports/clock';
import type { CallChange } from './produce-events.ts';
import { retryOnConflict } from './retry-on-conflict.ts';

export interface CampaignCountDeps {
  campaigns: CampaignStore;
  clock: Clock;
  /**
   * Told when a campaign completes (its last call ended): the CampaignCompleted event. Told again
   * if the record that completed it is delivered again (the completion write had happened, what
   * followed may not have), so it must be idempotent (the event's id is derived from the campaign).
   */
  onCompleted: (campaign: StoredCampaign) => Promise<void>;
}

/**
 * Keeps a campaign's `counts` from one write of one of its calls (a table stream record): the
 * call's old status loses one, its new status gains one, and a call that stopped holding a
 * telephony slot in a write that did not give back the slot it took from the campaign at the dial
 * gate (one written before releases did, `campaignSlotGivenBack` absent) gives it back. Each call version
 * is counted at most once (the store records the last version counted, in the same transaction),
 * so a redelivered record changes nothing. When the change ended a call and every contact's call
 * has now ended, the campaign completes, once. Returns whether the counts changed.
 */
export async function countCampaignChange(deps: CampaignCountDeps, change: CallChange): Promise<boolean> {
  const { before, after } = change;
  if (!after.campaignId) return false;
  const from = before?.status ?? null;
  if (from === after.status) return false;
  const applied = await deps.campaigns.applyCallChange({
    accountId: after.accountId,
    campaignId: after.campaignId,
    callId: after.id,
    version: after.version,
    from,
    to: after.status,
    // The write that ended the attempt gave the campaign's slot back itself (campaignSlotGivenBack);
    // only a release written before it did (an older version of the service) is given back here.
    releasesSlot: from !== null && holdsSlot(from) && !holdsSlot(after.status) && after.campaignSlotGivenBack !== true,
  });
  if (isTerminal(after.status)) {
    // After completion no call of the campaign changes: a terminal change seen then is a repeat
    // of the one that completed it (or of one just before), so the completion is told again.
    const completed =
      (await completeIfFinished(deps, after.accountId, after.campaignId)) ??
      (await deps.campaigns.get(after.accountId, after.campaignId));
    if (completed?.status === 'completed') await deps.onCompleted(completed);
  }
  return applied;
}

/**
 * Marks the campaign completed once every contact's call has ended (from the stream, after the
 * counts moved). True only for the one write that completed it: that caller announces it. Here,
 * not in campaigns.ts, so the events stream does not load the campaigns API's use cases.
 */
export async function completeIfFinished(
  deps: { campaigns: CampaignStore; clock: Clock },
  accountId: string,
  id: string,
): Promise<StoredCampaign | null> {
  return retryOnConflict(async () => {
    const campaign = await deps.campaigns.get(accountId, id);
    if (!campaign || !allCallsEnded(campaign.counts)) return null;
    if (campaign.status !== 'running' && campaign.status !== 'scheduled') return null;
    const at = toTimestamp(deps.clock.now());
    return deps.campaigns.setStatus(campaign, 'completed', at, { completedAt: at });
  });
}
