import { cancelCall } from '#domain/call';
import { dialPermit } from '#domain/campaign';
import { toTimestamp } from '#domain/time';
import type { StoredCall } from '#schemas/call';
import type { CallRepository } from '#ports/call-repository';
import type { CampaignStore } from '#ports/campaign-store';
import type { Clock } from '#ports/clock';

/** How long a held call (its campaign paused) waits before the reconciler looks at it again: 1 hour. */
export const HELD_CALL_WATCHDOG_SECONDS = 3600;

export interface CampaignGateDeps {
  calls: CallRepository;
  clock: Clock;
  /** Absent where no campaign can exist (unit tests of single calls): every call dials. */
  campaigns?: Pick<CampaignStore, 'get'>;
}

/**
 * What the dialer does with a queued campaign call before it spends a slot or the provider's
 * budget, and again when the gate transaction refused it (CampaignGateClosedError):
 * - campaign paused: the call stays `queued` (held), its message is dropped, and its watchdog
 *   moves an hour on; resume sends it again (resumeCampaign), the reconciler only if that is lost;
 * - campaign cancelled: the call ends `cancelled` (a write conditional on its version);
 * - otherwise null: go on (after a gate refusal that means the campaign's maxConcurrentCalls).
 */
export async function campaignHold(
  deps: CampaignGateDeps,
  call: StoredCall,
): Promise<{ result: 'dropped'; reason: string } | null> {
  if (!call.campaignId || !deps.campaigns) return null;
  const permit = dialPermit(await deps.campaigns.get(call.accountId, call.campaignId));
  const now = deps.clock.now();
  if (permit === 'hold') {
    await deps.calls.touchWatchdog(call, toTimestamp(new Date(now.getTime() + HELD_CALL_WATCHDOG_SECONDS * 1000)));
    return { result: 'dropped', reason: 'campaign paused: call held' };
  }
  if (permit === 'cancel') {
    await deps.calls.update(cancelCall(call, now), call);
    return { result: 'dropped', reason: 'campaign cancelled: call cancelled' };
  }
  return null;
}
