import { ServiceError } from '#domain/errors';
import { toTimestamp } from '#domain/time';
import type { CampaignSweepMessage } from '#schemas/dial-message';
import type { CampaignStore } from '#ports/campaign-store';
import type { CampaignSweeps } from '#ports/campaign-sweeps';
import { MAX_QUEUE_DELAY_SECONDS, type DialQueue } from '#ports/dispatch';
import { inPool } from './in-pool.ts';
import { type CancelCallDeps, cancelCall } from './cancel-call.ts';
import { dialMessageFor } from './dispatch-call.ts';

/**
 * Calls one sweep message handles unless the deps say otherwise (CAMPAIGN_SWEEP_PAGE_SIZE): a few
 * seconds of work, well inside the dialer's timeout.
 */
export const SWEEP_PAGE_SIZE = 100;
/** Calls of a page worked on at once (each is a few requests to the table or the queue). */
const SWEEP_CONCURRENCY = 8;

export interface CampaignSweepDeps extends CancelCallDeps {
  campaigns: Pick<CampaignStore, 'get' | 'listCallsPage'>;
  queue: DialQueue;
  sweeps: CampaignSweeps;
  /** Calls per page (SWEEP_PAGE_SIZE when absent). */
  sweepPageSize?: number;
}

/**
 * One page of a campaign's resume or cancel (the message the API or the page before sent):
 * - cancel: each call of the page still `scheduled` (then, in a second pass, `queued`) is
 *   cancelled like POST /outbound-calls/{id}/cancel (a call a dialer took first is left to end on
 *   its own); it goes on while the campaign is `cancelled`, which is for ever;
 * - resume: each held (`queued`) call of the page gets a dial message due
 *   `from + n × 60 / callsPerMinute` s (n counting from the resume's first held call); it goes on
 *   only while the campaign is `running` with the `statusVersion` of that resume, so a pause (or a
 *   newer resume) ends it.
 * Then it sends the next page's message, if there is one, and returns it (null: done).
 * Idempotent: a page handled twice (a redelivery, a crash before the next message) cancels nothing
 * twice (a conditional write per call) and sends dial messages the dial gate lets through once.
 */
export async function sweepCampaign(
  deps: CampaignSweepDeps,
  message: CampaignSweepMessage,
): Promise<{ handled: number; next: CampaignSweepMessage | null }> {
  const { accountId, campaignId } = message;
  // 1. Is the work still wanted? (A campaign gone, paused again, or resumed again since: no.)
  const campaign = await deps.campaigns.get(accountId, campaignId);
  const wanted =
    campaign !== null &&
    (message.action === 'cancel'
      ? campaign.status === 'cancelled'
      : campaign.status === 'running' && (campaign.statusVersion ?? campaign.version) === message.statusVersion);
  if (!campaign || !wanted) return { handled: 0, next: null };

  // 2. One page of the campaign's calls in the status the message reads.
  const page = await deps.campaigns.listCallsPage(
    accountId,
    campaignId,
    message.status,
    deps.sweepPageSize ?? SWEEP_PAGE_SIZE,
    message.after,
  );

  // 3. The page's work.
  if (message.action === 'cancel') {
    await inPool(page.calls, SWEEP_CONCURRENCY, async (call) => {
      try {
        await cancelCall(deps, accountId, call.id);
      } catch (error) {
        // 404 or 409: a dialer took it first (it ends on its own), or it is cancelled already.
        if (!(error instanceof ServiceError)) throw error;
      }
    });
  } else {
    const spacingMs = Math.ceil(60_000 / campaign.pacing.callsPerMinute);
    const from = Date.parse(message.from);
    const now = deps.clock.now().getTime();
    await inPool(page.calls, SWEEP_CONCURRENCY, async (call, i) => {
      const dueAt = from + (message.planned + i) * spacingMs;
      const delaySeconds = Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(0, Math.floor((dueAt - now) / 1000)));
      await deps.queue.send({ ...dialMessageFor(call), dueAt: toTimestamp(new Date(dueAt)) }, delaySeconds);
    });
  }

  // 4. The next page: the rest of this status, then (a cancel) the queued calls.
  let next: CampaignSweepMessage | null = null;
  if (page.next) next = { ...message, after: page.next, planned: message.planned + page.calls.length };
  else if (message.action === 'cancel' && message.status === 'scheduled') {
    const { after: _after, ...rest } = message;
    next = { ...rest, status: 'queued' };
  }
  if (next) await deps.sweeps.send(next);
  return { handled: page.calls.length, next };
}
