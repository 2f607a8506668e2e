import * as z from 'zod/mini';
import { phoneNumberSchema } from './phone-number.ts';
import { SUPPRESSION_LIMITS } from './suppressions.ts';
import { textField } from './text-field.ts';

/*
 * Apart from the suppression's shape (suppressions.ts) because it checks a phone number: the
 * functions that only read suppressions (the dialer) do not load libphonenumber's metadata at cold
 * start (docs/architecture.md, "Cold start").
 */

/** Body of POST /api/v1/suppressions. Unknown fields are rejected. */
export const CreateSuppressionRequestSchema = z.strictObject({
  phoneNumber: phoneNumberSchema('phoneNumber'),
  reason: z.optional(textField('reason', { min: 1, max: SUPPRESSION_LIMITS.reasonLength })),
});
export type CreateSuppressionRequest = z.infer<typeof CreateSuppressionRequestSchema>;
