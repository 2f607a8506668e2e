import * as z from 'zod/mini';
import { ListCallsQuerySchema } from './list-calls-query.ts';

export const SUPPRESSION_LIMITS = {
  reasonLength: 500,
} as const;

export const SUPPRESSION_FIELD_CODES = { phoneNumber: 'invalid_phone_number' };

/** A number the account never wants called, as the API shows it. */
export const SuppressionSchema = z.object({
  phoneNumber: z.string(),
  reason: z.nullable(z.string()),
  createdAt: z.string(),
});
export type Suppression = z.infer<typeof SuppressionSchema>;

/** Query string of GET /api/v1/suppressions: paged like GET /api/v1/outbound-calls. */
export const ListSuppressionsQuerySchema = z.strictObject({
  page: ListCallsQuerySchema.shape.page,
  pageSize: ListCallsQuerySchema.shape.pageSize,
  cursor: ListCallsQuerySchema.shape.cursor,
});
export type ListSuppressionsQuery = z.infer<typeof ListSuppressionsQuerySchema>;
