import { eventsForChange } from '#domain/webhook-events';
import type { StoredWebhookEndpoint, WebhookEvent, WebhookEventType } from '#schemas/webhooks';
import { aCall } from '../../support/calls.ts';

/** An enabled endpoint of `acc_demo` subscribed to `events`, with one signing secret, active long since. */
export function anEndpoint(id: string, events: WebhookEventType[], overrides: Partial<StoredWebhookEndpoint> = {}) {
  const endpoint: StoredWebhookEndpoint = {
    id,
    accountId: 'acc_demo',
    url: `https://example.com/hooks/${id}`,
    events,
    description: null,
    enabled: true,
    disabledReason: null,
    createdAt: '2030-01-01T00:00:00Z',
    // Active for the events of any call a test makes (aCall stamps them now).
    activeAt: '2020-01-01T00:00:00Z',
    updatedAt: '2030-01-01T00:00:00Z',
    secrets: [{ secret: 'whsec_test', createdAt: '2030-01-01T00:00:00Z', expiresAt: null }],
    revision: 0,
    ...overrides,
  };
  return endpoint;
}

/** The OutboundCallStatusChanged event of a new queued call. */
export function anEvent(): WebhookEvent {
  const [event] = eventsForChange(null, aCall({}, new Date('2030-01-01T12:00:00Z')));
  if (!event) throw new Error('a new call makes an event');
  return event;
}
