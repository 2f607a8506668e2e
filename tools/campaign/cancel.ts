import { ConflictError, type Campaign, type Voisnap } from '../../sdk/typescript/src/index.ts';
import { findCampaign } from './find-campaign.ts';
import { describeError } from './schedule.ts';
import { printCampaign } from './status.ts';

export type CampaignAction = 'cancel' | 'pause' | 'resume';

const DONE: Record<CampaignAction, string> = {
  cancel: 'cancelled: its calls that had not started are being cancelled (status shows them); calls under way finish',
  pause: 'paused: no call of it starts until you resume it; calls under way finish',
  resume: 'running again: the calls held while it was paused are dialed from now, at its pace',
};

/**
 * `campaign cancel|pause|resume`: POST /api/v1/campaigns/{id}/cancel|pause|resume for the campaign
 * of that name. Returns the exit code: 0 done, 1 no such campaign or the API refused (409: a
 * completed campaign cannot be cancelled, only a paused one resumed, …).
 */
export async function changeCampaign(options: {
  client: Voisnap;
  campaign: string;
  action: CampaignAction;
  out: NodeJS.WriteStream;
}): Promise<number> {
  const print = (line: string) => options.out.write(`${line}\n`);
  const found = await findCampaign(options.client, options.campaign);
  if (!found) {
    print(`No campaign named "${options.campaign}".`);
    return 1;
  }
  let campaign: Campaign;
  try {
    campaign = await options.client.campaigns[options.action](found.id);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    print(`Campaign "${options.campaign}" (${found.id}) is ${found.status}: ${describeError(error)}`);
    return 1;
  }
  const done =
    options.action === 'resume' && campaign.status === 'scheduled'
      ? `scheduled again: it starts at ${campaign.startAt}, at its pace`
      : DONE[options.action];
  print(`Campaign "${options.campaign}" is ${done}.`);
  printCampaign(print, campaign);
  return 0;
}
