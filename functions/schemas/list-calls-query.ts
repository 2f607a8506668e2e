import * as z from 'zod/mini';
import { CAMPAIGN_ID_PATTERN, DIRECTORY_ID_PATTERN } from '#domain/ids';
import { CALL_STATUSES } from './call.ts';
import { idField } from './text-field.ts';

export const LIST_LIMITS = {
  pageSize: { min: 1, max: 100, default: 20 },
  /**
   * A page by number may start at most this many calls past the nearest page start the service
   * remembers (the top of the list, or where a page of the same listing served in the last
   * `pageStartTtlSeconds` ended), because those calls are read and skipped. Pages requested in
   * order, or by `nextCursor`, skip nothing and cost the same at any depth.
   */
  maxOffset: 10_000,
  /** Seconds the service remembers where the next page of a listing starts (15 minutes). */
  pageStartTtlSeconds: 900,
  /** Characters in a cursor; the ones the service issues are far shorter. */
  cursorLength: 1024,
} as const;

const integerAtLeast = (field: string, min: number, max?: number) => {
  const error =
    max === undefined
      ? `${field} must be an integer of at least ${min}.`
      : `${field} must be an integer from ${min} to ${max}.`;
  const checks = [z.int({ error }), z.gte(min, { error }), ...(max === undefined ? [] : [z.lte(max, { error })])];
  return z.coerce.number({ error }).check(...checks);
};

const isDateOnly = (value: string) => value.length === 10;

/** Where a `dateFrom` (a date or a date-time) begins, in milliseconds since the epoch (UTC). */
export const rangeStart = (value: string) => Date.parse(isDateOnly(value) ? `${value}T00:00:00Z` : value);

/** Where a `dateTo` ends, exclusive, in milliseconds (UTC): after the whole day of a date, the whole second of a date-time. */
export const rangeEnd = (value: string) => rangeStart(value) + (isDateOnly(value) ? 86_400_000 : 1000);

const dateOrDateTime = (field: string) => {
  // A `+` in a query string means a space, so an offset such as +02:00 arrives as " 02:00" unless sent as %2B02:00.
  const error = `${field} must be an ISO 8601 date (2025-06-01) or date-time with a time zone (2025-06-01T00:00:00Z, or 2025-06-01T00:00:00%2B02:00: a + in a URL must be sent as %2B).`;
  return z
    .union([z.iso.date(), z.iso.datetime({ offset: true })], { error })
    .check(z.refine((value) => !Number.isNaN(rangeStart(value)), { error }));
};

/** Query string of GET /api/v1/outbound-calls. Unknown parameters are rejected, like unknown body fields. */
export const ListCallsQuerySchema = z
  .strictObject({
    agentId: z.optional(
      idField('agentId', DIRECTORY_ID_PATTERN, 'an agent id: letters, digits, _ and -, at most 64 characters'),
    ),
    /** The calls of one campaign (docs/api.md, "Campaigns"); combines with status, not with agentId. */
    campaignId: z.optional(idField('campaignId', CAMPAIGN_ID_PATTERN, 'a campaign id: cmp_ followed by 26 characters')),
    status: z.optional(z.enum(CALL_STATUSES, { error: `status must be one of: ${CALL_STATUSES.join(', ')}.` })),
    dateFrom: z.optional(dateOrDateTime('dateFrom')),
    dateTo: z.optional(dateOrDateTime('dateTo')),
    page: z.optional(integerAtLeast('page', 1)),
    pageSize: z.optional(integerAtLeast('pageSize', LIST_LIMITS.pageSize.min, LIST_LIMITS.pageSize.max)),
    cursor: z.optional(
      z.string().check(
        z.minLength(1, { error: 'cursor must not be empty.' }),
        z.maxLength(LIST_LIMITS.cursorLength, {
          error: 'cursor is not one this listing issued; pass nextCursor unchanged.',
        }),
      ),
    ),
  })
  .check(
    z.refine((query) => !query.campaignId || !query.agentId, {
      error: "campaignId and agentId cannot be combined: a campaign's calls all have the campaign's agent.",
      path: ['campaignId'],
    }),
    z.refine((query) => !query.dateFrom || !query.dateTo || rangeStart(query.dateFrom) < rangeEnd(query.dateTo), {
      error: 'dateFrom must not be after dateTo.',
      path: ['dateFrom'],
    }),
  );
export type ListCallsQuery = z.infer<typeof ListCallsQuerySchema>;
