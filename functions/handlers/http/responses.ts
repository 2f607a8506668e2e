import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ErrorKind, ServiceError } from '#domain/errors';

export type ApiResult = APIGatewayProxyStructuredResultV2;

/** Each kind of service error's HTTP status; anything the service did not name is a 500. */
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

/** The one shape of every error the API answers (docs/api.md). */
export interface ErrorBody {
  error: { type: ErrorKind | 'internal'; code: string; message: string; param?: string };
}

/** A JSON response; `headers` add to (or override) the content type. */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** A service error as its status and ErrorBody. */
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
