import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { authenticate } from '#use-cases/authenticate';
import type { AuthorizerContext } from './http/api-handler.ts';
import { directory } from './composition/table.ts';

/**
 * API Gateway Lambda authorizer (payload 2.0, simple responses). It lets every request through
 * with either the caller or the reason there is none, because an HTTP API cannot shape a denial's
 * body; the route turns a missing caller into a 401 in the service's error shape.
 */
export const handler = async (
  event: APIGatewayRequestAuthorizerEventV2,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>> => {
  const result = await authenticate({ directory }, event.headers?.authorization);
  return {
    isAuthorized: true,
    context: result.authenticated ? result.caller : { authError: result.reason },
  };
};
