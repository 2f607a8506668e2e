import { StoredCallSchema, type StoredCall } from '#schemas/call';
import type { Item } from './query.ts';
import { RECONCILER_INDEX, callIndexKeys, campaignIndexKeys, keys, watchdogShard } from './table-design.ts';

/**
 * The call's item: the call, its keys, its list-index keys and, while it is unfinished, its watchdog
 * shard. Built with Object.assign rather than spreads into one literal: V8 copies the call's thirty
 * or so fields after other keys by a slow path, about twenty times slower (half a millisecond of
 * every call write on a busy machine; docs/costs.md, "Create latency"). The same result: every
 * source's names are fixed (the keys', the call schema's), so none is `__proto__`.
 */
export function toCallItem(call: StoredCall): Item {
  return Object.assign(
    {},
    keys.call(call.id),
    callIndexKeys(call),
    call.campaignId ? campaignIndexKeys({ ...call, campaignId: call.campaignId }) : {},
    call,
    // Only unfinished calls are in the reconciler's index.
    call.watchdogAt ? { [RECONCILER_INDEX.partitionKey]: watchdogShard(call.id) } : { watchdogAt: undefined },
  );
}

/** The call in an item; the schema drops the key attributes and keeps only the call's own fields. */
export function fromCallItem(item: Item): StoredCall {
  return StoredCallSchema.parse(item);
}
