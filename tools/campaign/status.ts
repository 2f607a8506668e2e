import { CALL_STATUSES } from '#schemas/call';
import type { Voisnap } from '../../sdk/typescript/src/index.ts';
import { findCampaignCalls } from './campaign-calls.ts';

/** `campaign status`: the campaign's calls counted by status. Returns the exit code. */
export async function campaignStatus(options: {
  client: Voisnap;
  campaign: string;
  agentId?: string;
  out: NodeJS.WriteStream;
}): Promise<number> {
  const print = (line: string) => options.out.write(`${line}\n`);
  const calls = await findCampaignCalls(options.client, options.campaign, options.agentId);
  if (calls.length === 0) {
    print(`No calls found for campaign "${options.campaign}"${options.agentId ? ` of agent ${options.agentId}` : ''}.`);
    return 1;
  }
  print(`Campaign "${options.campaign}": ${calls.length} calls`);
  for (const status of CALL_STATUSES) {
    const count = calls.filter((call) => call.status === status).length;
    if (count > 0) print(`  ${status.padEnd(12)} ${count}`);
  }
  const due = calls
    .filter((call) => call.status === 'scheduled' && call.scheduledFor)
    .map((call) => call.scheduledFor as string)
    .sort();
  if (due.length > 0) print(`Next call due ${due[0]}, last ${due.at(-1)}.`);
  return 0;
}
