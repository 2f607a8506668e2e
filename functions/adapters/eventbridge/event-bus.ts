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

/** Rounds of resending the entries EventBridge failed for a reason a retry can fix, before giving up. */
export const PUT_EVENTS_RESEND_ROUNDS = 3;
/** Milliseconds before the first resend; doubled each round (100, 200, 400). */
const RESEND_BASE_DELAY_MS = 100;

/**
 * Publishes call events to the service's EventBridge bus (source `voisnap.outbound-calls`), ten
 * entries a request, the accounts' events mixed in one request as they come.
 *
 * PutEvents can fail some entries of a request and accept the rest (FailedEntryCount, each failed
 * entry's ErrorCode). Only the failed entries are sent again, up to PUT_EVENTS_RESEND_ROUNDS
 * rounds with a doubling delay, as AWS advises ("Handling failures when using PutEvents",
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-failures.html): resending
 * the whole request would publish the accepted ones twice, and failing the stream batch would
 * produce every event of the batch again. An entry refused for its own content is not resent.
 * Rejects when entries failed: EventBridgeEntriesFailed when some still failed after the last
 * round (the batch is retried); otherwise, once every other entry is published, named
 * ValidationException when entries were refused for their content (the events stream parks
 * such a record).
 */
export class EventBridgeEventBus implements EventBus {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(events: AccountEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += PUT_EVENTS_MAX_ENTRIES) {
      let entries = events.slice(i, i + PUT_EVENTS_MAX_ENTRIES).map(({ accountId, event }) => ({
        EventBusName: this.busName,
        Source: 'voisnap.outbound-calls',
        DetailType: event.type,
        Resources: [`voisnap:account/${accountId}`, resourceOf(event)],
        Detail: JSON.stringify({ accountId, ...event }),
      }));
      const refused: string[] = [];
      for (let round = 0; entries.length > 0; round += 1) {
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, RESEND_BASE_DELAY_MS * 2 ** (round - 1)));
        const result = await this.client.send(new PutEventsCommand({ Entries: entries }));
        // Result entries are in the request's order (PutEventsResultEntry).
        const failed = entries
          .map((entry, index) => ({ entry, code: result.Entries?.[index]?.ErrorCode ?? null }))
          .filter((outcome): outcome is { entry: (typeof entries)[number]; code: string } => outcome.code !== null);
        if (result.FailedEntryCount && failed.length === 0) throw entriesFailed(result.FailedEntryCount, ['unknown']);
        refused.push(
          ...failed.filter((outcome) => REFUSED_FOR_CONTENT.has(outcome.code)).map((outcome) => outcome.code),
        );
        const resendable = failed.filter((outcome) => !REFUSED_FOR_CONTENT.has(outcome.code));
        if (resendable.length > 0 && round === PUT_EVENTS_RESEND_ROUNDS)
          throw entriesFailed(resendable.length + refused.length, [...refused, ...resendable.map((o) => o.code)]);
        entries = resendable.map((outcome) => outcome.entry);
      }
      // Everything else is published; what is left was refused for its content.
      if (refused.length > 0) {
        const error = entriesFailed(refused.length, refused);
        // As permanent as the API's own ValidationException.
        error.name = 'ValidationException';
        throw error;
      }
    }
  }
}

/** EventBridgeEntriesFailed: `count` entries failed, with these error codes. */
function entriesFailed(count: number, codes: string[]): Error {
  const error = new Error(`EventBridge refused ${count} events (${[...new Set(codes)].join(', ')})`);
  error.name = 'EventBridgeEntriesFailed';
  return error;
}
