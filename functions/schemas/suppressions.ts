import * as z from 'zod/mini';
import { ListCallsQuerySchema } from './list-calls-query.ts';
import { phoneNumberSchema } from './phone-number.ts';
import { textField } from './text-field.ts';

export const SUPPRESSION_LIMITS = {
  reasonLength: 500,
} as const;

/** Body of POST /api/v1/suppressions. Unknown fields are rejected. */
export const CreateSuppressionRequestSchema = z.strictObject({
  phoneNumber: phoneNumberSchema('phoneNumber'),
  reason: z.optional(textField('reason', { min: 1, max: SUPPRESSION_LIMITS.reasonLength })),
});
export type CreateSuppressionRequest = z.infer<typeof CreateSuppressionRequestSchema>;

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
