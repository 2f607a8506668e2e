/** The small pieces every part of the OpenAPI document is built from. */

export type Json = Record<string, unknown>;
export type NamedExamples = Record<string, { summary: string; value: unknown }>;

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const responseRef = (name: string) => ({ $ref: `#/components/responses/${name}` });

export const json = (schema: Json, named?: NamedExamples) => ({
  'application/json': { schema, ...(named ? { examples: named } : {}) },
});

/** True when each type is assignable to the other: a response schema restating a TypeScript type. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
