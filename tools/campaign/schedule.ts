import { readFileSync } from 'node:fs';
import { UnprocessableEntityError, type Voisnap, VoisnapError } from '../../sdk/typescript/src/index.ts';
import { findCampaignCalls } from './campaign-calls.ts';
import { readContacts, type Problem } from './contacts.ts';
import { callsInThePast, planCampaign, type PlannedCall } from './plan.ts';
import { progress } from './progress.ts';

export interface ScheduleOptions {
  client: Voisnap;
  file: string;
  campaign: string;
  agentId: string;
  start: Date;
  everyMs: number;
  everyText: string;
  dryRun: boolean;
  /** Aborted by Ctrl-C: the calls on their way are finished, no new one is started. */
  signal: AbortSignal;
  out: NodeJS.WriteStream;
}

/** Requests in flight at once: fast enough for thousands of contacts, gentle on the API's throttling. */
const CONCURRENCY = 4;

/** `campaign schedule`: one scheduled call per contact, `every` apart from `start`. Returns the exit code. */
export async function scheduleCampaign(options: ScheduleOptions): Promise<number> {
  const { client, campaign, out } = options;
  const print = (line = '') => out.write(`${line}\n`);

  // 1. Read and check every row; nothing is sent while any row is wrong.
  const { contacts, problems } = readContacts(readFileSync(options.file, 'utf8'));
  const plan = planCampaign(contacts, {
    campaign,
    agentId: options.agentId,
    start: options.start,
    everyMs: options.everyMs,
  });
  const invalid = [...problems, ...plan.problems];
  if (invalid.length > 0) return reportProblems(print, options.file, invalid);
  if (plan.calls.length === 0) {
    print(`${options.file} has no contacts; nothing was scheduled.`);
    return 1;
  }

  // 2. What earlier runs scheduled already: the campaign's calls, by contact id.
  const existing = await findCampaignCalls(client, campaign);
  const scheduledBefore = new Set(existing.map((call) => String(call.metadata.customerId)));
  const pending = plan.calls.filter((call) => !scheduledBefore.has(call.contact.id));
  const late = callsInThePast(pending, new Date());
  if (late.length > 0) return reportProblems(print, options.file, late);

  const first = plan.calls[0]?.request.scheduledFor;
  const last = plan.calls.at(-1)?.request.scheduledFor;
  print(
    `Campaign "${campaign}": ${plan.calls.length} contacts from ${options.file}, agent ${options.agentId}, calls due ${first} to ${last} (every ${options.everyText}).`,
  );
  if (scheduledBefore.size > 0)
    print(`${plan.calls.length - pending.length} of them were scheduled by an earlier run and are skipped.`);

  // 3. A dry run shows what would be sent, and sends nothing.
  if (options.dryRun) {
    for (const call of pending.slice(0, 5))
      print(`  line ${call.contact.line}: ${call.contact.id} ${call.request.toNumber} at ${call.request.scheduledFor}`);
    if (pending.length > 5) print(`  … and ${pending.length - 5} more`);
    print(`Dry run: would schedule ${pending.length} calls; nothing was sent.`);
    return 0;
  }

  // 4. Create the calls, a few at a time; each with its row's idempotency key.
  const outcome = await createAll(client, pending, options);

  // 5. Summary.
  print();
  print(`Campaign "${campaign}"`);
  print(`  scheduled now       ${outcome.created}`);
  print(`  already scheduled   ${plan.calls.length - pending.length + outcome.alreadyScheduled}`);
  print(`  not scheduled       ${pending.length - outcome.created - outcome.alreadyScheduled}`);
  if (outcome.failure) {
    const { call, error } = outcome.failure;
    print(`Stopped at line ${call.contact.line} (${call.contact.id}): ${describeError(error)}`);
    print(
      'Fix the cause and run the same command again: what is scheduled already is skipped, nothing is scheduled twice.',
    );
    return 1;
  }
  if (options.signal.aborted) {
    print('Interrupted. Run the same command again to schedule the rest: nothing is scheduled twice.');
    return 130;
  }
  print(`Follow it: npm run campaign -- status --campaign ${shellWord(campaign)}`);
  return 0;
}

interface Outcome {
  created: number;
  /** Calls this run asked for that an earlier run had created with other settings (422). */
  alreadyScheduled: number;
  failure?: { call: PlannedCall; error: unknown };
}

async function createAll(client: Voisnap, pending: PlannedCall[], options: ScheduleOptions): Promise<Outcome> {
  const outcome: Outcome = { created: 0, alreadyScheduled: 0 };
  const bar = progress(pending.length, 'scheduled', options.out);
  let next = 0;
  const worker = async () => {
    while (!options.signal.aborted && !outcome.failure && next < pending.length) {
      const call = pending[next++] as PlannedCall;
      try {
        const created = await client.outboundCalls.create(call.request, { idempotencyKey: call.idempotencyKey });
        outcome.created += 1;
        bar.step(`scheduled line ${call.contact.line} (${call.contact.id}) for ${created.scheduledFor}: ${created.id}`);
      } catch (error) {
        if (error instanceof UnprocessableEntityError && error.code === 'idempotency_key_reused') {
          outcome.alreadyScheduled += 1;
          bar.step(
            `line ${call.contact.line} (${call.contact.id}) was scheduled by an earlier run with other settings; kept as it was`,
          );
        } else {
          outcome.failure ??= { call, error };
        }
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  bar.finish();
  return outcome;
}

function reportProblems(print: (line: string) => void, file: string, problems: Problem[]): number {
  print(
    `${file}: ${problems.length} ${problems.length === 1 ? 'row needs' : 'rows need'} fixing; nothing was scheduled.`,
  );
  for (const problem of [...problems].sort((a, b) => a.line - b.line))
    print(`  line ${problem.line}: ${problem.message}`);
  return 1;
}

export function describeError(error: unknown): string {
  if (error instanceof VoisnapError)
    return `${error.message}${error.code ? ` (${error.code}${error.param ? `, ${error.param}` : ''})` : ''}`;
  return error instanceof Error ? error.message : String(error);
}

const shellWord = (word: string) => (/^[\w.-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`);
