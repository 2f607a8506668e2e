import { ulid } from 'ulid';
import { eventsForChange } from '#domain/webhook-events';
import { toTimestamp } from '#domain/time';
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
 * How long the events function remembers that an account has no webhook endpoint, in
 * milliseconds: the first endpoint an account creates receives the events of changes made from at
 * most this long after. Accounts with endpoints are looked up afresh in every batch.
 */
export const NO_ENDPOINTS_TTL_MS = 30_000;

/**
 * The events one write of a call makes: a pure function of the write, so if it throws, the write
 * itself is at fault and no retry can help (the events function parks such a record).
 */
export function eventsOfChange(change: CallChange): WebhookEvent[] {
  return eventsForChange(change.before, change.after);
}

/** One batch's lookup of endpoints: each account read at most once, `forget` to read it again. */
export interface EndpointLookup {
  endpointsOf: (accountId: string) => Promise<StoredWebhookEndpoint[]>;
  forget: (accountId: string) => void;
}

/**
 * Looks up accounts' webhook endpoints (enabled or not) for batches of stream records: within a
 * batch each account once; an account found to have none is remembered as such for `ttlMs`
 * milliseconds of `clock` time, across batches. Most accounts have no endpoint, and this keeps
 * their events from costing a Query per stream record. A lookup that fails is not remembered.
 */
export function endpointCache(
  list: (accountId: string) => Promise<StoredWebhookEndpoint[]>,
  clock: Clock,
  ttlMs = NO_ENDPOINTS_TTL_MS,
): { batch: () => EndpointLookup } {
  const noneUntil = new Map<string, number>();
  return {
    batch() {
      const read = new Map<string, Promise<StoredWebhookEndpoint[]>>();
      return {
        endpointsOf(accountId) {
          const now = clock.now().getTime();
          if ((noneUntil.get(accountId) ?? 0) > now) return Promise.resolve([]);
          noneUntil.delete(accountId);
          let endpoints = read.get(accountId);
          if (!endpoints) {
            endpoints = list(accountId);
            read.set(accountId, endpoints);
            endpoints.then(
              (found) => {
                if (found.length > 0) return;
                // Only the recently active are kept: expired entries go as new ones come.
                for (const [key, until] of noneUntil) if (until <= now) noneUntil.delete(key);
                noneUntil.set(accountId, now + ttlMs);
              },
              () => read.delete(accountId),
            );
          }
          return endpoints;
        },
        forget(accountId) {
          read.delete(accountId);
          noneUntil.delete(accountId);
        },
      };
    },
  };
}

/**
 * Turns one write of a call (a table stream record) into events, and does for them what webhook
 * endpoints need: if the account has any endpoint (enabled or not: a disabled one may be enabled
 * and asked to redeliver), each event is kept for redelivery and put on the delivery queue once
 * per subscribed, enabled endpoint. An account without endpoints costs nothing here. Returns the
 * events, which the caller publishes to the event bus (publishEvents), batched with the events of
 * other records. Event ids are derived from the change, so a stream record seen twice produces the
 * same events, and delivery recognises them.
 */
export async function produceEvents(
  deps: Omit<ProduceEventsDeps, 'bus'>,
  change: CallChange,
  endpointsOf: (accountId: string) => Promise<StoredWebhookEndpoint[]>,
  events: WebhookEvent[] = eventsOfChange(change),
): Promise<WebhookEvent[]> {
  return produceAccountEvents(deps, change.after.accountId, endpointsOf, events);
}

/**
 * What produceEvents does for the events of one account, whatever they are about (a call's
 * change, or CampaignCompleted): kept for redelivery and queued once per subscribed, enabled
 * endpoint, if the account has any endpoint. Returns the events, for publishEvents.
 */
export async function produceAccountEvents(
  deps: Omit<ProduceEventsDeps, 'bus'>,
  accountId: string,
  endpointsOf: (accountId: string) => Promise<StoredWebhookEndpoint[]>,
  events: WebhookEvent[],
): Promise<WebhookEvent[]> {
  if (events.length === 0) return [];
  const endpoints = await endpointsOf(accountId);
  if (endpoints.length === 0) return events;
  const enabled = endpoints.filter((endpoint) => endpoint.enabled);
  const firstAttemptAt = toTimestamp(deps.clock.now());
  for (const event of events) {
    await deps.webhooks.saveEvent(accountId, event);
    for (const endpoint of enabled.filter((e) => e.events.includes(event.type))) {
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
