import * as z from 'zod/mini';
import { toJSONSchema } from 'zod/mini';
import type { ErrorBody } from '#handlers/http/api-handler';
import { HTTP_STATUS } from '#handlers/http/api-handler';
import { CallAttemptSchema, CallSchema, CallStatusSchema, EndReasonSchema, MetadataSchema } from '#schemas/call';
import { CreateCallRequestSchema, LIMITS, UpdateCallRequestSchema } from '#schemas/create-call-request';
import { LIST_LIMITS, ListCallsQuerySchema } from '#schemas/list-calls-query';
import type { CallList } from '#use-cases/list-calls';
import packageJson from '../../package.json' with { type: 'json' };
import { API_ROUTES } from '../../functions/handlers/routes.ts';
import {
  CANCELLED_CALL,
  COMPLETED_CALL,
  ERROR_EXAMPLES,
  GATEWAY_EXAMPLES,
  IMMEDIATE_CALL_REQUEST,
  QUEUED_CALL,
  SCHEDULED_CALL,
  SCHEDULED_CALL_REQUEST,
  SCHEDULED_CALLS_PAGE,
} from './examples.ts';
import { json, ref, responseRef, type Json, type NamedExamples, type Same } from './parts.ts';
import {
  CALLING_DESCRIPTIONS,
  CALLING_SCHEMA_DESCRIPTIONS,
  CALLING_SCHEMAS,
  suppressionOperations,
} from './suppressions.ts';
import {
  WEBHOOK_DESCRIPTIONS,
  WEBHOOK_SCHEMA_DESCRIPTIONS,
  WEBHOOK_SCHEMAS,
  webhookEvents,
  webhookOperations,
} from './webhooks.ts';
import {
  CAMPAIGN_DESCRIPTIONS,
  CAMPAIGN_SCHEMA_DESCRIPTIONS,
  CAMPAIGN_SCHEMAS,
  campaignOperations,
} from './campaigns.ts';

/**
 * The OpenAPI 3.1 description of the public API, built from the zod schemas the handlers validate
 * with (z.toJSONSchema), so it cannot say something the service does not do. `npm run openapi`
 * writes it to docs/openapi.json; the service serves that file at GET /api/v1/openapi.json.
 */

/** One page of GET /api/v1/outbound-calls (the CallList of functions/use-cases/list-calls.ts). */
export const CallListSchema = z.object({
  data: z.array(CallSchema),
  page: z.int(),
  pageSize: z.int(),
  hasMore: z.boolean(),
  nextCursor: z.nullable(z.string()),
});

const ERROR_TYPES = Object.keys(HTTP_STATUS) as [keyof typeof HTTP_STATUS, ...Array<keyof typeof HTTP_STATUS>];

/** The one error shape of every response the service's functions give (ErrorBody in api-handler.ts). */
export const ErrorResponseSchema = z.object({
  error: z.object({
    type: z.enum(ERROR_TYPES),
    code: z.string(),
    message: z.string(),
    param: z.optional(z.string()),
    /** The response's Request-Id header: quote it to support. */
    requestId: z.optional(z.string()),
  }),
});

/** What API Gateway answers by itself: no Authorization header, throttling, an unreachable function. */
export const GatewayErrorSchema = z.object({ message: z.string() });

// The response shapes above restate TypeScript types; tsc fails if either drifts from its type.
true satisfies Same<z.infer<typeof CallListSchema>, CallList>;
true satisfies Same<z.infer<typeof ErrorResponseSchema>, ErrorBody>;

/**
 * Every schema, by name: what clients send (bodies; query strings, which become parameters) and
 * what they receive. A schema in both must come out the same either way.
 */
export const COMPONENT_SCHEMAS = {
  requests: {
    CreateCallRequest: CreateCallRequestSchema,
    UpdateCallRequest: UpdateCallRequestSchema,
    CallStatus: CallStatusSchema,
    ...WEBHOOK_SCHEMAS.requests,
    ...CAMPAIGN_SCHEMAS.requests,
    ...CALLING_SCHEMAS.requests,
  },
  queries: {
    ListCallsQuery: ListCallsQuerySchema,
    ...WEBHOOK_SCHEMAS.queries,
    ...CAMPAIGN_SCHEMAS.queries,
    ...CALLING_SCHEMAS.queries,
  },
  responses: {
    Call: CallSchema,
    CallAttempt: CallAttemptSchema,
    CallStatus: CallStatusSchema,
    EndReason: EndReasonSchema,
    Metadata: MetadataSchema,
    CallList: CallListSchema,
    Error: ErrorResponseSchema,
    GatewayError: GatewayErrorSchema,
    ...WEBHOOK_SCHEMAS.responses,
    ...CAMPAIGN_SCHEMAS.responses,
    ...CALLING_SCHEMAS.responses,
  },
} as const;

const timestamp = (what: string) => `${what} (UTC ISO 8601, such as 2025-06-16T14:00:00Z)`;

/**
 * Descriptions of every property, by schema and property path, in the reference's words where it
 * has some (docs/api.md for the rest). The build fails if a property has none or one names a
 * property that does not exist, so a new field cannot go out undocumented.
 */
const DESCRIPTIONS: Record<string, Record<string, string>> = {
  ...WEBHOOK_DESCRIPTIONS,
  ...CAMPAIGN_DESCRIPTIONS,
  ...CALLING_DESCRIPTIONS,
  Call: {
    id: '`obc_` followed by a ULID, so ids sort by creation time.',
    agentId: 'The agent that handles the call.',
    fromNumber: "Caller ID: the requested number, or the agent's default number.",
    toNumber: 'E.164 destination phone number.',
    status: 'Where the call is in its lifecycle.',
    direction: 'Always `outbound`.',
    scheduledFor: `${timestamp('When the current attempt is due')}; null for an immediate call.`,
    initiatedAt: `${timestamp('When the current attempt was sent to the phone network')}; null before that.`,
    connectedAt: `${timestamp('When the current attempt was answered')}; null if it has not been.`,
    endedAt: `${timestamp('When the current attempt ended or the call was cancelled')}; null before that.`,
    durationSeconds: 'Seconds from `connectedAt` to `endedAt`; 0 if never connected; null until the call ends.',
    conversationId: "The agent's conversation (`conv_` followed by a ULID), set when the call is answered.",
    metadata: 'The key-value pairs given at creation, passed to the agent session.',
    endReason: 'Why the call (its latest attempt) ended; null until it ends.',
    retryCount: 'Retries made so far: 0 during the first attempt.',
    maxRetries: 'Retries allowed after no answer.',
    retryDelayMinutes: 'Minutes between an unanswered attempt and its retry.',
    overrideFirstMessage: "The agent's first message for this call, if it was overridden; else null.",
    callingWindow: 'When attempts may be dialed (local time); null: any time.',
    retryPolicy:
      'Retries per outcome as requested; null: only the no-answer retries of maxRetries and retryDelayMinutes.',
    attempts: 'One entry per dial attempt, oldest first; the top-level timing fields describe the latest.',
    campaignId:
      'The campaign whose contact this call is (`cmp_` followed by a ULID); absent for a call created on its own.',
    createdAt: `${timestamp('When the call was created')}.`,
    updatedAt: `${timestamp('When the call last changed')}.`,
  },
  CallAttempt: {
    attempt: 'Attempt number, from 1.',
    scheduledFor: `${timestamp('When this attempt was due')}; null for an immediate first attempt.`,
    initiatedAt: `${timestamp('When this attempt was sent to the phone network')}.`,
    connectedAt: `${timestamp('When this attempt was answered')}; null if it was not.`,
    endedAt: `${timestamp('When this attempt ended')}; null while it goes on.`,
    durationSeconds: 'Seconds from `connectedAt` to `endedAt`; 0 if never connected; null while it goes on.',
    status: "This attempt's status: its outcome once it has ended.",
    endReason: 'Why this attempt ended; null while it goes on.',
  },
  CreateCallRequest: {
    agentId: 'Agent to handle the call: an agent of your account.',
    toNumber: 'E.164 destination phone number, such as `+14155550199`.',
    fromNumber: "Caller ID: a provisioned number assigned to this agent. Default: the agent's default number.",
    scheduledFor:
      'ISO 8601 date-time, with a zone (`Z` or an offset such as `+02:00`), to schedule the call. Absent or null: now. ' +
      `Up to ${LIMITS.scheduledForSkewToleranceMinutes} minutes in the past is accepted and means now.`,
    metadata: `Arbitrary key-value pairs passed to the agent session; nested values allowed, at most ${LIMITS.metadataBytes} bytes as JSON.`,
    maxRetries: `Auto-retry on no-answer (${LIMITS.maxRetries.min}–${LIMITS.maxRetries.max}, default ${LIMITS.maxRetries.default}).`,
    retryDelayMinutes: `Minutes between retries (${LIMITS.retryDelayMinutes.min}–${LIMITS.retryDelayMinutes.max}, default ${LIMITS.retryDelayMinutes.default}).`,
    overrideFirstMessage: "Override the agent's default first message for this call.",
    callingWindow:
      'Dial every attempt only inside this window; one due outside it (scheduledFor, or a retry) moves to its next opening.',
    retryPolicy:
      'Retries per outcome. `no_answer` is the same rule as maxRetries/retryDelayMinutes: send one or the other (400 conflicting_retry_settings).',
  },
  UpdateCallRequest: {
    scheduledFor:
      'The new ISO 8601 date-time, with a zone, to dial the call (not null: to dial now, send the current time). ' +
      `Up to ${LIMITS.scheduledForSkewToleranceMinutes} minutes in the past is accepted and means now. The call is dialed at this time only.`,
    metadata: `Replaces the call's metadata as a whole; at most ${LIMITS.metadataBytes} bytes as JSON.`,
    maxRetries: `Auto-retry on no-answer (${LIMITS.maxRetries.min}–${LIMITS.maxRetries.max}).`,
    retryDelayMinutes: `Minutes between retries (${LIMITS.retryDelayMinutes.min}–${LIMITS.retryDelayMinutes.max}).`,
    overrideFirstMessage: "Override the agent's default first message for this call.",
  },
  ListCallsQuery: {
    agentId: 'Filter by agent.',
    campaignId: "Filter by campaign: the campaign's calls, from an index (not with agentId).",
    status: 'Filter by call status.',
    dateFrom: 'ISO 8601 start: calls created on or after this date (from 00:00 UTC) or date-time.',
    dateTo: 'ISO 8601 end: calls created on or before this date (the whole day) or date-time (that second).',
    page: `Page number, from 1 (default 1). Pages requested in order cost the same at any depth; a page may end at most ${LIST_LIMITS.maxOffset} calls past the top or past a page of the same listing served in the last ${LIST_LIMITS.pageStartTtlSeconds / 60} minutes (400 page_too_deep beyond); nextCursor has no such bound.`,
    pageSize: `Items per page (${LIST_LIMITS.pageSize.min}–${LIST_LIMITS.pageSize.max}, default ${LIST_LIMITS.pageSize.default}).`,
    cursor:
      '`nextCursor` of the previous page, sent with the same filters: the next page, at the same cost at any depth.',
  },
  CallList: {
    data: 'The calls of this page, newest first.',
    page: "This page's number.",
    pageSize: 'Items per page.',
    hasMore: 'Whether another page follows.',
    nextCursor: 'Pass as `cursor` (with the same filters) to get the next page; null on the last page.',
  },
  Error: {
    error: 'What went wrong.',
    'error.type': 'The kind of error; each kind has one HTTP status.',
    'error.code': 'What exactly went wrong, for programs: such as `invalid_phone_number` or `call_not_cancellable`.',
    'error.message': 'What went wrong, for people.',
    'error.param': 'The field, query parameter or header at fault, when there is one.',
    'error.requestId': 'The Request-Id header of the response: quote it to support to find the request.',
  },
  GatewayError: {
    message: "API Gateway's message, such as `Unauthorized` or `Too Many Requests`.",
  },
};

const SCHEMA_DESCRIPTIONS: Record<string, string> = {
  ...WEBHOOK_SCHEMA_DESCRIPTIONS,
  ...CAMPAIGN_SCHEMA_DESCRIPTIONS,
  ...CALLING_SCHEMA_DESCRIPTIONS,
  Call: 'An outbound call: every field of the published object, plus maxRetries, retryDelayMinutes, overrideFirstMessage, attempts and updatedAt.',
  CallAttempt: 'One dial attempt of a call.',
  CallStatus:
    'scheduled: waiting for scheduledFor. queued: ready to dial, pending a telephony slot. initiating: being placed. ringing. in_progress: connected, the conversation is active. completed: ended normally. failed: could not be connected. no_answer. busy. cancelled: cancelled before connecting. voicemail: voicemail detected and a message left.',
  EndReason: 'Why a call (or an attempt) ended.',
  Metadata: 'Arbitrary key-value pairs (nested values allowed).',
  CreateCallRequest:
    'Unknown fields are rejected (400 unknown_field), so a typo never silently changes what a request means.',
  UpdateCallRequest:
    'Any of the fields, at least one (400 empty_update); unknown fields are rejected (400 unknown_field). Only a `scheduled` call can change (any other status is 409 call_not_updatable); a new scheduledFor moves its schedule, so the old time never dials it.',
  CallList: 'One page of calls, newest first.',
  Error: 'The one shape of every error the service answers.',
  GatewayError: 'What API Gateway answers by itself, before the service sees the request.',
};

/** z.toJSONSchema of a set of schemas, as OpenAPI components that refer to each other. */
function componentSchemas(schemas: Record<string, z.ZodMiniType>, io: 'input' | 'output'): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const { schemas: converted } = toJSONSchema(registry, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'throw',
    uri: (id) => `#/components/schemas/${id}`,
    override: ({ jsonSchema }) => {
      // z.int() is bounded to safe integers; saying so on every integer is noise.
      if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
      if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
    },
  });
  return Object.fromEntries(
    Object.entries(converted).map(([id, { $schema: _dialect, $id: _id, ...schema }]) => [id, schema as Json]),
  );
}

/** Sets each property's description from DESCRIPTIONS[name], recursing into inline objects. */
function describe(name: string, schema: Json): Json {
  const descriptions = DESCRIPTIONS[name] ?? {};
  const used = new Set<string>();
  const visit = (node: Json, prefix: string) => {
    for (const [key, property] of Object.entries((node.properties ?? {}) as Record<string, Json>)) {
      const path = `${prefix}${key}`;
      const description = descriptions[path];
      if (!description)
        throw new Error(`OpenAPI: ${name}.${path} has no description; add one to the DESCRIPTIONS in tools/openapi/.`);
      used.add(path);
      property.description = description;
      if (property.type === 'object' && property.properties) visit(property, `${path}.`);
    }
  };
  visit(schema, '');
  const unused = Object.keys(descriptions).filter((path) => !used.has(path));
  if (unused.length > 0)
    throw new Error(`OpenAPI: ${name} has no properties ${unused.join(', ')}; remove their descriptions.`);
  const description = SCHEMA_DESCRIPTIONS[name];
  return description ? { description, ...schema } : schema;
}

function buildSchemas(): { components: Record<string, Json>; queryParameters: Record<string, Json[]> } {
  const requests = componentSchemas({ ...COMPONENT_SCHEMAS.requests, ...COMPONENT_SCHEMAS.queries }, 'input');
  const responses = componentSchemas(COMPONENT_SCHEMAS.responses, 'output');
  for (const name of Object.keys(requests).filter((name) => name in responses)) {
    if (JSON.stringify(requests[name]) !== JSON.stringify(responses[name]))
      throw new Error(`OpenAPI: ${name} differs between requests and responses.`);
  }
  const components: Record<string, Json> = {};
  const queryParameters: Record<string, Json[]> = {};
  for (const [name, schema] of Object.entries({ ...requests, ...responses })) {
    if (!(name in COMPONENT_SCHEMAS.queries)) {
      components[name] = describe(name, schema);
      continue;
    }
    // A query string becomes one parameter per property.
    const described = describe(name, schema);
    queryParameters[name] = Object.entries(described.properties as Record<string, Json>).map(
      ([parameter, { description, ...parameterSchema }]) => ({
        name: parameter,
        in: 'query',
        required: false,
        description,
        schema: parameterSchema,
        ...(QUERY_EXAMPLES[parameter] ? { example: QUERY_EXAMPLES[parameter] } : {}),
      }),
    );
  }
  return { components, queryParameters };
}

/** The reference's list example: ?status=scheduled&agentId=agt_01HXK8Z3MNPQRS. */
const QUERY_EXAMPLES: Record<string, string> = {
  status: 'scheduled',
  agentId: 'agt_01HXK8Z3MNPQRS',
  dateFrom: '2025-06-01',
};

const ERROR_RESPONSES: Record<string, Json> = {
  BadRequest: {
    description:
      'The request is invalid; `error.param` names the field, query parameter or header at fault, and nothing was changed.',
    content: json(ref('Error'), {
      invalidPhoneNumber: { summary: 'A toNumber that is not E.164', value: ERROR_EXAMPLES.invalidPhoneNumber },
      unknownField: { summary: 'A misspelt field', value: ERROR_EXAMPLES.unknownField },
    }),
  },
  Unauthorized: {
    description:
      'The API key is malformed, unknown or revoked. A request without an Authorization header is answered by API Gateway itself: `{"message": "Unauthorized"}`.',
    content: json(
      { anyOf: [ref('Error'), ref('GatewayError')] },
      {
        invalidApiKey: { summary: 'An unknown or revoked key', value: ERROR_EXAMPLES.invalidApiKey },
        missingHeader: { summary: 'No Authorization header', value: GATEWAY_EXAMPLES.unauthorized },
      },
    ),
  },
  NotFound: {
    description: 'No such call in this account (a call of another account is not found either).',
    content: json(ref('Error'), {
      callNotFound: { summary: 'An unknown call id', value: ERROR_EXAMPLES.callNotFound },
    }),
  },
  Conflict: {
    description:
      'The call is past `scheduled` or `queued` (the message names its status), or changed while the request was handled (`concurrent_update`: retry).',
    content: json(ref('Error'), {
      callNotCancellable: { summary: 'The call is already in progress', value: ERROR_EXAMPLES.callNotCancellable },
    }),
  },
  Unprocessable: {
    description:
      'The Idempotency-Key was already used with a different request body (`idempotency_key_reused`), or toNumber is on the suppression list (`number_suppressed`).',
    content: json(ref('Error'), {
      idempotencyKeyReused: { summary: 'A reused key', value: ERROR_EXAMPLES.idempotencyKeyReused },
    }),
  },
  PayloadTooLarge: {
    description:
      'The body is over 64 KiB (`request_too_large`). A body over API Gateway\'s own 10 MB quota is answered by API Gateway: `{"message": "Request Entity Too Large"}`.',
    content: json({ anyOf: [ref('Error'), ref('GatewayError')] }),
  },
  UnsupportedMediaType: {
    description:
      'The body is declared as something other than JSON (`unsupported_media_type`, `param` `Content-Type`): send it with `Content-Type: application/json` (a `+json` type and `charset=utf-8` are fine too), or with no Content-Type.',
    content: json(ref('Error')),
  },
  UriTooLong: {
    description: 'The path and query string are over 8 KiB together (`uri_too_long`).',
    content: json(ref('Error')),
  },
  TooManyRequests: {
    description: "The stage's throttling limit was reached (API Gateway); retry with exponential backoff.",
    content: json(ref('GatewayError'), {
      throttled: { summary: 'Throttled', value: GATEWAY_EXAMPLES.tooManyRequests },
    }),
  },
  InternalError: {
    description:
      'Something failed on the service side; the response carries no internals. `internal_error`: nothing was changed; retry the request. `outcome_unknown` (the database stopped answering while the change was written, even when sent once more): the change may have been made; read what the request changes before sending it again. For a create, the message names the call that may have been created; read it, or send the create again with the same Idempotency-Key.',
    content: json(
      { anyOf: [ref('Error'), ref('GatewayError')] },
      {
        internalError: { summary: 'An internal error', value: ERROR_EXAMPLES.internalError },
        outcomeUnknown: { summary: 'A create whose outcome is unknown', value: ERROR_EXAMPLES.outcomeUnknown },
      },
    ),
  },
};

const CALL_ID_PARAMETER = {
  name: 'callId',
  in: 'path',
  required: true,
  description: 'The call id (`obc_` followed by a ULID).',
  schema: { type: 'string' },
  example: 'obc_01HXMN8ZABC123',
};

/** The header that makes a create safe to retry (functions/handlers/create-call.ts checks it). */
const IDEMPOTENCY_KEY_PARAMETER = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes the create safe to retry: for 24 hours the same key with the same body answers with the first response (and header Idempotent-Replayed: true) and creates nothing; the same key with another body is a 422.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
  example: '5f0c6f7e-3b8a-4c1e-9f43-2b7d1a9c8e10',
};

const callResponse = (description: string, named: NamedExamples) => ({
  description,
  content: json(ref('Call'), named),
});

/** Each public route's operation, by "METHOD path" (functions/handlers/routes.ts). */
const operations = (queryParameters: Record<string, Json[]>): Record<string, Json> => ({
  ...webhookOperations(queryParameters),
  ...campaignOperations(queryParameters),
  ...suppressionOperations(queryParameters),
  'POST /api/v1/outbound-calls': {
    operationId: 'createCall',
    summary: 'Create an outbound call',
    description:
      'Places a call now, or schedules it for `scheduledFor`. A call due now is created `queued`; a later one `scheduled`.',
    parameters: [IDEMPOTENCY_KEY_PARAMETER],
    requestBody: {
      required: true,
      content: json(ref('CreateCallRequest'), {
        immediate: { summary: 'Immediate call', value: IMMEDIATE_CALL_REQUEST },
        scheduled: { summary: 'Scheduled call', value: SCHEDULED_CALL_REQUEST },
      }),
    },
    responses: {
      201: {
        ...callResponse('The call, created (or, for a repeated Idempotency-Key, the first response again).', {
          immediate: { summary: 'An immediate call: queued', value: QUEUED_CALL },
          scheduled: { summary: 'A scheduled call', value: SCHEDULED_CALL },
        }),
        headers: {
          'Idempotent-Replayed': {
            description:
              '`true` when this answers a repeated Idempotency-Key with the first response, and nothing was created.',
            schema: { type: 'string', enum: ['true'] },
          },
        },
      },
      400: responseRef('BadRequest'),
      401: responseRef('Unauthorized'),
      413: responseRef('PayloadTooLarge'),
      415: responseRef('UnsupportedMediaType'),
      422: responseRef('Unprocessable'),
      429: responseRef('TooManyRequests'),
      500: responseRef('InternalError'),
    },
  },
  'GET /api/v1/outbound-calls': {
    operationId: 'listCalls',
    summary: 'List outbound calls',
    description:
      "The account's calls, newest first, one page at a time. Follow `nextCursor` (as `cursor`) to page through every result.",
    parameters: queryParameters.ListCallsQuery,
    responses: {
      200: {
        description: 'One page of calls.',
        content: json(ref('CallList'), {
          scheduled: { summary: 'Scheduled calls of one agent', value: SCHEDULED_CALLS_PAGE },
        }),
      },
      400: responseRef('BadRequest'),
      401: responseRef('Unauthorized'),
      414: responseRef('UriTooLong'),
      429: responseRef('TooManyRequests'),
      500: responseRef('InternalError'),
    },
  },
  'GET /api/v1/outbound-calls/{callId}': {
    operationId: 'getCall',
    summary: 'Get an outbound call',
    parameters: [CALL_ID_PARAMETER],
    responses: {
      200: callResponse('The call.', { completed: { summary: 'A completed call', value: COMPLETED_CALL } }),
      401: responseRef('Unauthorized'),
      404: responseRef('NotFound'),
      429: responseRef('TooManyRequests'),
      500: responseRef('InternalError'),
    },
  },
  'PATCH /api/v1/outbound-calls/{callId}': {
    operationId: 'updateCall',
    summary: 'Change a scheduled call',
    description:
      "Changes `scheduledFor`, `metadata` (replaced as a whole), `overrideFirstMessage`, `maxRetries` or `retryDelayMinutes` of a call that is still `scheduled`, with the create request's rules; any other status is a 409 `call_not_updatable`. A new `scheduledFor` moves the call's schedule: it is dialed at the new time only, never at the old one.",
    parameters: [CALL_ID_PARAMETER],
    requestBody: { required: true, content: json(ref('UpdateCallRequest')) },
    responses: {
      200: callResponse('The changed call.', { scheduled: { summary: 'A scheduled call', value: SCHEDULED_CALL } }),
      400: responseRef('BadRequest'),
      401: responseRef('Unauthorized'),
      404: responseRef('NotFound'),
      409: responseRef('Conflict'),
      413: responseRef('PayloadTooLarge'),
      415: responseRef('UnsupportedMediaType'),
      429: responseRef('TooManyRequests'),
      500: responseRef('InternalError'),
    },
  },
  'POST /api/v1/outbound-calls/{callId}/cancel': {
    operationId: 'cancelCall',
    summary: 'Cancel an outbound call',
    description: 'Only calls with status `scheduled` or `queued` can be cancelled; a pending schedule is deleted.',
    parameters: [CALL_ID_PARAMETER],
    responses: {
      200: callResponse('The cancelled call.', { cancelled: { summary: 'A cancelled call', value: CANCELLED_CALL } }),
      401: responseRef('Unauthorized'),
      404: responseRef('NotFound'),
      409: responseRef('Conflict'),
      429: responseRef('TooManyRequests'),
      500: responseRef('InternalError'),
    },
  },
  'GET /api/v1/openapi.json': {
    operationId: 'getOpenApiDocument',
    summary: 'This OpenAPI document',
    description: 'Needs no API key.',
    responses: {
      200: { description: 'The OpenAPI 3.1 document.', content: json({ type: 'object' }) },
    },
  },
});

/** Routes that are not part of the public API: they speak the telephony provider's protocol. */
const PROVIDER_HANDLERS = new Set(['telephony-webhooks', 'carrier-simulator']);

function buildPaths(queryParameters: Record<string, Json[]>): Record<string, Record<string, Json>> {
  const byRoute = operations(queryParameters);
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of API_ROUTES) {
    if (PROVIDER_HANDLERS.has(route.handler)) continue;
    const operation = byRoute[`${route.method} ${route.path}`];
    if (!operation)
      throw new Error(`OpenAPI: route ${route.method} ${route.path} has no operation; describe it in tools/openapi/.`);
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, Json>)[route.method.toLowerCase()] = {
      tags: ['Outbound Calls'],
      ...operation,
      ...(route.authorized ? { responses: withEveryRouteAnswers(operation.responses as Record<string, Json>) } : {}),
      // Routes without the API-key authorizer need no key.
      ...(route.authorized ? {} : { security: [] }),
    };
  }
  return paths;
}

/**
 * What every authorized route may answer whatever it does (functions/handlers/http/api-handler.ts):
 * 400 for a query parameter it does not read (`unknown_parameter`), 414 for a path and query over
 * 8 KiB, besides 401, 429 and 500 that each operation lists; added where an operation leaves them out.
 */
function withEveryRouteAnswers(responses: Record<string, Json>): Record<string, Json> {
  const every: Record<string, Json> = { 400: responseRef('BadRequest'), 414: responseRef('UriTooLong') };
  const merged = { ...responses };
  for (const [status, response] of Object.entries(every)) merged[status] ??= response;
  return Object.fromEntries(Object.entries(merged).sort(([a], [b]) => Number(a) - Number(b)));
}

export function buildOpenApiDocument(): Json {
  const { components, queryParameters } = buildSchemas();
  return {
    openapi: '3.1.1',
    info: {
      title: 'Voisnap Outbound Calls API',
      version: packageJson.version,
      summary: 'Place calls from a Voisnap agent to any phone number, now or at a scheduled time.',
      description:
        'Calls can be placed immediately or scheduled for a future time, enabling batch campaign workflows. ' +
        'Authenticate with `Authorization: Bearer vsnp_live_…` (or a `vsnp_test_…` key, whose calls go to the carrier simulator, never a real phone network).',
    },
    servers: [
      { url: 'https://api.voisnap.ai', description: 'Production' },
      { url: 'http://localhost:3000', description: 'The local stack (npm start)' },
    ],
    security: [{ apiKey: [] }],
    tags: [
      {
        name: 'Outbound Calls',
        description: 'Initiate outbound calls immediately or schedule them for batch campaigns.',
      },
      {
        name: 'Campaigns',
        description:
          'Campaigns of many contacts: each contact an outbound call with campaignId; pause, resume and cancel them together.',
      },
      {
        name: 'Suppressions',
        description: 'Numbers your account never calls (docs/api.md).',
      },
      {
        name: 'Webhooks',
        description:
          'Register endpoints that receive an event for every outcome of every call, signed (docs/webhooks.md).',
      },
    ],
    paths: buildPaths(queryParameters),
    webhooks: webhookEvents(),
    components: {
      schemas: components,
      responses: ERROR_RESPONSES,
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'vsnp_live_… or vsnp_test_… API key',
          description: 'An API key of your account: `vsnp_live_` or `vsnp_test_` followed by 32 letters and digits.',
        },
      },
    },
  };
}
