import * as z from 'zod/mini';

const DialMessageFields = z.object({
  callId: z.string(),
  accountId: z.string(),
  /** 1 for the first dial, 2 for the first retry…; a message for an older attempt is stale. */
  attempt: z.int().check(z.gte(1)),
  /** When to dial: a schedule may fire up to a minute early, and the dialer waits until then. */
  dueAt: z.iso.datetime({ offset: true }),
  /**
   * How many times the dialer has put this message back to wait: for one of the account's
   * telephony slots, or for a moment within the provider's calls-per-second budget. Sets the backoff.
   */
  waits: z._default(z.int(), 0),
  /**
   * The place in the provider's calls-per-second queue this message holds, when the dialer put it
   * back to wait for it: dial in [`sendAt`, `sendBy`). A place that has passed is given up.
   */
  sendAt: z.optional(z.iso.datetime({ offset: true })),
  sendBy: z.optional(z.iso.datetime({ offset: true })),
  /**
   * How many times the provider deferred this attempt's dial (it created nothing and asked to try
   * later: a 429, or the request could not be sent); absent: never. Bounds the deferrals.
   */
  deferrals: z.optional(z.int().check(z.gte(0))),
  /** Set on the messages of a call waiting for a telephony slot: see StoredCall.slotWaitToken. */
  waitToken: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
});

/**
 * Messages sent before `waits` had its name call it `slotWaits` (it counted calls-per-second waits
 * too); such a message may still be in the queue or in a schedule, so the old name is read as the new.
 */
function renamingOldFields(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || !('slotWaits' in input)) return input;
  const { slotWaits, ...rest } = input as Record<string, unknown>;
  return { waits: slotWaits, ...rest };
}

/** What the dial queue carries, from the API, from schedules and from the dialer's own re-sends. */
export const DialMessageSchema = z.pipe(z.transform(renamingOldFields), DialMessageFields);
export type DialMessage = z.infer<typeof DialMessageSchema>;

/**
 * The work a campaign's resume or cancel leaves to be done on its calls, a page at a time: it
 * rides the dial queue to the dialer, which handles one page and sends the next message itself
 * (use-cases/campaign-sweeps.ts). So the API answers after one write, whatever the campaign's size.
 */
export const CampaignSweepMessageSchema = z.object({
  kind: z.literal('campaignSweep'),
  /** cancel: end the waiting calls `cancelled`; resume: send the held (queued) calls to be dialed again. */
  action: z.enum(['cancel', 'resume']),
  accountId: z.string(),
  campaignId: z.string(),
  /** The campaign's `statusVersion` its pause/resume/cancel wrote: a later change ends a resume's sweep. */
  statusVersion: z.int(),
  /** Which waiting calls this page reads (a cancel reads `scheduled`, then `queued`; a resume `queued`). */
  status: z.enum(['scheduled', 'queued']),
  /** The campaign-status index's sort key (`createdKey`) of the last call handled; absent: from the start. */
  after: z.optional(z.string().check(z.maxLength(200))),
  /** When the resume happened: held call number n is due `from` + n × 60 / callsPerMinute seconds. */
  from: z.iso.datetime({ offset: true }),
  /** Held calls the resume's earlier pages sent (n of the first call of this page). */
  planned: z._default(z.int().check(z.gte(0)), 0),
});
export type CampaignSweepMessage = z.infer<typeof CampaignSweepMessageSchema>;

/**
 * The contacts a campaign request (create or append) stored but had no time to make calls of: the
 * dialer makes the calls of contacts `from`… a page at a time, each page sending the next
 * (use-cases/campaign-contacts.ts). The reconciler sends it again when a campaign's contacts stop
 * moving (a message lost, or never sent). Idempotent: each contact's call has its own key.
 */
export const CampaignContactsMessageSchema = z.object({
  kind: z.literal('campaignContacts'),
  accountId: z.string().check(z.minLength(1), z.maxLength(200)),
  campaignId: z.string().check(z.minLength(1), z.maxLength(200)),
  /** The index, in the campaign, of the first contact this page makes a call of. */
  from: z.int().check(z.gte(0), z.lte(100_000_000)),
});
export type CampaignContactsMessage = z.infer<typeof CampaignContactsMessageSchema>;

/** A message a campaign's background work sends itself on the dial queue (a sweep page, a contacts page). */
export type CampaignWorkMessage = CampaignSweepMessage | CampaignContactsMessage;

/**
 * Everything the dial queue carries: a dial message, a page of a campaign's resume or cancel, or a
 * page of a campaign's contacts whose calls are still to be made.
 */
export const DialQueueMessageSchema = z.union([
  CampaignSweepMessageSchema,
  CampaignContactsMessageSchema,
  DialMessageSchema,
]);
export type DialQueueMessage = z.infer<typeof DialQueueMessageSchema>;
