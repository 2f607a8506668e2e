import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** The response header that names the request (docs/api.md#request-ids). */
export const REQUEST_ID_HEADER = 'request-id';

/**
 * The id of an HTTP request: API Gateway's `requestContext.requestId` (the local front makes one
 * per request the same way); a new UUID for an HTTP event without one (a test's); undefined for an
 * event that is not an HTTP request.
 */
export function requestIdOf(event: unknown): string | undefined {
  const context = (event as { requestContext?: { requestId?: string; http?: unknown } } | null)?.requestContext;
  return context?.requestId || (context?.http ? randomUUID() : undefined);
}

/** The response with its Request-Id header and, for an error in the service's shape, `error.requestId`. */
export function withRequestId(
  response: APIGatewayProxyStructuredResultV2,
  id: string,
): APIGatewayProxyStructuredResultV2 {
  const headers = { ...response.headers, [REQUEST_ID_HEADER]: id };
  if ((response.statusCode ?? 200) < 400 || typeof response.body !== 'string') return { ...response, headers };
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    return { ...response, headers };
  }
  const error = (body as { error?: unknown } | null)?.error;
  if (typeof error !== 'object' || error === null) return { ...response, headers };
  return { ...response, headers, body: JSON.stringify({ ...(body as object), error: { ...error, requestId: id } }) };
}
