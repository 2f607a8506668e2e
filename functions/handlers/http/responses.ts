import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ErrorKind, ServiceError } from '#domain/errors';

export type ApiResult = APIGatewayProxyStructuredResultV2;

/** Each kind of service error's HTTP status; anything the service did not name is a 500. */
export const HTTP_STATUS: Record<ErrorKind | 'internal', number> = {
  invalid_request: 400,
  authentication_failed: 401,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  unprocessable: 422,
  request_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
};

/**
 * The one shape of every error the API answers (docs/api.md). `requestId` is the response's
 * Request-Id (added by the requestId middleware, so absent only where no request was made).
 */
export interface ErrorBody {
  error: { type: ErrorKind | 'internal'; code: string; message: string; param?: string; requestId?: string };
}

/** A JSON response; `headers` add to (or override) the content type. */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/**
 * A 201 for what a POST created, with `Location`: the path of the new resource (a relative
 * reference, RFC 9110 §10.2.2, so it holds behind any domain name).
 */
export function created(location: string, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return json(201, body, { location, ...headers });
}

/** A service error as its status and ErrorBody; `headers` as for json. */
export function errorResponse(error: ServiceError, headers: Record<string, string> = {}): ApiResult {
  const body: ErrorBody = {
    error: {
      type: error.kind,
      code: error.code,
      message: error.message,
      ...(error.param !== undefined ? { param: error.param } : {}),
    },
  };
  return json(HTTP_STATUS[error.kind], body, headers);
}
