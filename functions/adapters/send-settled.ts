import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { CHANGE_MAY_HAVE_BEEN_MADE, OutcomeUnknownError } from '#domain/errors';

/**
 * Whether a failed request may still have been applied: no answer came (a timeout, a dropped or
 * refused connection, an aborted send), or a 5xx, or a transaction DynamoDB says is still in
 * progress. A throttling or any other 4xx answer is definite: the request was not applied. The
 * classification is the AWS SDK's own (@smithy/core/retry, as its retry strategy uses it).
 */
export function isUnanswered(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'TransactionInProgressException' || error.name === 'AbortError') return true;
  const sdkError = error as Parameters<typeof isTransientError>[0];
  return (isTransientError(sdkError) || isServerError(sdkError)) && !isThrottlingError(sdkError);
}

/** How long the one extra send of a write that got no answer may take, milliseconds. */
export const RESEND_TIMEOUT_MS = 1_000;

/**
 * Sends a write whose repeats are harmless (the same ClientRequestToken, the same writeId, a
 * delete, a put of the same item, one more copy of an SQS message, events with stable ids) and, when every try the SDK made went unanswered (isUnanswered), sends it once more
 * within RESEND_TIMEOUT_MS: an answer to that settles what happened (the write had landed, or it
 * lands now). When that goes unanswered too, rejects with OutcomeUnknownError
 * (CHANGE_MAY_HAVE_BEEN_MADE; the failures for the log). Any answered failure rejects as it came.
 * The extra send is bounded so that a request still answers within its function's timeout: the
 * SDK's three tries of 2 s (aws-client-options.ts) and this one fit in the API functions' 15 s
 * timeout, with the work after the write.
 */
export async function sendSettled<T>(send: (abortSignal?: AbortSignal) => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (!isUnanswered(error)) throw error;
    try {
      return await send(AbortSignal.timeout(RESEND_TIMEOUT_MS));
    } catch (again) {
      if (isUnanswered(again)) throw new OutcomeUnknownError(CHANGE_MAY_HAVE_BEEN_MADE, [error, again]);
      throw again;
    }
  }
}
