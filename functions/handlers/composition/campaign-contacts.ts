import { LibphonenumberZones } from '#adapters/phone-zones/libphonenumber-zones';
import type { ContactCallsDeps } from '#use-cases/campaign-contacts';
import { loggedFailure } from '../batch-failures.ts';
import { logger } from '../logger.ts';
import { campaigns } from './campaigns.ts';
import { dispatchDeps, dispatchEnv, sweeps } from './dispatch.ts';
import { metrics } from './observability.ts';
import { calls, directory, suppressions } from './table.ts';
import { telephonyEnv } from './telephony.ts';

/**
 * What the dialer needs to make the calls of a campaign's contacts a request had no time for
 * (use-cases/campaign-contacts.ts): the campaigns API's own adapters. The dialer loads this module
 * on the first such message, so its cold start does not pay for them.
 */
export const contactsDeps: ContactCallsDeps = {
  ...dispatchDeps,
  calls,
  directory,
  campaigns,
  suppressions,
  sweeps,
  metrics,
  phoneZones: new LibphonenumberZones(),
  testCallsPlaceable: telephonyEnv.SIMULATOR_API_BASE_URL !== undefined,
  callsBudgetMs: dispatchEnv.CAMPAIGN_CALLS_BUDGET_MS,
  sweepPageSize: telephonyEnv.CAMPAIGN_SWEEP_PAGE_SIZE,
  onDispatchFailed: (callId: string, error: unknown) =>
    logger.error("A campaign contact's call could not be dispatched; the reconciler will dispatch it", {
      callId,
      ...loggedFailure(error),
    }),
  onContactNotCreated: (campaignId: string, index: number, error: unknown) =>
    logger.warn("A campaign contact's call was not made now; the campaign's background work makes it", {
      campaignId,
      index,
      ...loggedFailure(error),
    }),
  onSweepNotSent: (campaignId: string, error: unknown) =>
    logger.error("The next page of a campaign's contacts could not be sent; the reconciler will send it", {
      campaignId,
      ...loggedFailure(error),
    }),
};
