import * as z from 'zod/mini';

const required = z.string().check(z.minLength(1));

/**
 * The environment of each function, checked when it starts. The CDK stack types each function's
 * `environment` from the same schemas, so a missing variable fails compilation, not production.
 */
export const ApiFunctionEnvSchema = z.object({
  TABLE_NAME: required,
});
export type ApiFunctionEnv = z.infer<typeof ApiFunctionEnvSchema>;

export function parseEnv<S extends z.ZodMiniType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const names = result.error.issues.map((issue) => issue.path.join('.')).join(', ');
  throw new Error(`Missing or invalid environment variables: ${names}`);
}
