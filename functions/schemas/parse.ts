import { distance } from 'fastest-levenshtein';
import type * as z from 'zod/mini';
import { invalidRequest, type ServiceError } from '#domain/errors';

type Issue = z.core.$ZodIssue;

export interface ParseOptions {
  /** What the caller calls the thing being parsed, for messages: "field" or "query parameter". */
  noun: 'field' | 'query parameter';
  /** Error codes for fields whose problems have a more precise name than `invalid_field`. */
  fieldCodes?: Record<string, string>;
}

/** Parses input with a schema; the first problem becomes a 400 that names the field. */
export function parseOrThrow<S extends z.ZodMiniType>(schema: S, input: unknown, options: ParseOptions): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw toServiceError(result.error.issues, input, schema, options);
}

function toServiceError(
  issues: readonly Issue[],
  input: unknown,
  schema: z.ZodMiniType,
  options: ParseOptions,
): ServiceError {
  const unknown = issues.find((issue) => issue.code === 'unrecognized_keys');
  if (unknown && unknown.code === 'unrecognized_keys') {
    // A field inside an object (callingWindow.zone) is named by its whole path.
    const name = [...unknown.path.map(String), unknown.keys[0] ?? ''].join('.');
    return invalidRequest(
      options.noun === 'field' ? 'unknown_field' : 'unknown_parameter',
      `Unknown ${options.noun} "${name}".${unknown.path.length === 0 ? suggestion(name, schema) : ''}`,
      name,
    );
  }
  const issue = issues[0] as Issue;
  const param = issue.path.map(String).join('.');
  if (param === '') {
    // A rule of the whole body (a refine, with its code in `params`), else not an object at all.
    const code = issue.code === 'custom' ? (issue.params as { code?: string } | undefined)?.code : undefined;
    if (code) return invalidRequest(code, issue.message);
    return invalidRequest('invalid_request_body', 'The request body must be a JSON object.');
  }
  if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) {
    return invalidRequest('missing_field', `${param} is required.`, param);
  }
  const topField = String(issue.path[0]);
  const code = options.fieldCodes?.[topField] ?? 'invalid_field';
  return invalidRequest(
    code,
    issue.message === 'Invalid input' ? vagueMessage(param, issue, input) : issue.message,
    param,
  );
}

/**
 * What to say of a value the schema gave no message for: its expected type and what came (`pacing
 * must be an object; it is null.`), else that it is invalid.
 */
function vagueMessage(param: string, issue: Issue, input: unknown): string {
  if (issue.code !== 'invalid_type') return `${param} is invalid.`;
  const value = valueAt(input, issue.path);
  const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  const expected = issue.expected === 'int' ? 'integer' : String(issue.expected);
  const article = /^[aeiou]/.test(expected) ? 'an' : 'a';
  return `${param} must be ${article} ${expected}; it is ${got}.`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * A name the schema knows that `name` almost certainly meant: the same but for case, `_` and `-`
 * (`scheduled_for`, `agentID`), else the one known name within two edits of it so compared
 * (`scheduleFor`, `toNumbr`; Levenshtein distance, fastest-levenshtein), one edit for a name
 * shorter than six characters (`tag` is not a misspelt `page`).
 */
function suggestion(name: string, schema: z.ZodMiniType): string {
  const shape = (schema as unknown as { def?: { shape?: Record<string, unknown> } }).def?.shape;
  if (!shape) return '';
  const normalise = (s: string) => s.toLowerCase().replace(/[_-]/g, '');
  const known = Object.keys(shape);
  const exact = known.find((candidate) => normalise(candidate) === normalise(name));
  if (exact) return ` Did you mean "${exact}"?`;
  const edits = normalise(name).length < 6 ? 1 : 2;
  const near = known.filter((candidate) => distance(normalise(candidate), normalise(name)) <= edits);
  return near.length === 1 ? ` Did you mean "${near[0]}"?` : '';
}
