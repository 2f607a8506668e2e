import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { sqsBatchHandler } from '#handlers/sqs-batch';
import { lambdaContext } from '../../../local/lambda-context.ts';

const batch = {
  Records: [
    { messageId: 'm-1', body: '{"id":"a"}', attributes: {} },
    { messageId: 'm-2', body: '{"id":"b"}', attributes: {} },
  ],
} as unknown as SQSEvent;

/**
 * A consumer learns when its invocation ends (the delivery claim holds an attempt until then,
 * deliver-event.ts): the Lambda context's remaining time from the moment the batch arrives.
 */
describe('sqsBatchHandler: the invocation’s deadline', () => {
  it('is given to the handling of every message, from the Lambda context', async () => {
    const seen: Array<Date | undefined> = [];
    const consumer = sqsBatchHandler(
      'deadline',
      z.object({ id: z.string() }),
      async (_message, deadline) => {
        seen.push(deadline);
      },
      { park: async () => undefined },
    );
    const before = Date.now();
    const context = lambdaContext('consumer', 30_000);
    await consumer(batch, context);
    const after = Date.now();
    expect(seen).toHaveLength(2);
    for (const deadline of seen) {
      // The context's 30 s from when it was made, which is after `before`.
      expect(deadline?.getTime()).toBeGreaterThanOrEqual(before + 30_000);
      expect(deadline?.getTime()).toBeLessThanOrEqual(after + 30_000);
    }
    // No context (a test calling the entry point directly): no deadline, the use case's default.
    seen.length = 0;
    await consumer(batch);
    expect(seen).toEqual([undefined, undefined]);
  });
});
