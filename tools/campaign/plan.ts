import { createHash } from 'node:crypto';
import { CAMPAIGN_LIMITS } from '#schemas/campaign';
import { CampaignContactSchema } from '#schemas/campaign-request';
import type { CallingWindow } from '#schemas/calling-window';
import { metadataProblem } from '#schemas/metadata';
import type { CampaignContact } from '../../sdk/typescript/src/index.ts';
import type { Contact, Problem } from './contacts.ts';

/** One request's worth of contacts, exactly as the command sends it, on every run. */
export interface PlannedChunk {
  /** Position of the chunk, from 0: the create carries chunk 0, each append one more. */
  index: number;
  /** The contacts before this chunk: the campaign's `counts.total` once the chunks before it are in. */
  offset: number;
  contacts: CampaignContact[];
  /** The rows of the file the contacts come from, for messages. */
  rows: Contact[];
  idempotencyKey: string;
}

export interface CampaignSettings {
  campaign: string;
  agentId: string;
  start: Date;
  /** Milliseconds between two contacts' calls; the API's pacing is 60,000 / everyMs calls a minute. */
  everyMs: number;
  /** Contacts per request: the API takes at most 1,000 (CAMPAIGN_LIMITS.contactsPerRequest.max). */
  chunkSize?: number;
  /** The campaign's calling window: part of the keys, so a run with another window is another request. */
  callingWindow?: CallingWindow;
}

/**
 * The campaign's pacing for `--every`: callsPerMinute = 60 s / every (2m → 0.5). Undefined when
 * the API's bounds (CAMPAIGN_LIMITS.callsPerMinute, 0.001–600 a minute) refuse it.
 */
export function callsPerMinuteFor(everyMs: number): number | undefined {
  const callsPerMinute = 60_000 / everyMs;
  const { min, max } = CAMPAIGN_LIMITS.callsPerMinute;
  return callsPerMinute >= min && callsPerMinute <= max ? callsPerMinute : undefined;
}

/**
 * The same file, campaign and settings always give the same keys and the same request bodies, so
 * a re-run within the API's 24 hours of idempotency gets the first run's campaign and contacts
 * back instead of new ones (later re-runs rely on the campaign's `counts.total` instead).
 */
export function idempotencyKeyFor(fileText: string, settings: CampaignSettings, chunk: number): string {
  const digest = createHash('sha256')
    .update(
      JSON.stringify([
        fileText,
        settings.campaign,
        settings.agentId,
        settings.start.toISOString(),
        settings.everyMs,
        // Only when given, so the keys of a run without a window stay what they were.
        ...(settings.callingWindow ? [settings.callingWindow] : []),
      ]),
    )
    .digest('hex');
  return `campaign-${digest.slice(0, 48)}-${chunk}`;
}

/**
 * The contacts of the file as the campaigns API takes them (metadata: customerId, customerName and
 * every other column), checked with the API's own contact schema, cut into requests of at most
 * 1,000. A number twice in the file is a problem: the API refuses a repeat within a request, and a
 * repeat across requests would call someone twice.
 */
export function planCampaign(
  fileText: string,
  contacts: Contact[],
  settings: CampaignSettings,
): { chunks: PlannedChunk[]; problems: Problem[]; total: number } {
  const problems: Problem[] = [];
  const valid: { row: Contact; contact: CampaignContact }[] = [];
  const lineOfPhone = new Map<string, number>();
  for (const row of contacts) {
    const contact: CampaignContact = {
      toNumber: row.phone,
      metadata: { customerId: row.id, customerName: row.name, ...row.extra },
    };
    // zod copies metadata, which drops a `__proto__` column: the bounds are checked on the original too.
    const parsed = CampaignContactSchema.safeParse(contact);
    const keyProblem = metadataProblem(contact.metadata ?? {});
    const firstLine = lineOfPhone.get(row.phone);
    if (!parsed.success || keyProblem)
      problems.push({
        line: row.line,
        message: keyProblem?.message ?? parsed.error?.issues.map((issue) => issue.message).join('; ') ?? '',
      });
    else if (firstLine !== undefined)
      problems.push({
        line: row.line,
        message: `phone ${row.phone} is also on line ${firstLine}; call each number once`,
      });
    else valid.push({ row, contact });
    if (firstLine === undefined) lineOfPhone.set(row.phone, row.line);
  }
  const size = Math.min(
    settings.chunkSize ?? CAMPAIGN_LIMITS.contactsPerRequest.max,
    CAMPAIGN_LIMITS.contactsPerRequest.max,
  );
  const chunks: PlannedChunk[] = [];
  for (let offset = 0; offset < valid.length; offset += size) {
    const part = valid.slice(offset, offset + size);
    chunks.push({
      index: chunks.length,
      offset,
      contacts: part.map(({ contact }) => contact),
      rows: part.map(({ row }) => row),
      idempotencyKey: idempotencyKeyFor(fileText, settings, chunks.length),
    });
  }
  return { chunks, problems, total: valid.length };
}
