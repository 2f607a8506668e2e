import { ulid } from 'ulid';
import { eventsForChange } from '#domain/webhook-events';
import { toTimestamp } from '#domain/time';
import { isActiveFor } from '#domain/webhook-activation';
import type { StoredCall } from '#schemas/call';
import type { StoredWebhookEndpoint, WebhookEvent } from '#schemas/webhooks';
import type { Clock } from '#ports/clock';
import type { DeliveryQueue, EventBus, WebhookStore } from '#ports/webhooks';

export interface ProduceEventsDeps {
  webhooks: WebhookStore;
  queue: DeliveryQueue;
  bus: EventBus;
  clock: Clock;
}

export interface CallChange {
  before: StoredCall | null;
  after: StoredCall;
}

/**
 * The events one write of a call makes: a pure function of the write, so if it throws, the write
 * itself is at fault and no retry can help (the events function parks such a record).
 */
export function eventsOfChange(change: CallChange): WebhookEvent[] {
  return eventsForChange(change.before, change.after);
}

/**
 * An account's webhook endpoints as they are for events of changes made up to `changedUpTo` (the
 * latest `createdAt` of the events, ISO 8601).
 */
export type EndpointsOf = (accountId: string, changedUpTo: string) => Promise<StoredWebhookEndpoint[]>;

/** One batch's lookup of endpoints: each account read at most once, `forget` to read it again. */
export interface EndpointLookup {
  endpointsOf: EndpointsOf;
  forget: (accountId: string) => void;
}

/**
 * Looks up accounts' webhook endpoints (enabled or not) for batches of stream records.
 *
 * An account that has endpoints is read once per batch, so a deleted, disabled or edited endpoint
 * counts from the next batch. An account found to have none is remembered as such, across
 * batches, for the events of changes made before the lookup started plus `ttlMs` (by the events'
 * own time, not the time they are handled): a new endpoint's `activeAt` is set so that no event
 * it must receive is ever answered from this memory (domain/webhook-activation.ts). Most accounts
 * have no endpoint, and this keeps their events from costing a Query per stream batch. With
 * `ttlMs` 0 it still answers for changes made before a lookup that found none (a batch's records,
 * a late record). A lookup that fails is not remembered.
 *
 * `list` must read strongly (an endpoint whose write answered before the lookup is found).
 */
export function endpointCache(
  list: (accountId: string) => Promise<StoredWebhookEndpoint[]>,
  clock: Clock,
  ttlMs: number,
): { batch: () => EndpointLookup } {
  /** Per account: events of changes made before this time (ms) go to no endpoint. */
  const noneBefore = new Map<string, number>();
  return {
    batch() {
      const read = new Map<string, Promise<StoredWebhookEndpoint[]>>();
      return {
        endpointsOf(accountId, changedUpTo) {
          // Timestamps are whole seconds: a change stamped T was made before T + 1 s.
          const madeBefore = Date.parse(changedUpTo) + 1000;
          if (madeBefore <= (noneBefore.get(accountId) ?? Number.NEGATIVE_INFINITY)) return Promise.resolve([]);
          let endpoints = read.get(accountId);
          if (!endpoints) {
            const startedAt = clock.now().getTime();
            endpoints = list(accountId);
            read.set(accountId, endpoints);
            endpoints.then(
              (found) => {
                if (found.length > 0) return;
                // "None" answers through noneBefore only: a change stamped after it is looked up again.
                read.delete(accountId);
                // Only the recently active are kept: entries go five minutes past their time (late
                // records still find them) as new ones come.
                for (const [key, until] of noneBefore) if (until <= startedAt - 300_000) noneBefore.delete(key);
                noneBefore.set(accountId, Math.max(startedAt + ttlMs, noneBefore.get(accountId) ?? 0));
              },
              () => read.delete(accountId),
            );
          }
          return endpoints;
        },
        forget(accountId) {
          read.delete(accountId);
          noneBefore.delete(accountId);
        },
      };
    },
  };
}

/**
 * Turns one write of a call (a table stream record) into events, and does for them what webhook
 * endpoints need: if the account has any endpoint (enabled or not: a disabled one may be enabled
 * and asked to redeliver), each event is kept for redelivery and put on the delivery queue once
 * per subscribed, enabled endpoint active at the event's time (from its `activeAt`). An account without endpoints costs nothing here. Returns the
 * events, which the caller publishes to the event bus (publishEvents), batched with the events of
 * other records. Event ids are derived from the change, so a stream record seen twice produces the
 * same events, and delivery recognises them.
 */
export async function produceEvents(
  deps: Omit<ProduceEventsDeps, 'bus'>,
  change: CallChange,
  endpointsOf: EndpointsOf,
  events: WebhookEvent[] = eventsOfChange(change),
): Promise<WebhookEvent[]> {
  return produceAccountEvents(deps, change.after.accountId, endpointsOf, events);
}

/**
 * What produceEvents does for the events of one account, whatever they are about (a call's
 * change, or CampaignCompleted): kept for redelivery and queued once per subscribed, enabled
 * endpoint whose `activeAt` is not after the event's `createdAt`, if the account has any endpoint. Returns the events, for publishEvents.
 */
export async function produceAccountEvents(
  deps: Omit<ProduceEventsDeps, 'bus'>,
  accountId: string,
  endpointsOf: EndpointsOf,
  events: WebhookEvent[],
): Promise<WebhookEvent[]> {
  if (events.length === 0) return [];
  const latest = events.map((e) => e.createdAt).reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
  const endpoints = await endpointsOf(accountId, latest);
  if (endpoints.length === 0) return events;
  const enabled = endpoints.filter((endpoint) => endpoint.enabled);
  const firstAttemptAt = toTimestamp(deps.clock.now());
  for (const event of events) {
    await deps.webhooks.saveEvent(accountId, event);
    const receivers = enabled.filter((e) => e.events.includes(event.type) && isActiveFor(e, event));
    for (const endpoint of receivers) {
      await deps.queue.send(
        { accountId, endpointId: endpoint.id, event, attempt: 1, firstAttemptAt, chainId: ulid(), redelivery: false },
        0,
      );
    }
  }
  return events;
}

/** Publishes the events of several changes to the event bus, in order, in as few requests as it takes. */
export async function publishEvents(
  deps: Pick<ProduceEventsDeps, 'bus'>,
  produced: Array<{ accountId: string; events: WebhookEvent[] }>,
): Promise<void> {
  const events = produced.flatMap(({ accountId, events }) => events.map((event) => ({ accountId, event })));
  if (events.length > 0) await deps.bus.publish(events);
}
