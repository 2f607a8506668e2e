import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2WithLambdaAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ServiceError, authenticationFailed, invalidRequest, ConcurrentModificationError, type ErrorKind } from '#domain/errors';
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
    error: { type: error.kind, code: error.code, message: error.message, ...(error.param ? { param: error.param } : {}) },
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
 * Wraps an API route: every route is authenticated, every error leaves in one JSON shape, and
 * nothing internal leaks from a 500.
 */
export function apiHandler(route: (request: ApiRequest) => Promise<ApiResult>) {
  return middy<ApiEvent, ApiResult, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      try {
        return await route({ event, caller: callerOf(event) });
      } catch (error) {
        if (error instanceof ServiceError) return errorResponse(error);
        if (error instanceof ConcurrentModificationError) {
          return errorResponse(new ServiceError('conflict', 'concurrent_update', 'What this request changes was changed by another request at the same moment; retry the request.'));
        }
        logger.error('Unhandled error', { error: error as Error, route: event.routeKey });
        return json(500, { error: { type: 'internal', code: 'internal_error', message: 'Something went wrong on our side. Retry the request; if it keeps failing, contact support with the time of the request.' } } satisfies ErrorBody);
      }
    });
}

/** The JSON body as sent; an empty or non-JSON body is a 400 that says so. */
export function jsonBody(event: ApiEvent): unknown {
  const raw = event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (!raw || raw.trim() === '') {
    throw invalidRequest('invalid_json', 'The request body is empty; send a JSON object.');
  }
  try {
    return JSON.parse(raw);
  } catch {
    throw invalidRequest('invalid_json', 'The request body is not valid JSON.');
  }
}

export function header(event: ApiEvent, name: string): string | undefined {
  return event.headers?.[name.toLowerCase()];
}

export function pathParameter(event: ApiEvent, name: string): string {
  return event.pathParameters?.[name] ?? '';
}
