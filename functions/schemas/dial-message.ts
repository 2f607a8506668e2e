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
