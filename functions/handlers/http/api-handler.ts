import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type {
  APIGatewayProxyEventV2WithLambdaAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import {
  ConcurrentModificationError,
  ServiceError,
  authenticationFailed,
  invalidRequest,
  requestTooLarge,
  uriTooLong,
  type ErrorKind,
} from '#domain/errors';
import { CallerSchema, type Caller } from '#schemas/directory';
import { logger } from './logger.ts';

/** What the authorizer put in the request context: a caller, or why there is none. */
export type AuthorizerContext = Partial<Caller> & { authError?: string };
export type ApiEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<AuthorizerContext>;
export type ApiResult = APIGatewayProxyStructuredResultV2;

export const HTTP_STATUS: Record<ErrorKind | 'internal', number> = {
  invalid_request: 400,
  authentication_failed: 401,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  request_too_large: 413,
  uri_too_long: 414,
  rate_limited: 429,
  internal: 500,
};

export interface ErrorBody {
  error: { type: ErrorKind | 'internal'; code: string; message: string; param?: string };
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export function errorResponse(error: ServiceError): ApiResult {
  const body: ErrorBody = {
    error: {
      type: error.kind,
      code: error.code,
      message: error.message,
      ...(error.param !== undefined ? { param: error.param } : {}),
    },
  };
  return json(HTTP_STATUS[error.kind], body);
}

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
  /** The body, in bytes as received (after base64 decoding). */
  bodyBytes: 65_536,
  /** The path and query string, in bytes as received. */
  urlBytes: 8192,
  /** Levels of objects and arrays in a JSON body. */
  jsonDepth: 32,
} as const;

/** The request's body as UTF-8 text; '' when there is none. */
export function rawBody(event: Pick<ApiEvent, 'body' | 'isBase64Encoded'>): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/** A 413 or 414, in the service's error shape, for a request over REQUEST_LIMITS; else nothing. */
function checkRequestSize(event: ApiEvent): void {
  const urlBytes = Buffer.byteLength(event.rawPath ?? '') + Buffer.byteLength(event.rawQueryString ?? '');
  if (urlBytes > REQUEST_LIMITS.urlBytes) {
    throw uriTooLong('uri_too_long', `The URL's path and query may be at most ${REQUEST_LIMITS.urlBytes} bytes.`);
  }
  if (Buffer.byteLength(rawBody(event)) > REQUEST_LIMITS.bodyBytes) {
    throw requestTooLarge('request_too_large', `The request body may be at most ${REQUEST_LIMITS.bodyBytes} bytes.`);
  }
}

/**
 * Wraps an API route: every request is bounded and authenticated, every error leaves in one JSON
 * shape, and nothing internal leaks from a 500.
 */
export function apiHandler(route: (request: ApiRequest) => Promise<ApiResult>) {
  return middy<ApiEvent, ApiResult, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      try {
        checkRequestSize(event);
        return await route({ event, caller: callerOf(event) });
      } catch (error) {
        if (error instanceof ServiceError) return errorResponse(error);
        if (error instanceof ConcurrentModificationError) {
          return errorResponse(
            new ServiceError(
              'conflict',
              'concurrent_update',
              'What this request changes was changed by another request at the same moment; retry the request.',
            ),
          );
        }
        logger.error('Unhandled error', { error: error as Error, route: event.routeKey });
        return json(500, {
          error: {
            type: 'internal',
            code: 'internal_error',
            message:
              'Something went wrong on our side. Retry the request; if it keeps failing, contact support with the time of the request.',
          },
        } satisfies ErrorBody);
      }
    });
}

/**
 * The JSON body as sent. An empty or non-JSON body, one nested deeper than REQUEST_LIMITS.jsonDepth,
 * or one that uses `__proto__` as a key (a copy of the object would silently drop it, or worse) is
 * a 400 that says so.
 */
export function jsonBody(event: ApiEvent): unknown {
  const raw = rawBody(event);
  if (raw.trim() === '') {
    throw invalidRequest('invalid_json', 'The request body is empty; send a JSON object.');
  }
  if (jsonDepth(raw) > REQUEST_LIMITS.jsonDepth) {
    throw invalidRequest(
      'invalid_json',
      `The request body nests objects and arrays more than ${REQUEST_LIMITS.jsonDepth} levels deep.`,
    );
  }
  let prototypeKey = false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw, (key, value: unknown) => {
      if (key === '__proto__') prototypeKey = true;
      return value;
    });
  } catch {
    throw invalidRequest('invalid_json', 'The request body is not valid JSON.');
  }
  if (prototypeKey) throw invalidRequest('invalid_json', 'The request body may not use "__proto__" as a key.');
  return parsed;
}

/** The deepest nesting of objects and arrays in JSON text, counted without parsing it. */
function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c) i++;
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b || char === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (char === 0x7d || char === 0x5d) depth--;
  }
  return deepest;
}

export function header(event: ApiEvent, name: string): string | undefined {
  return event.headers?.[name.toLowerCase()];
}

export function pathParameter(event: ApiEvent, name: string): string {
  return event.pathParameters?.[name] ?? '';
}
