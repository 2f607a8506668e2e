import type { CampaignWorkMessage } from '#schemas/dial-message';

/**
 * Where a campaign's background work goes, a page at a time (the dial queue): a resume's or
 * cancel's work on its calls, and the calls of contacts a request had no time to make.
 */
export interface CampaignSweeps {
  /** Sends one page's message; the consumer sends the next. */
  send(message: CampaignWorkMessage): Promise<void>;
}
