import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { AuthorizerEnvSchema, parseEnv } from '#schemas/env';
import { authenticate, rememberedKeyLookups } from '#use-cases/authenticate';
import type { AuthorizerContext } from './http/api-handler.ts';
import { clock, directory } from './composition/table.ts';
import { authorizerHandler } from './middleware/bundles.ts';

/** Answers remembered per kind (found, unknown): about 200 bytes each, so at most a few MB. */
const REMEMBERED_KEYS = 5_000;

const env = parseEnv(AuthorizerEnvSchema, process.env);
const keys = rememberedKeyLookups(directory, {
  ttlSeconds: env.API_KEY_CACHE_SECONDS,
  maxEntries: REMEMBERED_KEYS,
  clock,
});

/**
 * API Gateway Lambda authorizer (payload 2.0, simple responses). It lets every request through
 * with either the caller or the reason there is none, because an HTTP API cannot shape a denial's
 * body; the route turns a missing caller into a 401 in the service's error shape, before any I/O
 * (docs/architecture.md, "The authorizer always authorizes", says what that costs).
 */
export const handler = authorizerHandler(
  async (
    event: APIGatewayRequestAuthorizerEventV2,
  ): Promise<APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>> => {
    const result = await authenticate({ directory: keys }, event.headers?.authorization);
    return {
      isAuthorized: true,
      context: result.authenticated ? result.caller : { authError: result.reason },
    };
  },
);
