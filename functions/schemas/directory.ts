import * as z from 'zod/mini';
import { KeyModeSchema } from './call.ts';

export const ACCOUNT_DEFAULTS = { concurrentCallLimit: 10 } as const;

export const AccountSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Calls of this account that may be initiating, ringing or in progress at once. */
  concurrentCallLimit: z.int(),
  createdAt: z.string(),
});
export type Account = z.infer<typeof AccountSchema>;

export const AgentSchema = z.object({
  id: z.string(),
  accountId: z.string(),
  name: z.string(),
  defaultFirstMessage: z.string(),
  /** Provisioned numbers this agent may call from. */
  numbers: z.array(z.string()),
  /** The caller ID used when a request names no `fromNumber`; one of `numbers`, or null. */
  defaultFromNumber: z.nullable(z.string()),
  createdAt: z.string(),
});
export type Agent = z.infer<typeof AgentSchema>;

export const ApiKeySchema = z.object({
  id: z.string(),
  accountId: z.string(),
  mode: KeyModeSchema,
  /** SHA-256 of the key, hex. The key itself is shown once and never stored. */
  hash: z.string(),
  /** The prefix and the last four characters, enough for a person to recognise the key. */
  hint: z.string(),
  createdAt: z.string(),
  revokedAt: z.nullable(z.string()),
});
export type ApiKey = z.infer<typeof ApiKeySchema>;

export const PhoneNumberSchema = z.object({
  number: z.string(),
  accountId: z.string(),
  createdAt: z.string(),
});
export type PhoneNumber = z.infer<typeof PhoneNumberSchema>;

/** Who is calling the API, as the authorizer resolved it from the key. */
export const CallerSchema = z.object({
  accountId: z.string(),
  keyMode: KeyModeSchema,
  keyId: z.string(),
});
export type Caller = z.infer<typeof CallerSchema>;
