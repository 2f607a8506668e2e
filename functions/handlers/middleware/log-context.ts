import type { MiddlewareObj } from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logger } from '../logger.ts';

/**
 * Puts the invocation's Lambda context (function_name, function_request_id, cold_start and the
 * rest) on every line the shared logger writes during it, and drops the keys appended during it
 * when it ends, whether it answers or throws: Powertools' injectLambdaContext with resetKeys
 * (https://docs.aws.amazon.com/powertools/typescript/latest/features/logger/). Each invocation
 * replaces the context of the one before, so no line carries another invocation's; one invoked
 * without a context (a test calling a handler directly) logs with none.
 */
export function logContext(): MiddlewareObj {
  return injectLambdaContext(logger, { resetKeys: true });
}
