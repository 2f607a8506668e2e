import { ulid } from 'ulid';
import { deliveryBackoffSeconds, signatureHeader } from '#domain/webhook-events';
import { toTimestamp } from '#domain/time';
import type { DeliveryMessage, StoredWebhookEndpoint } from '#schemas/webhooks';
import type { Clock } from '#ports/clock';
import { MAX_QUEUE_DELAY_SECONDS } from '#ports/dispatch';
import type { Metrics } from '#ports/metrics';
import { webhookDelivered } from './business-metrics.ts';
import type { DeliveryQueue, WebhookSender, WebhookStore, WebhookUrlPolicy } from '#ports/webhooks';

export interface DeliveryDeps {
  webhooks: WebhookStore;
  queue: DeliveryQueue;
  sender: WebhookSender;
  urlPolicy: WebhookUrlPolicy;
  clock: Clock;
  /** Counts each attempt by its result (WebhookDeliveries). */
  metrics: Metrics;
  random: () => number;
  /** How long failed deliveries are retried before the event is parked (at least 24 hours). */
  retryWindowSeconds: number;
  /** Scales the backoff; 1 in AWS, a fraction in fast tests. */
  backoffUnitSeconds: number;
}

/**
 * What handling a delivery message came to. `in_flight`: a copy of a message whose attempt another
 * invocation is making; it was queued again to look after that invocation's deadline.
 */
export type DeliveryOutcome =
  | 'delivered'
  | 'already_delivered'
  | 'duplicate'
  | 'in_flight'
  | 'retry'
  | 'parked'
  | 'skipped';

/** How long a requested redelivery waits for a chain that holds the event to let go. */
const REDELIVERY_WAIT_SECONDS = 60;

/** How long past its next attempt a chain keeps its claim, in case its message is late. */
const CLAIM_MARGIN_MS = 15 * 60_000;

/**
 * An attempt's hold when the invocation's deadline is not known (no Lambda context): the longest
 * a Lambda invocation can run (15 minutes, https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html).
 */
export const LONGEST_INVOCATION_MS = 15 * 60_000;

/**
 * One delivery attempt of one event to one endpoint: signed POST; a 2xx is success; anything
 * else is tried again later with exponential backoff and jitter until the retry window closes,
 * when the event is parked in the dead-letter queue and the endpoint is disabled with a reason.
 *
 * `deadline` is when the invocation handling the message ends (UTC; its Lambda context's
 * remaining time): until then the attempt is this invocation's. A copy of the same message handled
 * meanwhile does not POST: it is queued again to look once the deadline has passed (SQS may have
 * deleted the message on the copy's acknowledgement, so the copy is what brings the attempt back
 * if this invocation dies without finishing it); a copy that finds the attempt done stops there.
 * Without a deadline, the attempt is held for LONGEST_INVOCATION_MS.
 *
 * A failed attempt's next one is queued before the attempt is marked done, so a failure in
 * between leaves the message to be handed out again and the attempt made again, not lost.
 */
export async function deliverEvent(
  deps: DeliveryDeps,
  message: DeliveryMessage,
  deadline?: Date,
): Promise<DeliveryOutcome> {
  // 1. The endpoint as it is now: deleted or disabled endpoints get nothing.
  const endpoint = await deps.webhooks.getEndpoint(message.accountId, message.endpointId);
  if (!endpoint?.enabled || !endpoint.events.includes(message.event.type)) return 'skipped';

  // 2. One chain of attempts per event and endpoint, and one invocation per attempt: a duplicate
  // of the event, or a copy of this message being handled right now, stops here.
  const now = deps.clock.now();
  const claimed = await deps.webhooks.claimDelivery({
    ...attemptOf(message),
    heldUntil: deadline ?? new Date(now.getTime() + LONGEST_INVOCATION_MS),
    leaseUntil: new Date(now.getTime() + CLAIM_MARGIN_MS),
    now,
    again: message.redelivery,
  });
  if (claimed.kind === 'delivered') return 'already_delivered';
  // A copy of this very message (SQS delivers at least once) whose attempt another invocation made.
  if (claimed.kind === 'taken') return 'duplicate';
  if (claimed.kind === 'busy') {
    // ... or is making right now: look again once that invocation's deadline has passed.
    const wait = Math.ceil((claimed.heldUntil.getTime() - now.getTime()) / 1000) + 1;
    await deps.queue.send(message, Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(1, wait)));
    return 'in_flight';
  }
  if (claimed.kind === 'held' && message.redelivery) {
    // Asked for by a person while another chain is busy with the event: try again shortly.
    await deps.queue.send(message, REDELIVERY_WAIT_SECONDS);
    return 'retry';
  }
  if (claimed.kind === 'held') return 'duplicate';

  // 3. The URL again (DNS may have changed since it was saved), then a signed POST.
  const problem = await deps.urlPolicy.check(endpoint.url);
  const body = JSON.stringify(message.event);
  const response = problem
    ? { statusCode: null, latencyMs: 0, error: problem }
    : await deps.sender.post(endpoint.url, body, {
        'voisnap-event-id': message.event.id,
        'voisnap-event-type': message.event.type,
        'voisnap-delivery-attempt': String(message.attempt),
        'voisnap-signature': signatureHeader(signingSecrets(endpoint, now), Math.floor(now.getTime() / 1000), body),
      });
  const succeeded = response.statusCode !== null && response.statusCode >= 200 && response.statusCode < 300;
  const gaveUp = !succeeded && (now.getTime() - Date.parse(message.firstAttemptAt)) / 1000 >= deps.retryWindowSeconds;

  // 4. Every attempt is recorded.
  await deps.webhooks.recordAttempt({
    id: `dlv_${ulid()}`,
    endpointId: endpoint.id,
    eventId: message.event.id,
    eventType: message.event.type,
    attempt: message.attempt,
    attemptedAt: toTimestamp(now),
    succeeded,
    statusCode: response.statusCode,
    latencyMs: response.latencyMs,
    // A redirect is an answer, but not a delivery: the sender never follows one (a URL checked once
    // must not lead elsewhere), and the attempt says so rather than leaving only the status.
    error:
      response.error ??
      (response.statusCode !== null && response.statusCode >= 300 && response.statusCode < 400
        ? `redirect not followed (HTTP ${response.statusCode}): the endpoint's URL must answer 2xx itself`
        : null),
    gaveUp,
  });
  deps.metrics.record(webhookDelivered(succeeded ? 'delivered' : gaveUp ? 'parked' : 'failed'));

  if (succeeded) {
    await deps.webhooks.markDelivered(message.event.id, endpoint.id, message.chainId);
    return 'delivered';
  }
  if (!gaveUp) {
    const delay = deliveryBackoffSeconds(message.attempt, deps.random(), deps.backoffUnitSeconds);
    await deps.queue.send({ ...message, attempt: message.attempt + 1, redelivery: false }, delay);
    await deps.webhooks.endAttempt({
      ...attemptOf(message),
      leaseUntil: new Date(now.getTime() + delay * 1000 + CLAIM_MARGIN_MS),
    });
    return 'retry';
  }
  // 5. Past the retry window: park the event and stop sending to an endpoint that keeps failing.
  await deps.queue.park(message);
  await deps.webhooks.endAttempt({ ...attemptOf(message), leaseUntil: now });
  await deps.webhooks.disableEndpoint(
    endpoint.accountId,
    endpoint.id,
    `Disabled at ${toTimestamp(now)}: event ${message.event.id} failed every delivery for ${Math.round(deps.retryWindowSeconds / 3600)} hours (last: ${response.statusCode ?? response.error}).`,
    toTimestamp(now),
  );
  return 'parked';
}

/** The claim's key and attempt for a message. */
function attemptOf(message: DeliveryMessage) {
  return {
    eventId: message.event.id,
    endpointId: message.endpointId,
    chainId: message.chainId,
    attempt: message.attempt,
  };
}

/** The current secret, and a rotated-out one still in its grace period. */
function signingSecrets(endpoint: StoredWebhookEndpoint, now: Date): string[] {
  const at = toTimestamp(now);
  return endpoint.secrets.filter((s) => s.expiresAt === null || s.expiresAt > at).map((s) => s.secret);
}
