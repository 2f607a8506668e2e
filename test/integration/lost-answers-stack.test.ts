import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CALLS, callReaches, minutesFromNow, startTestApi, type TestApi } from '../support/local-api.ts';
import { startLossyProxy } from '../support/lossy-proxy.ts';

const TERMINAL = ['completed', 'failed', 'no_answer', 'busy', 'cancelled', 'voicemail'];

/** Each test number's true outcome (docs/test-numbers.md). */
const OUTCOMES: Record<string, [string, string]> = {
  '+15005550100': ['completed', 'agent_ended'],
  '+15005550101': ['completed', 'customer_ended'],
  '+15005550102': ['no_answer', 'no_answer'],
  '+15005550103': ['busy', 'busy'],
  '+15005550104': ['voicemail', 'voicemail_left'],
  '+15005550106': ['failed', 'provider_error'],
};

const WRITES = ['PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems', 'BatchWriteItem'];

/**
 * The whole service while the network loses the answer to one write in every `every` that DynamoDB
 * applies (the SDK sends each of those again; fast-check picks which): creates and cancels answer
 * as they would have, every call reaches its true outcome, and each attempt is dialed exactly once.
 * Nothing in the service may read a repeat of its own write as somebody else's.
 */
describe('the call lifecycle when DynamoDB answers go missing', () => {
  let api: TestApi;
  let proxy: Awaited<ReturnType<typeof startLossyProxy>>;
  let writes = 0;
  /** Which writes lose their answer: the ones whose count is `offset` modulo `every`. */
  let pattern = { every: 3, offset: 0 };

  beforeAll(async () => {
    proxy = await startLossyProxy(inject('dynamodbEndpoint'));
    api = await startTestApi({ dynamodbEndpoint: proxy.endpoint });
    proxy.loseAnswers(
      (request) =>
        WRITES.some((operation) => request.target.endsWith(`.${operation}`)) &&
        ++writes % pattern.every === pattern.offset % pattern.every,
      Number.POSITIVE_INFINITY,
    );
  });
  afterAll(async () => {
    await api.stack.stop();
    await proxy.stop();
  });

  it('answers every request as without the loss, and every call reaches its outcome, dialed once per attempt', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 4 }), fc.nat(3), async (every, offset) => {
        pattern = { every, offset };
        const lostBefore = proxy.lost();
        const numbers = Object.keys(OUTCOMES);
        const created = await Promise.all(
          numbers.map(async (toNumber) => {
            const response = await api.request('POST', CALLS, {
              body: { agentId: 'agt_01HXK8Z3MNPQRS', toNumber, maxRetries: 1, retryDelayMinutes: 1 },
            });
            expect(response.status).toBe(201);
            return { id: response.body.id as string, toNumber };
          }),
        );
        const scheduled = await Promise.all(
          [0, 1, 2].map(async () => {
            const response = await api.request('POST', CALLS, {
              body: { agentId: 'agt_01HXK8Z3MNPQRS', toNumber: '+15005550100', scheduledFor: minutesFromNow(30) },
            });
            expect(response.status).toBe(201);
            const cancel = await api.request('POST', `${CALLS}/${response.body.id}/cancel`);
            expect(cancel.status).toBe(200);
            expect(cancel.body.status).toBe('cancelled');
            return response.body.id as string;
          }),
        );

        for (const { id, toNumber } of created) {
          const call = await callReaches(api, id, TERMINAL, 90_000);
          const [status, endReason] = OUTCOMES[toNumber] as [string, string];
          expect({ toNumber, status: call.status, endReason: call.endReason }).toEqual({ toNumber, status, endReason });
          expect(call.attempts).toHaveLength(toNumber === '+15005550102' ? 2 : 1);
          const dials = [...api.stack.simulatedCalls.calls.values()].filter((c) =>
            String(c.params.Url).includes(`callId=${id}&`),
          );
          expect(dials.map((c) => String(c.params.Url).split('attempt=')[1])).toEqual(
            call.attempts.map((a: { attempt: number }) => String(a.attempt)),
          );
        }
        for (const id of scheduled) expect((await api.request('GET', `${CALLS}/${id}`)).body.status).toBe('cancelled');
        // The loss really happened, many times over.
        expect(proxy.lost() - lostBefore).toBeGreaterThan(5);
      }),
      { numRuns: 3 },
    );
  }, 300_000);
});
