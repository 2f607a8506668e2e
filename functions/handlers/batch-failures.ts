/**
 * How the stream and queue consumers judge a failure: one that retrying can never fix (the
 * record itself is the problem) is set aside at once, in a dead-letter queue or the stream's
 * failure queue, and the rest of the batch flows on; any other failure is reported back so the
 * event source delivers the record again (partial batch response), and after its retry budget
 * the platform parks it too (SQS redrive by maxReceiveCount; the stream's on-failure
 * destination).
 */

import { OutcomeUnknownError } from '#domain/errors';

/**
 * Error names that say the request itself can never succeed, whatever the moment:
 * - `ValidationException`: DynamoDB refusing an item (over 400 KB, nesting past 32 levels, an
 *   empty key, a bad number) and EventBridge refusing entries (over the size limit)
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/CommonErrors.html,
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html);
 * - SQS refusing a message body (too long, characters outside the allowed set)
 *   (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html);
 * - zod's `$ZodError` (the record does not have the shape of what it claims to be),
 *   `SyntaxError` (not JSON), `RangeError` (nesting so deep a recursive reader overflows).
 * Throttling, timeouts, network errors, 5xx and conditional-write races are absent: retrying
 * fixes them (and the use cases settle races themselves).
 */
const PERMANENT = new Set([
  'ValidationException',
  'InvalidParameterValue',
  'InvalidParameterValueException',
  'InvalidMessageContents',
  'InvalidMessageContentsException',
  '$ZodError',
  'ZodError',
  'SyntaxError',
  'RangeError',
]);

/**
 * Whether retrying can never fix this failure. A DynamoDB transaction cancelled because one of
 * its items was invalid (cancellation reason `ValidationError`) is as permanent as a
 * ValidationException; cancelled for a condition, a conflict or throttling, it is not
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html).
 */
export function isPermanentFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons;
  return (
    PERMANENT.has(error.name) ||
    (error.name === 'TransactionCanceledException' &&
      (reasons ?? []).some((reason) => reason.Code === 'ValidationError'))
  );
}

/** What a log line or a parked record may say about a failure. */
export interface FailureDescription {
  errorType: string;
  errorMessage: string;
}

/**
 * A failure, safe to log and to park: its name and its message up to the first quote (messages
 * such as JSON.parse's and util-dynamodb's quote the input they choke on), with every run of
 * digits (a phone number, say) masked, at most 300 characters. zod's messages list the issues:
 * only their codes and top-level field names are kept. An OutcomeUnknownError is described by
 * what its sends met.
 */
export function describeFailure(error: unknown): FailureDescription {
  if (!(error instanceof Error)) return { errorType: typeof error, errorMessage: '' };
  // A write that went unanswered: what the sends met (TimeoutError, …), not the API's advice.
  if (error instanceof OutcomeUnknownError) {
    const sends = error.failures.map((failure) => describeFailure(failure).errorType).join(', ');
    return { errorType: error.name, errorMessage: `every send went unanswered (${sends})` };
  }
  const issues = (error as { issues?: Array<{ code?: unknown; path?: unknown[] }> }).issues;
  const message = Array.isArray(issues)
    ? issues
        .slice(0, 5)
        .map((issue) => `${String(issue.code)} at ${typeof issue.path?.[0] === 'string' ? issue.path[0] : '(root)'}`)
        .join('; ')
    : error.message;
  return { errorType: error.name, errorMessage: mask(message).slice(0, 300) };
}

/**
 * What a log line says about an error: its masked description (describeFailure) and its stack
 * frames (only the `at …` lines: the rest of a stack repeats the unmasked message, every line of it).
 */
export function loggedFailure(error: unknown): FailureDescription & { stackFrames?: string } {
  const frames =
    error instanceof Error
      ? error.stack
          ?.split('\n')
          .filter((line) => /^\s+at /.test(line))
          .join('\n')
      : undefined;
  return { ...describeFailure(error), ...(frames ? { stackFrames: frames } : {}) };
}

function mask(text: string): string {
  const quote = text.search(/["'`]/);
  return (quote >= 0 ? `${text.slice(0, quote)}…` : text).replace(/\+?\d[\d\s().-]{4,}\d/g, '#');
}
