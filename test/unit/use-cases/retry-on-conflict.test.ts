import { describe, expect, it } from 'vitest';
import { ConcurrentModificationError } from '#domain/errors';
import { CONFLICT_ATTEMPTS, retryOnConflict } from '#use-cases/retry-on-conflict';

describe('retryOnConflict', () => {
  it('runs the work again after a lost write race and answers with its result', async () => {
    const attempts: number[] = [];
    const result = await retryOnConflict(async (attempt) => {
      attempts.push(attempt);
      if (attempt < 3) throw new ConcurrentModificationError('Call', 'obc_1');
      return 'written';
    });
    expect(result).toBe('written');
    expect(attempts).toEqual([1, 2, 3]);
  });

  it(`gives up after ${CONFLICT_ATTEMPTS} lost races by throwing the conflict, never silently`, async () => {
    let runs = 0;
    const failing = retryOnConflict(async () => {
      runs += 1;
      throw new ConcurrentModificationError('Call', 'obc_1');
    });
    await expect(failing).rejects.toBeInstanceOf(ConcurrentModificationError);
    expect(runs).toBe(CONFLICT_ATTEMPTS);
  });

  it('honours a smaller cap, and passes any other error through at once', async () => {
    let runs = 0;
    await expect(
      retryOnConflict(
        async () => {
          runs += 1;
          throw new ConcurrentModificationError('Call', 'obc_1');
        },
        { attempts: 2 },
      ),
    ).rejects.toBeInstanceOf(ConcurrentModificationError);
    expect(runs).toBe(2);

    let otherRuns = 0;
    const boom = new Error('DynamoDB unavailable');
    await expect(
      retryOnConflict(async () => {
        otherRuns += 1;
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(otherRuns).toBe(1);
  });
});
