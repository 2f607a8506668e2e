import { StoredCallSchema, type StoredCall } from '#schemas/call';
import type { Item } from './query.ts';
import { RECONCILER_INDEX, callIndexKeys, campaignIndexKeys, keys, watchdogShard } from './table-design.ts';

/** The call's item: the call, its keys, its list-index keys and, while it is unfinished, its watchdog shard. */
export function toCallItem(call: StoredCall): Item {
  return {
    ...keys.call(call.id),
    ...callIndexKeys(call),
    ...(call.campaignId ? campaignIndexKeys({ ...call, campaignId: call.campaignId }) : {}),
    ...call,
    // Only unfinished calls are in the reconciler's index.
    ...(call.watchdogAt ? { [RECONCILER_INDEX.partitionKey]: watchdogShard(call.id) } : { watchdogAt: undefined }),
  };
}

/** The call in an item; the schema drops the key attributes and keeps only the call's own fields. */
export function fromCallItem(item: Item): StoredCall {
  return StoredCallSchema.parse(item);
}
