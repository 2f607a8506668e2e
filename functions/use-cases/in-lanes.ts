import { inPool } from './in-pool.ts';

/**
 * Runs `work` over `items` in lanes: items of the same key one after another, in their order;
 * lanes side by side, at most `width` at once, started in the order of their first item. `work`
 * answers false for an item that failed: its lane stops there, and no item after it (in any
 * lane) is started. Resolves with the index of the first item that failed, or null if none did.
 * Items after a failure whose lanes had already started them may have run: the caller treats
 * everything from the first failure as not done (a stream's retry from there is safe only for
 * idempotent work).
 */
export async function inLanes<T>(
  items: T[],
  keyOf: (item: T, index: number) => string,
  width: number,
  work: (item: T, index: number) => Promise<boolean>,
): Promise<number | null> {
  const lanes = new Map<string, number[]>();
  items.forEach((item, index) => {
    const key = keyOf(item, index);
    const lane = lanes.get(key);
    if (lane) lane.push(index);
    else lanes.set(key, [index]);
  });
  let firstFailure: number | null = null;
  await inPool([...lanes.values()], width, async (lane) => {
    for (const index of lane) {
      if (firstFailure !== null && index > firstFailure) return;
      if (await work(items[index] as T, index)) continue;
      firstFailure = firstFailure === null ? index : Math.min(firstFailure, index);
      return;
    }
  });
  return firstFailure;
}
