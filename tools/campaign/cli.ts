import { existsSync, readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parseArgs } from 'node:util';
import { Voisnap } from '../../sdk/typescript/src/index.ts';
import { localConfig, type LocalStackState } from '../../local/config.ts';
import { type CampaignAction, changeCampaign } from './cancel.ts';
import type { CallingWindow } from '#schemas/calling-window';
import { WindowOptionError, windowFromOptions } from './window.ts';
import { callsPerMinuteFor } from './plan.ts';
import { describeError, scheduleCampaign } from './schedule.ts';
import { campaignStatus } from './status.ts';

const USAGE = `Usage: npm run campaign -- <command> [options]

Commands:
  schedule <contacts.csv> --agent <agentId> --start <time> --every <interval> [--campaign <name>]
           [--window <HH:MM-HH:MM> [--days <mon,tue,…>] [--time-zone <callee|zone>]
           [--default-time-zone <zone>]] [--dry-run]
      Creates a campaign (POST /api/v1/campaigns) with one contact per row: the first called at
      --start (ISO 8601 with a zone, such as 2030-06-17T09:00:00Z), then one every --every (such
      as 2m, 90s, 1h30m; from 1s to 16h40m). The CSV needs phone, id and name columns; other
      columns go into each call's metadata. The campaign is named after the file unless
      --campaign says otherwise. Safe to run again: contacts already scheduled are skipped.
      --window 09:00-20:00 dials only between those local times, on --days (default every day),
      in --time-zone (default callee: each number's own zone, from its area code);
      --default-time-zone is the zone of numbers whose area tells none (such as +1 500 numbers).
  status --campaign <name>
      The campaign's status and its calls counted by status.
  pause --campaign <name>
      No call of the campaign starts until it is resumed; calls under way finish.
  resume --campaign <name>
      Dials the calls held while paused, from now, at the campaign's pace.
  cancel --campaign <name>
      Cancels the campaign and its calls that have not started.

Options for every command:
  --base-url <url>   the API (default: VOISNAP_BASE_URL, else the local stack that npm start runs)
  --api-key <key>    default: VOISNAP_API_KEY, else the local stack's demo key`;

/** A command line the tool cannot run: one line, then the usage; exit code 2. */
class UsageError extends Error {}

const OPTIONS = {
  agent: { type: 'string' },
  start: { type: 'string' },
  every: { type: 'string' },
  campaign: { type: 'string' },
  window: { type: 'string' },
  days: { type: 'string' },
  'time-zone': { type: 'string' },
  'default-time-zone': { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  'base-url': { type: 'string' },
  'api-key': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function commandLine() {
  try {
    return parseArgs({ allowPositionals: true, options: OPTIONS });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

type Values = ReturnType<typeof commandLine>['values'];

function required(values: Values, name: 'agent' | 'start' | 'every' | 'campaign'): string {
  const value = values[name];
  if (!value) throw new UsageError(`--${name} is required.`);
  return value;
}

/** The API: flags, then VOISNAP_BASE_URL / VOISNAP_API_KEY, then the running local stack and its demo key. */
function client(values: Values): Voisnap {
  const config = localConfig();
  let baseUrl = values['base-url'] ?? process.env.VOISNAP_BASE_URL;
  if (!baseUrl) {
    if (!existsSync(config.stateFile)) {
      throw new UsageError(
        'No API to talk to: start the local stack with `npm start`, or pass --base-url (or set VOISNAP_BASE_URL).',
      );
    }
    baseUrl = (JSON.parse(readFileSync(config.stateFile, 'utf8')) as LocalStackState).apiUrl;
  }
  return new Voisnap({ apiKey: values['api-key'] ?? process.env.VOISNAP_API_KEY ?? config.apiKey, baseUrl });
}

/** An ISO 8601 date-time with a zone: a campaign's times must not depend on this machine's time zone. */
function parseStart(text: string): Date {
  const date = new Date(text);
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) ||
    Number.isNaN(date.getTime())
  ) {
    throw new UsageError(
      `--start must be an ISO 8601 date-time with a zone, such as 2030-06-17T09:00:00Z or 2030-06-17T11:00:00+02:00 (got "${text}").`,
    );
  }
  return date;
}

/** 2m, 90s, 1h30m → milliseconds, within the campaigns API's pacing (0.001 to 600 calls a minute). */
function parseInterval(text: string): number {
  const parts = [...text.matchAll(/(\d+)([hms])/g)];
  const unit = { h: 3_600_000, m: 60_000, s: 1000 } as const;
  const ms = parts.reduce((total, [, amount, symbol]) => total + Number(amount) * unit[symbol as keyof typeof unit], 0);
  if (parts.length === 0 || parts.map(([part]) => part).join('') !== text || callsPerMinuteFor(ms) === undefined) {
    throw new UsageError(`--every must be an interval from 1s to 16h40m, such as 2m, 90s or 1h30m (got "${text}").`);
  }
  return ms;
}

/** The window options as the API's callingWindow (window.ts); a problem is a usage error. */
function callingWindow(values: Values): CallingWindow | undefined {
  try {
    return windowFromOptions(values);
  } catch (error) {
    if (error instanceof WindowOptionError) throw new UsageError(error.message);
    throw error;
  }
}

/** CAMPAIGN_CONTACTS_PER_REQUEST: contacts per request, 1 to 1,000 (default 1,000; tests use fewer). */
function chunkSize(): number | undefined {
  const text = process.env.CAMPAIGN_CONTACTS_PER_REQUEST;
  if (!text) return undefined;
  const size = Number(text);
  if (!Number.isInteger(size) || size < 1 || size > 1000)
    throw new UsageError(`CAMPAIGN_CONTACTS_PER_REQUEST must be an integer from 1 to 1000 (got "${text}").`);
  return size;
}

async function main(): Promise<number> {
  const { positionals, values } = commandLine();
  const command = positionals[0];
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  // Ctrl-C once: finish what is on its way, then stop and say how to go on. Twice: stop now.
  const interrupt = new AbortController();
  process.on('SIGINT', () => {
    if (interrupt.signal.aborted) process.exit(130);
    interrupt.abort();
  });

  switch (command) {
    case 'schedule': {
      const file = positionals[1];
      if (!file)
        throw new UsageError(
          'Name the contacts file: npm run campaign -- schedule contacts.csv --agent … --start … --every ….',
        );
      if (!existsSync(file)) throw new UsageError(`No file ${file}.`);
      const every = required(values, 'every');
      return scheduleCampaign({
        client: client(values),
        file,
        campaign: values.campaign ?? basename(file, extname(file)),
        agentId: required(values, 'agent'),
        start: parseStart(required(values, 'start')),
        everyMs: parseInterval(every),
        everyText: every,
        callingWindow: callingWindow(values),
        dryRun: values['dry-run'] ?? false,
        chunkSize: chunkSize(),
        signal: interrupt.signal,
        out: process.stdout,
      });
    }
    case 'status':
      return campaignStatus({ client: client(values), campaign: required(values, 'campaign'), out: process.stdout });
    case 'pause':
    case 'resume':
    case 'cancel':
      return changeCampaign({
        client: client(values),
        campaign: required(values, 'campaign'),
        action: command as CampaignAction,
        out: process.stdout,
      });
    default:
      throw new UsageError(`Unknown command "${command}".`);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      error instanceof UsageError
        ? `${error.message}\n\n${USAGE}`
        : `The campaign command failed: ${describeError(error)}`,
    );
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
