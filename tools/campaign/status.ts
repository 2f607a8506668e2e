import { CALL_STATUSES } from '#schemas/call';
import type { Campaign, Voisnap } from '../../sdk/typescript/src/index.ts';
import { findCampaign } from './find-campaign.ts';

/** `campaign status`: the campaign's counts, one GET /api/v1/campaigns/{id}. Returns the exit code. */
export async function campaignStatus(options: {
  client: Voisnap;
  campaign: string;
  out: NodeJS.WriteStream;
}): Promise<number> {
  const print = (line: string) => options.out.write(`${line}\n`);
  const found = await findCampaign(options.client, options.campaign);
  if (!found) {
    print(`No campaign named "${options.campaign}".`);
    return 1;
  }
  const campaign = await options.client.campaigns.get(found.id);
  printCampaign(print, campaign);
  return 0;
}

/** The campaign's status and its calls counted by status (the counts trail the calls by a moment). */
export function printCampaign(print: (line: string) => void, campaign: Campaign): void {
  print(`Campaign "${campaign.name}" (${campaign.id}): ${campaign.status}, ${campaign.counts.total} contacts`);
  for (const status of CALL_STATUSES) {
    const count = campaign.counts[status] ?? 0;
    if (count > 0) print(`  ${status.padEnd(12)} ${count}`);
  }
  print(
    campaign.completedAt
      ? `Completed at ${campaign.completedAt}.`
      : `Agent ${campaign.agentId}, from ${campaign.startAt}, ${campaign.pacing?.callsPerMinute ?? '?'} calls a minute.`,
  );
}
