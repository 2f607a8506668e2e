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
 * The events one write of a call makes: a pure function of the write, so if it throws, the write
 * itself is at fault and no retry can help (the events function parks such a record).
 */
export function eventsOfChange(change: CallChange): WebhookEvent[] {
  return eventsForChange(change.before, change.after);
}

/**
 * Turns one write of a call (a table stream record) into events: kept for redelivery, put on the
 * delivery queue once per subscribed, enabled endpoint of the call's account, and published to
 * the event bus. Event ids are derived from the change, so a stream record seen twice produces
 * the same events, and delivery recognises them.
 */
export async function produceEvents(
  deps: ProduceEventsDeps,
  change: CallChange,
  endpointsOf: (accountId: string) => Promise<StoredWebhookEndpoint[]>,
  events: WebhookEvent[] = eventsOfChange(change),
): Promise<WebhookEvent[]> {
  if (events.length === 0) return [];
  const accountId = change.after.accountId;
  const endpoints = (await endpointsOf(accountId)).filter((endpoint) => endpoint.enabled);
  const firstAttemptAt = toTimestamp(deps.clock.now());
  for (const event of events) {
    await deps.webhooks.saveEvent(accountId, event);
    for (const endpoint of endpoints.filter((e) => e.events.includes(event.type))) {
      await deps.queue.send(
        { accountId, endpointId: endpoint.id, event, attempt: 1, firstAttemptAt, chainId: ulid(), redelivery: false },
        0,
      );
    }
  }
  await deps.bus.publish(accountId, events);
  return events;
}
