import * as z from 'zod/mini';
import { CALL_STATUSES } from './call.ts';

export const LIST_LIMITS = {
  pageSize: { min: 1, max: 100, default: 20 },
  /** Page numbers reach this many calls deep; past it, follow `nextCursor`, which costs the same at any depth. */
  maxOffset: 10_000,
} as const;

const integerAtLeast = (field: string, min: number, max?: number) => {
  const error = max === undefined ? `${field} must be an integer of at least ${min}.` : `${field} must be an integer from ${min} to ${max}.`;
  const checks = [z.int({ error }), z.gte(min, { error }), ...(max === undefined ? [] : [z.lte(max, { error })])];
  return z.coerce.number({ error }).check(...checks);
};

const dateOrDateTime = (field: string) =>
  z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
    error: `${field} must be an ISO 8601 date (2025-06-01) or date-time with a time zone (2025-06-01T00:00:00Z).`,
  });

/** Query string of GET /api/v1/outbound-calls. Unknown parameters are rejected, like unknown body fields. */
export const ListCallsQuerySchema = z.strictObject({
  agentId: z.optional(z.string().check(z.minLength(1, { error: 'agentId must not be empty.' }))),
  status: z.optional(
    z.enum(CALL_STATUSES, { error: `status must be one of: ${CALL_STATUSES.join(', ')}.` }),
  ),
  dateFrom: z.optional(dateOrDateTime('dateFrom')),
  dateTo: z.optional(dateOrDateTime('dateTo')),
  page: z.optional(integerAtLeast('page', 1)),
  pageSize: z.optional(integerAtLeast('pageSize', LIST_LIMITS.pageSize.min, LIST_LIMITS.pageSize.max)),
  cursor: z.optional(z.string().check(z.minLength(1, { error: 'cursor must not be empty.' }))),
});
export type ListCallsQuery = z.infer<typeof ListCallsQuerySchema>;
