import { unmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StoredCallSchema } from '#schemas/call';
import { describeFailure, isPermanentFailure } from '../../functions/handlers/batch-failures.ts';
import { OutcomeUnknownError } from '#domain/errors';

const named = (name: string, message = 'x') => Object.assign(new Error(message), { name });
const failureOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
};

describe('judging a failure of a stream or queue consumer', () => {
  it('sets aside only what retrying can never fix', () => {
    for (const name of [
      'ValidationException',
      'InvalidParameterValue',
      'InvalidMessageContents',
      '$ZodError',
      'SyntaxError',
      'RangeError',
    ]) {
      expect(isPermanentFailure(named(name)), name).toBe(true);
    }
    for (const name of [
      'ThrottlingException',
      'ProvisionedThroughputExceededException',
      'ConditionalCheckFailedException',
      'TransactionCanceledException',
      'InternalServerError',
      'TimeoutError',
      'TypeError',
      'Error',
    ]) {
      expect(isPermanentFailure(named(name)), name).toBe(false);
    }
    expect(isPermanentFailure('a string')).toBe(false);
    const cancelled = (...codes: string[]) =>
      Object.assign(named('TransactionCanceledException'), { CancellationReasons: codes.map((Code) => ({ Code })) });
    expect(isPermanentFailure(cancelled('None', 'ValidationError'))).toBe(true);
    expect(isPermanentFailure(cancelled('ConditionalCheckFailed', 'None'))).toBe(false);
    expect(isPermanentFailure(cancelled('TransactionConflict'))).toBe(false);
    expect(isPermanentFailure(failureOf(() => JSON.parse('{')))).toBe(true);
    expect(isPermanentFailure(failureOf(() => StoredCallSchema.parse({})))).toBe(true);
  });

  it('never repeats a phone number or a metadata value from the input it failed on', () => {
    const phone = fc.stringMatching(/^\+[1-9]\d{7,14}$/);
    // Marked so that no error message could contain it by chance.
    const secret = fc.string({ minLength: 1 }).map((s) => `zqx${s}`);
    fc.assert(
      fc.property(phone, secret, fc.constantFrom('json', 'dynamodb', 'zod'), (number, value, reader) => {
        const input = { toNumber: number, metadata: { note: value } };
        const error = failureOf(() => {
          if (reader === 'json') JSON.parse(`${JSON.stringify(input)} trailing`);
          else if (reader === 'dynamodb') unmarshall({ toNumber: { S: number }, metadata: { Z: value } as never });
          else StoredCallSchema.parse({ ...input, status: value });
        });
        const { errorType, errorMessage } = describeFailure(error);
        expect(errorType).not.toBe('');
        expect(errorMessage).not.toContain(number);
        expect(errorMessage).not.toContain(number.slice(1));
        expect(errorMessage).not.toContain(value);
      }),
      { numRuns: 300 },
    );
  });

  it('describes a write that went unanswered by what its sends met, and retries it', () => {
    const error = new OutcomeUnknownError('Read it before sending the request again.', [
      Object.assign(new Error('Request timed out'), { name: 'TimeoutError' }),
      Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }),
    ]);
    expect(describeFailure(error)).toEqual({
      errorType: 'OutcomeUnknownError',
      errorMessage: 'every send went unanswered (TimeoutError, AbortError)',
    });
    expect(isPermanentFailure(error)).toBe(false);
  });
});
