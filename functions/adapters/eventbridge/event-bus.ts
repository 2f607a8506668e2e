import { setTimeout as sleep } from 'node:timers/promises';
import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { AccountEvent, EventBus } from '#ports/webhooks';
import { eventSubject, type WebhookEvent } from '#schemas/webhooks';
import { sendSettled } from '../send-settled.ts';

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
      await this.publishRequest(
        events.slice(i, i + PUT_EVENTS_MAX_ENTRIES).map(({ accountId, event }) => ({
          EventBusName: this.busName,
          Source: 'voisnap.outbound-calls',
          DetailType: event.type,
          Resources: [`voisnap:account/${accountId}`, resourceOf(event)],
          Detail: JSON.stringify({ accountId, ...event }),
        })),
      );
    }
  }

  /** One request's entries (at most ten), then the rounds that resend its retryable failures. */
  private async publishRequest(first: PutEventsRequestEntry[]): Promise<void> {
    const refused: string[] = [];
    let entries = first;
    for (let round = 0; entries.length > 0; round += 1) {
      if (round > 0) await sleep(RESEND_BASE_DELAY_MS * 2 ** (round - 1));
      // Settled: a repeat publishes the same events, with their stable ids (sendSettled).
      const request = { Entries: entries };
      const result = await sendSettled((abortSignal) =>
        this.client.send(new PutEventsCommand(request), { abortSignal }),
      );
      // Result entries are in the request's order (PutEventsResultEntry).
      const failed = entries.flatMap((entry, index) => {
        const code = result.Entries?.[index]?.ErrorCode;
        return code ? [{ entry, code }] : [];
      });
      if (result.FailedEntryCount && failed.length === 0)
        throw entriesFailed('EventBridgeEntriesFailed', result.FailedEntryCount, ['unknown']);
      const resendable = failed.filter(({ code }) => !REFUSED_FOR_CONTENT.has(code));
      refused.push(...failed.filter(({ code }) => REFUSED_FOR_CONTENT.has(code)).map(({ code }) => code));
      if (resendable.length > 0 && round === PUT_EVENTS_RESEND_ROUNDS)
        throw entriesFailed('EventBridgeEntriesFailed', resendable.length + refused.length, [
          ...refused,
          ...resendable.map(({ code }) => code),
        ]);
      entries = resendable.map(({ entry }) => entry);
    }
    // Everything else is published; what is left was refused for its content, as permanently as
    // by the API's own ValidationException.
    if (refused.length > 0) throw entriesFailed('ValidationException', refused.length, refused);
  }
}

/** An error named `name`: `count` entries failed, with these error codes. */
function entriesFailed(name: string, count: number, codes: string[]): Error {
  const error = new Error(`EventBridge refused ${count} events (${[...new Set(codes)].join(', ')})`);
  error.name = name;
  return error;
}
