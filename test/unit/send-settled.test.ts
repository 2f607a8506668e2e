import { describe, expect, it } from 'vitest';
import { TRANSACTION_CONFLICT_ATTEMPTS, transactOnceThroughConflicts } from '#adapters/dynamodb/client';
import { isUnanswered, sendSettled } from '#adapters/send-settled';
import { OutcomeUnknownError } from '#domain/errors';

const failure = (name: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(name), { name, ...extra });

describe('isUnanswered: whether a failed AWS request may still have been applied', () => {
  it.each([
    ['a request timeout', failure('TimeoutError'), true],
    ['a reset connection', failure('Error', { code: 'ECONNRESET' }), true],
    ['a 500', failure('InternalServerError', { $metadata: { httpStatusCode: 500 } }), true],
    [
      'a transaction still in progress',
      failure('TransactionInProgressException', { $metadata: { httpStatusCode: 400 } }),
      true,
    ],
    ['an aborted send', failure('AbortError'), true],
    [
      'throttling',
      failure('ProvisionedThroughputExceededException', {
        $metadata: { httpStatusCode: 400 },
        $retryable: { throttling: true },
      }),
      false,
    ],
    ['a failed condition', failure('ConditionalCheckFailedException', { $metadata: { httpStatusCode: 400 } }), false],
    ['a refused request', failure('ValidationException', { $metadata: { httpStatusCode: 400 } }), false],
    ['not an error', 'TimeoutError', false],
  ])('%s: %s', (_what, error, expected) => {
    expect(isUnanswered(error)).toBe(expected);
  });
});

describe('sendSettled: one more send of a write that went unanswered', () => {
  it('answers as the extra send does when that one is answered', async () => {
    const signals: Array<AbortSignal | undefined> = [];
    const sends = [failure('TimeoutError'), 'done'];
    const result = await sendSettled(async (signal) => {
      signals.push(signal);
      const next = sends.shift();
      if (next instanceof Error) throw next;
      return next;
    });
    expect(result).toBe('done');
    // The extra send is bounded; the first is the SDK's own.
    expect(signals[0]).toBeUndefined();
    expect(signals[1]).toBeInstanceOf(AbortSignal);
  });

  it('rejects with OutcomeUnknownError, holding both failures, when the extra send goes unanswered too', async () => {
    const first = failure('TimeoutError');
    const second = failure('AbortError');
    const sends = [first, second];
    const rejection = await sendSettled(async () => {
      throw sends.shift();
    }).catch((error: unknown) => error);
    expect(rejection).toBeInstanceOf(OutcomeUnknownError);
    expect((rejection as OutcomeUnknownError).failures).toEqual([first, second]);
  });

  it('sends once, and rejects as it was answered, when the store answered with a failure', async () => {
    let sent = 0;
    const refused = failure('ConditionalCheckFailedException', { $metadata: { httpStatusCode: 400 } });
    await expect(
      sendSettled(async () => {
        sent += 1;
        throw refused;
      }),
    ).rejects.toBe(refused);
    expect(sent).toBe(1);
  });

  it('rejects as the extra send was answered, when it was answered with a failure', async () => {
    const refused = failure('ValidationException', { $metadata: { httpStatusCode: 400 } });
    const sends = [failure('TimeoutError'), refused];
    await expect(
      sendSettled(async () => {
        throw sends.shift();
      }),
    ).rejects.toBe(refused);
  });
});

describe('transactOnceThroughConflicts: a transaction cancelled for a TransactionConflict is tried again', () => {
  const cancelled = (...codes: string[]) =>
    failure('TransactionCanceledException', { CancellationReasons: codes.map((Code) => ({ Code })) });
  /** A document client whose sends answer `answers` in turn (an error is thrown), recording each input. */
  const scripted = (answers: unknown[]) => {
    const inputs: Array<{ ClientRequestToken?: string }> = [];
    const db = {
      send: async (command: { input: { ClientRequestToken?: string } }) => {
        inputs.push(command.input);
        const next = answers.shift();
        if (next instanceof Error) throw next;
        return {};
      },
    } as unknown as Parameters<typeof transactOnceThroughConflicts>[0];
    return { db, inputs };
  };

  it('tries again after conflicts, each try a new transaction, until one lands', async () => {
    const { db, inputs } = scripted([cancelled('None', 'TransactionConflict'), cancelled('TransactionConflict'), {}]);
    await expect(transactOnceThroughConflicts(db, { TransactItems: [] })).resolves.toBeUndefined();
    expect(inputs).toHaveLength(3);
    expect(new Set(inputs.map((input) => input.ClientRequestToken)).size).toBe(3);
  });

  it(`gives up with the last cancellation after ${TRANSACTION_CONFLICT_ATTEMPTS} conflicts in a row`, async () => {
    const { db, inputs } = scripted(Array.from({ length: 10 }, () => cancelled('TransactionConflict')));
    await expect(transactOnceThroughConflicts(db, { TransactItems: [] })).rejects.toMatchObject({
      name: 'TransactionCanceledException',
    });
    expect(inputs).toHaveLength(TRANSACTION_CONFLICT_ATTEMPTS);
  });

  it('rejects any other cancellation at once', async () => {
    const { db, inputs } = scripted([cancelled('ConditionalCheckFailed', 'None'), {}]);
    await expect(transactOnceThroughConflicts(db, { TransactItems: [] })).rejects.toMatchObject({
      name: 'TransactionCanceledException',
    });
    expect(inputs).toHaveLength(1);
  });
});
