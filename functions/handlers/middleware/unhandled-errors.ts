import type { MiddlewareObj } from '@middy/core';
import { loggedFailure } from '../batch-failures.ts';
import { logger } from '../logger.ts';

/**
 * Logs an error that no handler code caught, once, as its name and masked message
 * (loggedFailure: no phone number, no quoted input), and lets it fail the invocation, so the
 * trigger's own answer to a failed invocation applies unchanged: API Gateway's 500 for an
 * HTTP route, another delivery of the batch for SQS and the stream, EventBridge's retry for the
 * schedule. `trigger` names what was invoked, for the log line.
 */
export function unhandledErrors(trigger: string): MiddlewareObj {
  return {
    onError: ({ error }) => {
      logger.error(`Unhandled error in the ${trigger} handler`, { ...loggedFailure(error) });
    },
  };
}
