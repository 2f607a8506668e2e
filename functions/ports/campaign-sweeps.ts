import type { CampaignSweepMessage } from '#schemas/dial-message';

/** Where a campaign's resume or cancel sends the page-by-page work on its calls (the dial queue). */
export interface CampaignSweeps {
  /** Sends one page's message; the consumer sends the next. */
  send(message: CampaignSweepMessage): Promise<void>;
}
