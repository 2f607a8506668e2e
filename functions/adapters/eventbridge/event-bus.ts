import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { WebhookEvent } from '#schemas/webhooks';
import type { EventBus } from '#ports/webhooks';

/** Publishes call events to the service's EventBridge bus (source `voisnap.outbound-calls`). */
export class EventBridgeEventBus implements EventBus {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(accountId: string, events: WebhookEvent[]): Promise<void> {
    // PutEvents takes at most 10 entries per request.
    for (let i = 0; i < events.length; i += 10) {
      const result = await this.client.send(
        new PutEventsCommand({
          Entries: events.slice(i, i + 10).map((event) => ({
            EventBusName: this.busName,
            Source: 'voisnap.outbound-calls',
            DetailType: event.type,
            Resources: [`voisnap:account/${accountId}`, `voisnap:outbound-call/${event.data.call.id}`],
            Detail: JSON.stringify({ accountId, ...event }),
          })),
        }),
      );
      if (result.FailedEntryCount) throw new Error(`EventBridge refused ${result.FailedEntryCount} events`);
    }
  }
}
