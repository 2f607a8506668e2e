import type { CampaignCountDeps } from '#use-cases/campaign-counts';
import { logger } from '../logger.ts';
import { campaigns } from './campaigns.ts';
import { clock } from './table.ts';

/** The events function's part in campaigns: counts from the stream, and the completion. */
export const campaignCountDeps: CampaignCountDeps = {
  campaigns,
  clock,
  onCompleted: async (campaign) => {
    logger.info('Campaign completed', { campaignId: campaign.id, total: campaign.counts.total });
  },
};
