import * as z from 'zod/mini';
import { CreateSuppressionRequestSchema } from '#schemas/suppression-request';
import { ListSuppressionsQuerySchema, SUPPRESSION_LIMITS, SuppressionSchema } from '#schemas/suppressions';
import {
  CALLING_WINDOW_LIMITS,
  CallingWindowSchema,
  RETRY_POLICY_LIMITS,
  RetryPolicySchema,
} from '#schemas/calling-window';
import { LIST_LIMITS } from '#schemas/list-calls-query';
import type { SuppressionList } from '#use-cases/manage-suppressions';
import { json, ref, responseRef, type Json, type Same } from './parts.ts';

/**
 * Calling windows, retry policies (fields of a call) and the suppression list API, for the OpenAPI
 * document: the zod schemas the handlers validate with (docs/api.md describes the behaviour).
 */

export const SuppressionListSchema = z.object({
  data: z.array(SuppressionSchema),
  page: z.int(),
  pageSize: z.int(),
  hasMore: z.boolean(),
  nextCursor: z.nullable(z.string()),
});
true satisfies Same<z.infer<typeof SuppressionListSchema>, SuppressionList>;

export const CALLING_SCHEMAS = {
  requests: {
    CallingWindow: CallingWindowSchema,
    RetryPolicy: RetryPolicySchema,
    CreateSuppressionRequest: CreateSuppressionRequestSchema,
  },
  queries: { ListSuppressionsQuery: ListSuppressionsQuerySchema },
  responses: {
    CallingWindow: CallingWindowSchema,
    RetryPolicy: RetryPolicySchema,
    Suppression: SuppressionSchema,
    SuppressionList: SuppressionListSchema,
  },
} as const;

const retryEntry = (outcome: string) => ({
  [outcome]: `Retries after an attempt that ended ${outcome}.`,
  [`${outcome}.maxRetries`]: `Retries after this outcome (${RETRY_POLICY_LIMITS.maxRetries.min}–${RETRY_POLICY_LIMITS.maxRetries.max}).`,
  [`${outcome}.delayMinutes`]: `Minutes from the end of the attempt to the retry (${RETRY_POLICY_LIMITS.delayMinutes.min}–${RETRY_POLICY_LIMITS.delayMinutes.max}), then moved into the calling window.`,
});

export const CALLING_DESCRIPTIONS: Record<string, Record<string, string>> = {
  CallingWindow: {
    days: 'Days of the week attempts may be dialed (`mon`…`sun`), each at most once, at least one.',
    start: 'Local time HH:MM the window opens (inclusive).',
    end: 'Local time HH:MM the window closes (exclusive); after `start` (a window does not cross midnight).',
    timeZone:
      '`callee`: the zone(s) of the number called, from its country and area code (open in all of them at once); or an IANA zone such as `America/New_York`.',
    defaultTimeZone:
      'With `timeZone` `callee`: the IANA zone of a number whose own zone its country and area code do not tell (non-geographic numbers such as +1 500 or +1 800, or a number known only by its country). Without it, such a number is `400 callee_time_zone_unknown`.',
    blackoutDates: `Local dates (holidays) with no calls: up to ${CALLING_WINDOW_LIMITS.blackoutDates} ranges of {from, to}, inclusive, YYYY-MM-DD, from on or before to.`,
  },
  RetryPolicy: {
    ...retryEntry('no_answer'),
    ...retryEntry('busy'),
    ...retryEntry('voicemail'),
    failed: 'Retries after a retryable failure: `provider_error` or `dial_timeout` before anyone answered.',
    'failed.maxRetries': `Retries after a retryable failure (${RETRY_POLICY_LIMITS.maxRetries.min}–${RETRY_POLICY_LIMITS.maxRetries.max}).`,
    'failed.delayMinutes': `Minutes from the failure to the retry (${RETRY_POLICY_LIMITS.delayMinutes.min}–${RETRY_POLICY_LIMITS.delayMinutes.max}), then moved into the calling window.`,
  },
  CreateSuppressionRequest: {
    phoneNumber: 'E.164 number never to be called, such as `+14155550199`.',
    reason: `Your note on why, at most ${SUPPRESSION_LIMITS.reasonLength} characters.`,
  },
  ListSuppressionsQuery: {
    page: `Page number, from 1 (default 1). page × pageSize may reach ${LIST_LIMITS.maxOffset} entries; follow nextCursor beyond that.`,
    pageSize: `Items per page (${LIST_LIMITS.pageSize.min}–${LIST_LIMITS.pageSize.max}, default ${LIST_LIMITS.pageSize.default}).`,
    cursor: '`nextCursor` of the previous page, sent with the same pageSize.',
  },
  Suppression: {
    phoneNumber: 'The suppressed E.164 number.',
    reason: 'Your note on why; null if none.',
    createdAt: 'When it was first suppressed (UTC ISO 8601).',
  },
  SuppressionList: {
    data: 'Suppressed numbers of this page, in number order.',
    page: "This page's number.",
    pageSize: 'Items per page.',
    hasMore: 'Whether another page follows.',
    nextCursor: 'Pass as `cursor` to get the next page; null on the last page.',
  },
};

export const CALLING_SCHEMA_DESCRIPTIONS: Record<string, string> = {
  CallingWindow:
    'When attempts of a call may be dialed, local time. An attempt due outside it moves to its next opening; daylight-saving changes never shift or skip a window.',
  RetryPolicy:
    'Retries per outcome; an outcome without an entry is not retried. `no_answer` is the same rule as maxRetries/retryDelayMinutes.',
  CreateSuppressionRequest: 'Unknown fields are rejected.',
  Suppression: 'A number this account never calls.',
  SuppressionList: 'One page of suppressed numbers.',
};

const COMMON_ERRORS = {
  401: responseRef('Unauthorized'),
  429: responseRef('TooManyRequests'),
  500: responseRef('InternalError'),
};
const TAG = { tags: ['Suppressions'] };

/** Each suppression route's operation, by "METHOD path" (functions/handlers/routes.ts). */
export function suppressionOperations(queryParameters: Record<string, Json[]>): Record<string, Json> {
  return {
    'POST /api/v1/suppressions': {
      ...TAG,
      operationId: 'createSuppression',
      summary: 'Suppress a number',
      description:
        'Idempotent: a number already on the list answers 200 with its entry as first stored. A call to a suppressed number is refused (422 `number_suppressed`); one already scheduled is never dialed (it ends `cancelled`, endReason `suppressed`).',
      requestBody: { required: true, content: json(ref('CreateSuppressionRequest')) },
      responses: {
        201: { description: 'The number, now suppressed.', content: json(ref('Suppression')) },
        200: { description: 'The number was already suppressed: its entry.', content: json(ref('Suppression')) },
        400: responseRef('BadRequest'),
        413: responseRef('PayloadTooLarge'),
        415: responseRef('UnsupportedMediaType'),
        ...COMMON_ERRORS,
      },
    },
    'GET /api/v1/suppressions': {
      ...TAG,
      operationId: 'listSuppressions',
      summary: 'List suppressed numbers',
      parameters: queryParameters.ListSuppressionsQuery,
      responses: {
        200: { description: 'One page of suppressed numbers.', content: json(ref('SuppressionList')) },
        400: responseRef('BadRequest'),
        ...COMMON_ERRORS,
      },
    },
    'DELETE /api/v1/suppressions/{phoneNumber}': {
      ...TAG,
      operationId: 'deleteSuppression',
      summary: 'Unsuppress a number',
      parameters: [
        {
          name: 'phoneNumber',
          in: 'path',
          required: true,
          description: 'The E.164 number, URL-encoded (`%2B14155550199`).',
          schema: { type: 'string' },
          example: '%2B14155550199',
        },
      ],
      responses: {
        204: { description: 'Removed: calls to it may be made again.' },
        400: responseRef('BadRequest'),
        404: { description: 'The number is not on the list.', content: json(ref('Error')) },
        ...COMMON_ERRORS,
      },
    },
  };
}
