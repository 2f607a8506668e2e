import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2WithLambdaAuthorizer, Context } from 'aws-lambda';
import { parse as parseMediaType } from 'content-type';
import {
  authenticationFailed,
  invalidRequest,
  requestTooLarge,
  unsupportedMediaType,
  uriTooLong,
} from '#domain/errors';
import { CALL_ID_PATTERN } from '#domain/ids';
import { CallerSchema, type Caller } from '#schemas/directory';
import { apiErrors } from '../middleware/api-errors.ts';
import { httpBody } from '../middleware/http-body.ts';
import { logContext } from '../middleware/log-context.ts';
import { requestId } from '../middleware/request-id.ts';
import { API_ROUTES } from '../routes.ts';
import { traceInvocation, tracing } from '../tracing.ts';
import type { ApiResult } from './responses.ts';

export { HTTP_STATUS, created, errorResponse, json, type ApiResult, type ErrorBody } from './responses.ts';

/** What the authorizer put in the request context: a caller, or why there is none. */
export type AuthorizerContext = Partial<Caller> & { authError?: string };
export type ApiEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<AuthorizerContext>;

const AUTH_MESSAGES: Record<string, string> = {
  missing_api_key: 'Send your API key as "Authorization: Bearer vsnp_live_…" or "Bearer vsnp_test_…".',
  malformed_api_key: 'The Authorization header must be "Bearer " followed by a vsnp_live_ or vsnp_test_ API key.',
  invalid_api_key: 'The API key is not valid: it is unknown or has been revoked.',
};

/** The caller the authorizer resolved, or a 401 in the standard error shape. */
function callerOf(event: ApiEvent): Caller {
  const context = event.requestContext.authorizer?.lambda ?? {};
  const parsed = CallerSchema.safeParse(context);
  if (parsed.success) return parsed.data;
  const reason = context.authError && AUTH_MESSAGES[context.authError] ? context.authError : 'invalid_api_key';
  throw authenticationFailed(reason, AUTH_MESSAGES[reason] as string);
}

export interface ApiRequest {
  event: ApiEvent;
  caller: Caller;
}

/**
 * Bounds on every API request, checked before anything else. Each is far below API Gateway's own
 * (a 10 MB payload, https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html)
 * and far above what any valid request needs (a create with 8 KB of metadata and a 4,000-character
 * first message is under 30 KB).
 */
export const REQUEST_LIMITS = {
  /** The body, in bytes as received (after base64 decoding: httpBody). */
  bodyBytes: 65_536,
  /** The path and query string, in bytes as received. */
  urlBytes: 8192,
  /** Levels of objects and arrays in a JSON body. */
  jsonDepth: 32,
} as const;

/** A 413 or 414, in the service's error shape, for a request over REQUEST_LIMITS; else nothing. */
function checkRequestSize(event: ApiEvent, bodyBytes: number = REQUEST_LIMITS.bodyBytes): void {
  const urlBytes = Buffer.byteLength(event.rawPath ?? '') + Buffer.byteLength(event.rawQueryString ?? '');
  if (urlBytes > REQUEST_LIMITS.urlBytes) {
    throw uriTooLong('uri_too_long', `The URL's path and query may be at most ${REQUEST_LIMITS.urlBytes} bytes.`);
  }
  if (Buffer.byteLength(event.body ?? '') > bodyBytes) {
    throw requestTooLarge('request_too_large', `The request body may be at most ${bodyBytes} bytes.`);
  }
}

/** The routes that read a query string (routes.ts `query`), by API Gateway route key. */
const QUERY_ROUTES = new Set(API_ROUTES.filter((route) => route.query).map((route) => `${route.method} ${route.path}`));

/**
 * A 400 `unknown_parameter` naming the first query parameter sent to a route that reads none
 * (`?__proto__=x` included): it would be dropped silently, and a client that means something by it
 * (a filter, a flag) should hear that it does nothing. Routes that read a query check its names
 * against their own schema.
 */
function checkNoStrayQuery(event: ApiEvent): void {
  if (QUERY_ROUTES.has(event.routeKey)) return;
  const name = Object.keys(event.queryStringParameters ?? {})[0];
  if (name !== undefined) {
    throw invalidRequest('unknown_parameter', `Unknown query parameter "${name}": this route takes none.`, name);
  }
}

/**
 * The API's middleware bundle around a route: the invocation's context on every log line
 * (logContext), the request's id on the response, its error body and its log lines (requestId), the body decoded once (httpBody), every request bounded (REQUEST_LIMITS) and
 * authenticated before the route runs, and every error in one JSON shape with nothing internal
 * leaking from a 500 (apiErrors).
 */
export function apiHandler(
  route: (request: ApiRequest) => Promise<ApiResult>,
  /** A larger body bound for routes that carry lists (the campaigns API's contacts). */
  options: { bodyBytes?: number } = {},
) {
  return (
    middy<ApiEvent, ApiResult, Error, Context>()
      .use(logContext())
      .use(requestId<ApiEvent>() as MiddlewareObj<ApiEvent, ApiResult>)
      .use(httpBody<ApiEvent>())
      .use(apiErrors<ApiEvent>())
      // Innermost, so its onError runs first, before apiErrors answers for the error.
      .use(traceInvocation<ApiEvent, ApiResult>())
      .handler(async (event) => {
        checkRequestSize(event, options.bodyBytes);
        const caller = callerOf(event);
        checkNoStrayQuery(event);
        const callId = event.pathParameters?.callId;
        tracing.annotate({
          accountId: caller.accountId,
          callId: callId && CALL_ID_PATTERN.test(callId) ? callId : undefined,
        });
        return route({ event, caller });
      })
  );
}

/**
 * The JSON body as sent (decoded by httpBody). First a 415 `unsupported_media_type` (param
 * `Content-Type`) for a body declared as anything but JSON (checkJsonMediaType). Then a 400
 * `invalid_json` that says why, for a body that is empty, not JSON, nested deeper than
 * REQUEST_LIMITS.jsonDepth (checked before parsing, so no input can exhaust the parser's stack), or
 * that repeats a key in one object (JSON.parse would keep the last silently, so two readers of the
 * same body could disagree) or uses `__proto__` as a key (a copy of the object would drop it, or worse).
 */
export function jsonBody(event: Pick<ApiEvent, 'body'> & Partial<Pick<ApiEvent, 'headers'>>): unknown {
  checkJsonMediaType(event.headers?.['content-type']);
  const raw = event.body ?? '';
  if (raw.trim() === '') {
    throw invalidRequest('invalid_json', 'The request body is empty; send a JSON object.');
  }
  const shape = scanJson(raw);
  if (shape.depth > REQUEST_LIMITS.jsonDepth) {
    throw invalidRequest(
      'invalid_json',
      `The request body nests objects and arrays more than ${REQUEST_LIMITS.jsonDepth} levels deep.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidRequest('invalid_json', 'The request body is not valid JSON.');
  }
  if (shape.badKey !== null) {
    const key = JSON.stringify(shape.badKey.key.slice(0, 64));
    throw invalidRequest(
      'invalid_json',
      shape.badKey.kind === 'prototype'
        ? `The request body may not use ${key} as a key.`
        : `The request body repeats the key ${key} in one object.`,
    );
  }
  return parsed;
}

/**
 * A body's `Content-Type` (API Gateway's HTTP API hands headers over with lower-case names) must
 * name JSON: `application/json` or a `+json` type (RFC 6839 §3.1), with no `charset` but UTF-8
 * (RFC 8259 §8.1: JSON exchanged between systems is UTF-8). No header, or an empty one, is read
 * as JSON, as before this check (clients that send none keep working), and so is a stray `;` at its end. Anything else (a form, plain
 * text, a value that is not a media type, another charset) is a 415 `unsupported_media_type` whose
 * `param` is `Content-Type`: read as JSON, a form would be `invalid_json` at best, and a body in
 * another charset could be read differently from what its sender meant. Media-type syntax is the
 * `content-type` package's (RFC 7231 §3.1.1.1).
 */
export function checkJsonMediaType(value: string | undefined): void {
  if (value === undefined || value.trim() === '') return;
  let type: string;
  let charset: string | undefined;
  try {
    // A stray `;` at the end (`application/json;`), which some clients send, is not a parameter.
    const parsed = parseMediaType(withoutTrailingSemicolons(value));
    type = parsed.type;
    charset = parsed.parameters.charset;
  } catch {
    throw unsupportedMediaType(
      'unsupported_media_type',
      'Content-Type is not a media type; send the body as JSON with "Content-Type: application/json".',
      'Content-Type',
    );
  }
  const json = type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
  if (!json) {
    throw unsupportedMediaType(
      'unsupported_media_type',
      `The request body must be JSON, sent with "Content-Type: application/json"; this one is ${JSON.stringify(type.slice(0, 100))}.`,
      'Content-Type',
    );
  }
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
    throw unsupportedMediaType(
      'unsupported_media_type',
      `The request body must be UTF-8 JSON; its Content-Type names charset ${JSON.stringify(charset.slice(0, 100))}.`,
      'Content-Type',
    );
  }
}

/** The text without the `;` and white space at its end (a loop: a regex for it backtracks on long runs). */
function withoutTrailingSemicolons(value: string): string {
  let end = value.length;
  while (end > 0 && (value[end - 1] === ';' || (value[end - 1] as string).trim() === '')) end--;
  return value.slice(0, end);
}

/**
 * One pass over JSON text, without building it: the deepest nesting of objects and arrays, and the
 * first key that is `__proto__` or repeats within its object. Meant for text JSON.parse accepts;
 * for other text the answer is meaningless but harmless.
 */
function scanJson(text: string): { depth: number; badKey: { kind: 'prototype' | 'repeated'; key: string } | null } {
  const objects: Array<{ keys: Set<string>; expectKey: boolean } | null> = [];
  let deepest = 0;
  let badKey: { kind: 'prototype' | 'repeated'; key: string } | null = null;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    const top = objects.at(-1);
    if (char === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      if (top?.expectKey && badKey === null) {
        let key: string;
        try {
          key = JSON.parse(text.slice(start, i + 1)) as string;
        } catch {
          continue;
        }
        if (key === '__proto__') badKey = { kind: 'prototype', key };
        else if (top.keys.has(key)) badKey = { kind: 'repeated', key };
        top.keys.add(key);
      }
    } else if (char === '{' || char === '[') {
      objects.push(char === '{' ? { keys: new Set(), expectKey: true } : null);
      deepest = Math.max(deepest, objects.length);
    } else if (char === '}' || char === ']') objects.pop();
    else if (char === ':' && top) top.expectKey = false;
    else if (char === ',' && top) top.expectKey = true;
  }
  return { depth: deepest, badKey };
}

export function header(event: ApiEvent, name: string): string | undefined {
  return event.headers?.[name.toLowerCase()];
}

export function pathParameter(event: ApiEvent, name: string): string {
  return event.pathParameters?.[name] ?? '';
}
