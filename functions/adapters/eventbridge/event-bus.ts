import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { AccountEvent, EventBus } from '#ports/webhooks';
import { eventSubject, type WebhookEvent } from '#schemas/webhooks';

/** The event's subject as an EventBridge resource: `voisnap:outbound-call/<id>` or `voisnap:campaign/<id>`. */
function resourceOf(event: WebhookEvent): string {
  const { kind, id } = eventSubject(event);
  return `voisnap:${kind}/${id}`;
}

/** PutEvents takes at most 10 entries a request (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html). */
export const PUT_EVENTS_MAX_ENTRIES = 10;

/**
 * Entry error codes that no retry can fix, because the entry itself is refused (an invalid
 * argument, a detail that is not valid JSON or nests past 1,100 levels). Throttling and internal
 * failures are retryable; so, for this service, are permission errors, which are the deployment's
 * fault, not the event's
 * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsResultEntry.html).
 */
const REFUSED_FOR_CONTENT = new Set(['InvalidArgument', 'MalformedDetail']);

/**
 * Publishes call events to the service's EventBridge bus (source `voisnap.outbound-calls`), ten
 * entries a request, the accounts' events mixed in one request as they come. A
 * refused entry throws: named ValidationException when the entries themselves were refused (the
 * events stream parks such a record), otherwise EventBridgeEntriesFailed (retried).
 */
export class EventBridgeEventBus implements EventBus {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(events: AccountEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += PUT_EVENTS_MAX_ENTRIES) {
      const result = await this.client.send(
        new PutEventsCommand({
          Entries: events.slice(i, i + PUT_EVENTS_MAX_ENTRIES).map(({ accountId, event }) => ({
            EventBusName: this.busName,
            Source: 'voisnap.outbound-calls',
            DetailType: event.type,
            Resources: [`voisnap:account/${accountId}`, resourceOf(event)],
            Detail: JSON.stringify({ accountId, ...event }),
          })),
        }),
      );
      const failed = (result.Entries ?? []).filter((entry) => entry.ErrorCode);
      if (result.FailedEntryCount || failed.length > 0) {
        const codes = [...new Set(failed.map((entry) => entry.ErrorCode))];
        const error = new Error(
          `EventBridge refused ${result.FailedEntryCount ?? failed.length} events (${codes.join(', ')})`,
        );
        // Refused for what the entries hold: as permanent as the API's own ValidationException.
        error.name =
          codes.length > 0 && codes.every((code) => REFUSED_FOR_CONTENT.has(code as string))
            ? 'ValidationException'
            : 'EventBridgeEntriesFailed';
        throw error;
      }
    }
  }
}
