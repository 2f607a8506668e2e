import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callReaches, createCallsTo, startChaosTestApi, type TestApi } from '../support/local-api.ts';
import { TERMINAL, TEST_NUMBER_OUTCOMES } from '../support/outcomes.ts';

/**
 * The call lifecycle, end to end, against the simulator in chaos mode: status callbacks
 * duplicated, delayed and reordered, the answering machine verdict only on the answer request,
 * URLs signed without their port, no CallDuration, every call's clock skewed by up to ten
 * minutes. fast-check picks the mix of calls. Every call must still reach its true outcome, with
 * sane times, each attempt dialed exactly once.
 */
describe('the call lifecycle on a network at its worst', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startChaosTestApi();
  });
  afterAll(() => api.stack.stop());

  it('brings every call to its true outcome, with connectedAt <= endedAt and each attempt dialed once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...Object.keys(TEST_NUMBER_OUTCOMES)), { minLength: 1, maxLength: 6 }),
        async (numbers) => {
          const created = await createCallsTo(api, numbers);
          for (const { id, toNumber } of created) {
            const call = await callReaches(api, id, TERMINAL, 60_000);
            const [status, endReason] = TEST_NUMBER_OUTCOMES[toNumber] as [string, string];
            expect({ toNumber, status: call.status, endReason: call.endReason }).toEqual({
              toNumber,
              status,
              endReason,
            });
            expect(call.attempts).toHaveLength(toNumber === '+15005550102' ? 2 : 1);
            for (const attempt of call.attempts) {
              const times = [attempt.initiatedAt, attempt.connectedAt, attempt.endedAt]
                .filter((t: string | null) => t !== null)
                .map((t: string) => Date.parse(t));
              expect(times).toEqual([...times].sort((a, b) => a - b));
              expect(Math.max(...times)).toBeLessThanOrEqual(Date.now());
              const duration = attempt.connectedAt
                ? Math.round((Date.parse(attempt.endedAt) - Date.parse(attempt.connectedAt)) / 1000)
                : 0;
              expect(attempt.durationSeconds).toBe(duration);
            }
            // No double dial: one simulated call per attempt (the invalid number is refused at dial).
            const dials = [...api.stack.simulatedCalls.calls.values()].filter((c) =>
              String(c.params.Url).includes(`callId=${id}&`),
            );
            expect(dials.map((c) => String(c.params.Url).split('attempt=')[1])).toEqual(
              toNumber === '+15005550105' ? [] : call.attempts.map((a: { attempt: number }) => String(a.attempt)),
            );
            // The service's TwiML survived the simulator's strict reading.
            for (const dial of dials) expect(dial.errorCode).toBeNull();
          }
        },
      ),
      { numRuns: 4 },
    );
  }, 300_000);
});
