import type { Campaign, Voisnap } from '../../sdk/typescript/src/index.ts';

/**
 * The campaign named `name`: the newest of that name (GET /api/v1/campaigns, newest first, 100
 * per request), or undefined. The command names campaigns; the API knows them by id.
 */
export async function findCampaign(client: Voisnap, name: string): Promise<Campaign | undefined> {
  for await (const campaign of client.campaigns.list({ pageSize: 100 })) if (campaign.name === name) return campaign;
  return undefined;
}
