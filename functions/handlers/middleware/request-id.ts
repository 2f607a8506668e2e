import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { requestIdOf, withRequestId } from '../http/request-id.ts';
import { logger } from '../logger.ts';

/**
 * Names every HTTP request with API Gateway's request id (http/request-id.ts): the `Request-Id`
 * response header, `error.requestId` in every error body, and `requestId` on every log line written
 * while the request runs (logContext drops it afterwards), so a support ticket quoting it finds the
 * log lines. Events that are not HTTP requests (the simulator's own invocations) pass through
 * untouched. Register it outside apiErrors, so that it also sees the error responses.
 */
export function requestId<E extends object>(): MiddlewareObj<E, unknown> {
  // Kept on the request, not in this closure: one instance serves concurrent invocations locally.
  const stamp = (request: { response: unknown; internal: object }) => {
    const id = (request.internal as { requestId?: string }).requestId;
    if (id !== undefined && isHttpResult(request.response)) request.response = withRequestId(request.response, id);
  };
  return {
    before: (request) => {
      const id = requestIdOf(request.event);
      if (id === undefined) return;
      (request.internal as { requestId?: string }).requestId = id;
      logger.appendKeys({ requestId: id });
    },
    after: stamp,
    onError: stamp,
  };
}

function isHttpResult(response: unknown): response is APIGatewayProxyStructuredResultV2 {
  return typeof response === 'object' && response !== null && 'statusCode' in response;
}
