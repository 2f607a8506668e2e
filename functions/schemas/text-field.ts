import * as z from 'zod/mini';
import { disallowedCharacter } from '#domain/text';

/**
 * A text field of a request: a string of `min` to `max` characters with no character that text may
 * not contain (functions/domain/text.ts: nothing XML 1.0 cannot carry, no C1 controls). The 400
 * names the field and the offending character.
 */
export const textField = (field: string, bounds: { min: number; max: number }) =>
  z.string({ error: `${field} must be a string.` }).check(
    z.minLength(bounds.min, {
      error: bounds.min === 1 ? `${field} must not be empty.` : `${field} must be at least ${bounds.min} characters.`,
    }),
    z.maxLength(bounds.max, { error: `${field} must be at most ${bounds.max} characters.` }),
    z.superRefine((value, context) => {
      const bad = disallowedCharacter(value);
      if (bad)
        context.addIssue({
          code: 'custom',
          message: `${field} contains the character ${bad}, which is not allowed in text.`,
          input: value,
        });
    }),
  );

/** An id of the given shape (functions/domain/ids.ts); anything else is a 400 naming the field. */
export const idField = (field: string, pattern: RegExp, shape: string) =>
  z
    .string({ error: `${field} must be a string.` })
    .check(
      z.minLength(1, { error: `${field} must not be empty.` }),
      z.regex(pattern, { error: `${field} must be ${shape}.` }),
    );
