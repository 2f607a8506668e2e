import type { Call, Voisnap } from '../../sdk/typescript/src/index.ts';

/**
 * The calls of a campaign: the calls whose metadata.campaignId is its name. The API has no
 * metadata filter, so this pages through the account's calls (or one agent's) and filters here:
 * one request per 100 calls.
 */
export async function findCampaignCalls(client: Voisnap, campaign: string, agentId?: string): Promise<Call[]> {
  const calls: Call[] = [];
  for await (const call of client.outboundCalls.list({ pageSize: 100, ...(agentId ? { agentId } : {}) })) {
    if (call.metadata.campaignId === campaign) calls.push(call);
  }
  return calls;
}
