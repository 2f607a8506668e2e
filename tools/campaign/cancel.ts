import { ConflictError, type Voisnap } from '../../sdk/typescript/src/index.ts';
import { findCampaignCalls } from './campaign-calls.ts';
import { progress } from './progress.ts';
import { describeError } from './schedule.ts';

const CONCURRENCY = 4;
/** What the API can still cancel. */
const NOT_STARTED = new Set(['scheduled', 'queued']);

/** `campaign cancel`: cancels every call of the campaign that has not started. Returns the exit code. */
export async function cancelCampaign(options: {
  client: Voisnap;
  campaign: string;
  agentId?: string;
  signal: AbortSignal;
  out: NodeJS.WriteStream;
}): Promise<number> {
  const print = (line: string) => options.out.write(`${line}\n`);
  const calls = await findCampaignCalls(options.client, options.campaign, options.agentId);
  const cancellable = calls.filter((call) => NOT_STARTED.has(call.status));
  print(`Campaign "${options.campaign}": ${calls.length} calls, ${cancellable.length} not started.`);

  const bar = progress(cancellable.length, 'cancelled', options.out);
  let next = 0;
  let cancelled = 0;
  let started = 0;
  const failures: string[] = [];
  const worker = async () => {
    while (!options.signal.aborted && next < cancellable.length) {
      const call = cancellable[next++];
      if (!call) return;
      try {
        await options.client.outboundCalls.cancel(call.id);
        cancelled += 1;
        bar.step(`cancelled ${call.id} (${String(call.metadata.customerId)})`);
      } catch (error) {
        // It started between the listing and the cancel.
        if (error instanceof ConflictError && error.code === 'call_not_cancellable') started += 1;
        else failures.push(`${call.id}: ${describeError(error)}`);
        bar.step(`${call.id} not cancelled: ${describeError(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  bar.finish();

  print(
    `Cancelled ${cancelled}. Not cancelled: ${started} started meanwhile, ${calls.length - cancellable.length} had started or ended already.`,
  );
  for (const failure of failures) print(`  not cancelled: ${failure}`);
  if (options.signal.aborted) {
    print('Interrupted. Run the same command again to cancel the rest.');
    return 130;
  }
  return failures.length > 0 ? 1 : 0;
}
