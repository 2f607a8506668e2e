import * as z from 'zod/mini';

/** What the dial queue carries, from the API, from schedules and from the dialer's own re-sends. */
export const DialMessageSchema = z.object({
  callId: z.string(),
  accountId: z.string(),
  /** 1 for the first dial, 2 for the first retry…; a message for an older attempt is stale. */
  attempt: z.int().check(z.gte(1)),
  /** When to dial: a schedule may fire up to a minute early, and the dialer waits until then. */
  dueAt: z.iso.datetime({ offset: true }),
  /** How many times the dialer has put this message back for want of a telephony slot or a rate slot. */
  slotWaits: z._default(z.int(), 0),
});
export type DialMessage = z.infer<typeof DialMessageSchema>;
