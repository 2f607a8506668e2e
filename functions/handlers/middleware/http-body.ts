import type { MiddlewareObj } from '@middy/core';

/** The body fields of an API Gateway HTTP API event (payload 2.0). */
interface HttpBody {
  body?: string;
  isBase64Encoded?: boolean;
}

/**
 * Decodes the body before any handler code runs, so handlers read `event.body` as UTF-8 text.
 * API Gateway base64-encodes a body it does not judge to be text and says so with
 * `isBase64Encoded` (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html);
 * after this, `isBase64Encoded` is false. An event without a body (a GET, or an event that is
 * not an HTTP request at all, like the simulator's scenario events) passes untouched.
 */
export function httpBody<E extends object>(): MiddlewareObj<E> {
  return {
    before: ({ event }) => {
      const http = event as HttpBody;
      if (http.isBase64Encoded && typeof http.body === 'string') {
        http.body = Buffer.from(http.body, 'base64').toString('utf8');
        http.isBase64Encoded = false;
      }
    },
  };
}
