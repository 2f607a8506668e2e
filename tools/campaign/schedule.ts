import { readFileSync } from 'node:fs';
import { toTimestamp } from '#domain/time';
import type { CallingWindow } from '#schemas/calling-window';
import { LIMITS } from '#schemas/create-call-request';
import { type Voisnap, VoisnapError } from '../../sdk/typescript/src/index.ts';
import { readContacts, type Problem } from './contacts.ts';
import { findCampaign } from './find-campaign.ts';
import { callsPerMinuteFor, planCampaign, type PlannedChunk } from './plan.ts';
import { progress } from './progress.ts';

export interface ScheduleOptions {
  client: Voisnap;
  file: string;
  campaign: string;
  agentId: string;
  start: Date;
  everyMs: number;
  everyText: string;
  /** The campaign's calling window (--window, --days, --time-zone, --default-time-zone), if any. */
  callingWindow?: CallingWindow;
  dryRun: boolean;
  /** Contacts per request (at most the API's 1,000). */
  chunkSize?: number;
  /** Aborted by Ctrl-C: the request on its way is finished, no new one is started. */
  signal: AbortSignal;
  out: NodeJS.WriteStream;
}

/**
 * `campaign schedule`: one campaign (POST /api/v1/campaigns) with the file's rows as contacts, the
 * rest appended 1,000 at a time (POST /api/v1/campaigns/{id}/contacts), paced one call every
 * `every` from `start`. A re-run finds the campaign by name and sends only the contacts past its
 * `counts.total`; each request carries an Idempotency-Key derived from the file and settings.
 * Returns the exit code.
 */
export async function scheduleCampaign(options: ScheduleOptions): Promise<number> {
  const { client, campaign: name, out } = options;
  const print = (line = '') => out.write(`${line}\n`);

  // 1. Read and check every row; nothing is sent while any row is wrong.
  const text = readFileSync(options.file, 'utf8');
  const { contacts, problems } = readContacts(text);
  const settings = {
    campaign: name,
    agentId: options.agentId,
    start: options.start,
    everyMs: options.everyMs,
    chunkSize: options.chunkSize,
    callingWindow: options.callingWindow,
  };
  const plan = planCampaign(text, contacts, settings);
  const invalid = [...problems, ...plan.problems];
  if (invalid.length > 0) return reportProblems(print, options.file, invalid);
  if (plan.total === 0) {
    print(`${options.file} has no contacts; nothing was scheduled.`);
    return 1;
  }
  const callsPerMinute = callsPerMinuteFor(options.everyMs) as number;

  // 2. What earlier runs scheduled already: the campaign of that name and its contacts.
  let campaign = await findCampaign(client, name);
  if (campaign && campaign.agentId !== options.agentId) {
    print(
      `Campaign "${name}" exists already with agent ${campaign.agentId} (${campaign.id}); name this one otherwise with --campaign.`,
    );
    return 1;
  }
  if (campaign?.status === 'cancelled') {
    print(
      `Campaign "${name}" (${campaign.id}) is cancelled: none of its calls will be made. Schedule the file as a new campaign with --campaign <another name>.`,
    );
    return 1;
  }
  const before = Math.min(campaign?.counts.total ?? 0, plan.total);
  if (!campaign && options.start.getTime() < Date.now() - LIMITS.scheduledForSkewToleranceMinutes * 60_000) {
    print(`--start ${toTimestamp(options.start)} has passed; pass a later --start. Nothing was scheduled.`);
    return 1;
  }

  const dueAt = (index: number) => toTimestamp(new Date(options.start.getTime() + index * options.everyMs));
  print(
    `Campaign "${name}": ${plan.total} contacts from ${options.file}, agent ${options.agentId}, calls due ${dueAt(0)} to ${dueAt(plan.total - 1)} (every ${options.everyText}).`,
  );
  const window = options.callingWindow;
  if (window)
    print(
      `Calls only ${window.start}–${window.end} on ${window.days.join(',')}, ${window.timeZone === 'callee' ? "in each callee's time zone" : `${window.timeZone} time`}${window.defaultTimeZone ? ` (${window.defaultTimeZone} for numbers without one)` : ''}.`,
    );
  if (before > 0) print(`${before} of them were scheduled by an earlier run and are skipped.`);

  // 3. A dry run shows what would be sent, and sends nothing.
  const rows = plan.chunks.flatMap((chunk) => chunk.rows);
  if (options.dryRun) {
    for (const [i, row] of rows.slice(before, before + 5).entries())
      print(`  line ${row.line}: ${row.id} ${row.phone} at ${dueAt(before + i)}`);
    if (plan.total - before > 5) print(`  … and ${plan.total - before - 5} more`);
    print(`Dry run: would schedule ${plan.total - before} calls; nothing was sent.`);
    return 0;
  }

  // 4. Create the campaign, then append the rest, one request at a time, in the file's order.
  const bar = progress(plan.chunks.length, 'requests', out);
  let failure: { chunk: PlannedChunk; from: number; error: unknown } | undefined;
  for (const chunk of plan.chunks) {
    const end = chunk.offset + chunk.contacts.length;
    const done = campaign?.counts.total ?? 0;
    if (end <= done) {
      bar.step(`lines ${chunk.rows[0]?.line}–${chunk.rows.at(-1)?.line} were scheduled by an earlier run`);
      continue;
    }
    if (options.signal.aborted) break;
    // A chunk partly in (someone appended between): send only its rest, under a key of its own.
    const from = Math.max(0, done - chunk.offset);
    const part = chunk.contacts.slice(from);
    const key = from === 0 ? chunk.idempotencyKey : `${chunk.idempotencyKey}-${from}`;
    try {
      campaign = campaign
        ? await client.campaigns.addContacts(campaign.id, part, { idempotencyKey: key })
        : await client.campaigns.create(
            {
              name,
              agentId: options.agentId,
              contacts: part,
              startAt: toTimestamp(options.start),
              pacing: { callsPerMinute },
              ...(options.callingWindow ? { callingWindow: options.callingWindow } : {}),
            },
            { idempotencyKey: key },
          );
    } catch (error) {
      failure = { chunk, from, error };
      break;
    }
    bar.step(`scheduled lines ${chunk.rows[from]?.line}–${chunk.rows.at(-1)?.line} in campaign ${campaign.id}`);
  }
  bar.finish();
  const after = Math.min(campaign?.counts.total ?? 0, plan.total);

  // 5. Summary.
  print();
  print(`Campaign "${name}"${campaign ? ` (${campaign.id})` : ''}`);
  print(`  scheduled now       ${after - before}`);
  print(`  already scheduled   ${before}`);
  print(`  not scheduled       ${plan.total - after}`);
  if (failure) {
    const { chunk, from, error } = failure;
    // The API names the contact at fault (`contacts.<i>…`, counted in the request it refused).
    const contact = error instanceof VoisnapError ? /^contacts\.(\d+)/.exec(error.param ?? '') : null;
    const row = contact ? chunk.rows[from + Number(contact[1])] : undefined;
    const sent = `lines ${chunk.rows[from]?.line}–${chunk.rows.at(-1)?.line}`;
    print(
      row
        ? `Stopped at line ${row.line}: ${describeError(error)}`
        : `Stopped: the request for ${sent} was refused: ${describeError(error)}`,
    );
    print(
      'Fix the cause and run the same command again: what is scheduled already is skipped, nothing is scheduled twice.',
    );
    return 1;
  }
  if (after < plan.total) {
    print('Interrupted. Run the same command again to schedule the rest: nothing is scheduled twice.');
    return 130;
  }
  print(`Follow it: npm run campaign -- status --campaign ${shellWord(name)}`);
  return 0;
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
