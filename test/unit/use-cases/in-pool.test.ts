import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inPool } from '#use-cases/in-pool';

describe('inPool', () => {
  it('runs every item once, never more than `width` at once, and as many at once as it may', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: 3 }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 8 }),
        async (delays, width) => {
          const seen: number[] = [];
          let running = 0;
          let most = 0;
          await inPool(delays, width, async (delay, index) => {
            running += 1;
            most = Math.max(most, running);
            for (let tick = 0; tick < delay + 1; tick++) await Promise.resolve();
            seen.push(index);
            running -= 1;
          });
          expect(seen.sort((a, b) => a - b)).toEqual(delays.map((_, index) => index));
          expect(most).toBe(Math.min(width, delays.length));
        },
      ),
    );
  });

  it('rejects with the first failure, starts nothing after it, and lets the running ones settle', async () => {
    const started: number[] = [];
    const settled: number[] = [];
    const failure = new Error('item 1 failed');
    const run = inPool([0, 1, 2, 3, 4, 5], 2, async (_item, index) => {
      started.push(index);
      await Promise.resolve();
      if (index === 1) throw failure;
      await Promise.resolve();
      settled.push(index);
    });
    await expect(run).rejects.toBe(failure);
    expect(started).toEqual([0, 1]);
    expect(settled).toEqual([0]);
  });
});
