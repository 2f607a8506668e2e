import { AwsClientEnvSchema, parseEnv } from '#schemas/env';

/** The two variables, as the process environment holds them (strings, or unset). */
export interface AwsClientEnv {
  AWS_SDK_CONNECTION_TIMEOUT_MS?: string;
  AWS_SDK_REQUEST_TIMEOUT_MS?: string;
}

/**
 * Tries per request, the first included: the SDK's default for most clients; DynamoDB's client
 * would make four. With three, a write no try of which is answered (three request timeouts) and the
 * adapters' one extra send of it (RESEND_TIMEOUT_MS, adapters/send-settled.ts) end within about
 * 7.5 s, leaving the API functions (15 s) time for the work after a write, so the API answers
 * `outcome_unknown` rather than time out.
 */
export const MAX_ATTEMPTS = 3;

/**
 * The configuration every AWS SDK client of a function is built with: MAX_ATTEMPTS tries, a
 * connection timeout and a per-attempt request timeout, in milliseconds, from AWS_SDK_CONNECTION_TIMEOUT_MS and
 * AWS_SDK_REQUEST_TIMEOUT_MS (schemas/env.ts; 1,000 and 2,000 unless set). An attempt that runs
 * past either fails with a TimeoutError, which the SDK's standard retry strategy retries like any
 * network error (standard retry mode), so a hung connection costs one attempt instead of the whole
 * invocation. Without `throwOnRequestTimeout` the SDK's HTTP handler would only log a warning
 * ("NodeHttpHandlerOptions", Smithy TypeScript; "Retry behavior", AWS SDKs and Tools Reference
 * Guide). A retried write is safe: transactions carry the SDK's ClientRequestToken, and single-item
 * conditional writes go through writeOnce (adapters/dynamodb/client.ts). Throws if a variable is
 * set but not a positive whole number.
 */
export function awsClientOptions(env: AwsClientEnv) {
  const timeouts = parseEnv(AwsClientEnvSchema, {
    AWS_SDK_CONNECTION_TIMEOUT_MS: env.AWS_SDK_CONNECTION_TIMEOUT_MS,
    AWS_SDK_REQUEST_TIMEOUT_MS: env.AWS_SDK_REQUEST_TIMEOUT_MS,
  });
  return {
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: timeouts.AWS_SDK_CONNECTION_TIMEOUT_MS,
      requestTimeout: timeouts.AWS_SDK_REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
      // The request timeout stops counting once the answer's headers arrive; an answer whose body
      // then stalls would wait for the service's idle default (minutes), so it gets the same bound.
      socketTimeout: timeouts.AWS_SDK_REQUEST_TIMEOUT_MS,
    },
  };
}
