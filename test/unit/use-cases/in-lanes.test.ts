import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inLanes } from '#use-cases/in-lanes';

const tick = async (n: number) => {
  for (let i = 0; i < n; i++) await Promise.resolve();
};

describe('inLanes', () => {
  it('runs every item once, each key in order, never more than `width` lanes at once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ key: fc.nat({ max: 4 }), delay: fc.nat({ max: 3 }) }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 6 }),
        async (items, width) => {
          const seen: number[] = [];
          const running = new Set<number>();
          let most = 0;
          const failedAt = await inLanes(
            items,
            (item) => String(item.key),
            width,
            async (item, index) => {
              expect(running.has(item.key)).toBe(false);
              running.add(item.key);
              most = Math.max(most, running.size);
              await tick(item.delay + 1);
              seen.push(index);
              running.delete(item.key);
              return true;
            },
          );
          expect(failedAt).toBeNull();
          expect([...seen].sort((a, b) => a - b)).toEqual(items.map((_, index) => index));
          for (const key of new Set(items.map((item) => item.key))) {
            const ofKey = seen.filter((index) => items[index]?.key === key);
            expect(ofKey).toEqual([...ofKey].sort((a, b) => a - b));
          }
          expect(most).toBeLessThanOrEqual(width);
        },
      ),
    );
  });

  it('answers the first failed index, stops its lane, and starts no item after it', async () => {
    // Keys: a b a c b a; item 2 (the second of lane a) fails.
    const keys = ['a', 'b', 'a', 'c', 'b', 'a'];
    const started: number[] = [];
    const failedAt = await inLanes(
      keys,
      (key) => key,
      1,
      async (_key, index) => {
        started.push(index);
        await tick(1);
        return index !== 2;
      },
    );
    expect(failedAt).toBe(2);
    // One lane at a time: lane a runs 0, then 2 fails (5 never starts); lane b still runs 1, which
    // comes before the failure, but not 4; lane c (3) starts nothing.
    expect(started).toEqual([0, 2, 1]);
  });

  it('answers the earliest failure when two lanes fail', async () => {
    const failedAt = await inLanes([0, 1, 2, 3], String, 4, async (_item, index) => {
      await tick(index === 1 ? 5 : 1);
      return index !== 1 && index !== 3;
    });
    expect(failedAt).toBe(1);
  });

  it('has run every item before the failure it answers, successfully: what a partial batch response reports as done is done', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ key: fc.nat({ max: 4 }), delay: fc.nat({ max: 3 }), fails: fc.boolean() }), {
          maxLength: 30,
        }),
        fc.integer({ min: 1, max: 6 }),
        async (items, width) => {
          const succeeded = new Set<number>();
          const failedAt = await inLanes(
            items,
            (item) => String(item.key),
            width,
            async (item, index) => {
              await tick(item.delay + 1);
              if (item.fails) return false;
              succeeded.add(index);
              return true;
            },
          );
          const firstFailing = items.findIndex((item) => item.fails);
          expect(failedAt).toBe(firstFailing === -1 ? null : firstFailing);
          const before = firstFailing === -1 ? items.length : firstFailing;
          for (let index = 0; index < before; index++) expect(succeeded.has(index), `item ${index}`).toBe(true);
        },
      ),
    );
  });
});
