import { CreateEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EventBridgeEventBus, PUT_EVENTS_RESEND_ROUNDS } from '#adapters/eventbridge/event-bus';
import { eventsForChange } from '#domain/webhook-events';
import type { AccountEvent } from '#ports/webhooks';
import { aCall } from '../support/calls.ts';
import { localClientConfig, startLossyProxy } from '../support/lossy-proxy.ts';

/** Three events of three new calls, as the events function publishes them. */
const threeEvents = (): AccountEvent[] =>
  [aCall(), aCall(), aCall()].map((call) => ({ accountId: call.accountId, event: eventsForChange(null, call)[0]! }));

/** moto's PutEvents answer with the entries at these indexes failed with these codes. */
const failing =
  (codes: Record<number, string>) =>
  (body: string): string => {
    const answer = JSON.parse(body) as { FailedEntryCount: number; Entries: Array<Record<string, string>> };
    for (const [index, code] of Object.entries(codes))
      answer.Entries[Number(index)] = { ErrorCode: code, ErrorMessage: code };
    return JSON.stringify({ ...answer, FailedEntryCount: Object.keys(codes).length });
  };

/**
 * PutEvents can fail some entries of a request and accept the rest. The adapter sends again only
 * the failed entries a retry can fix, so nothing accepted is published twice and a throttled
 * moment does not fail the stream batch; against moto, with the failures put into its answers by
 * a proxy (moto accepts every entry).
 */
describe('the EventBridge bus adapter when EventBridge fails some entries', () => {
  let proxy: Awaited<ReturnType<typeof startLossyProxy>>;
  let bus: EventBridgeEventBus;
  const isPutEvents = (request: { target: string }) => request.target === 'AWSEvents.PutEvents';
  const sentEntries = () =>
    proxy
      .requests()
      .filter(isPutEvents)
      .map((request) => (JSON.parse(request.body) as { Entries: Array<{ Detail: string }> }).Entries);
  const eventIdsOf = (entries: Array<{ Detail: string }>) => entries.map((entry) => JSON.parse(entry.Detail).id);

  beforeAll(async () => {
    proxy = await startLossyProxy(inject('motoEndpoint'));
    const client = new EventBridgeClient(localClientConfig(proxy.endpoint));
    const busName = `event-bus-${randomUUID().slice(0, 8)}`;
    await client.send(new CreateEventBusCommand({ Name: busName }));
    bus = new EventBridgeEventBus(client, busName);
  });
  afterAll(async () => {
    await proxy.stop();
  });

  it('sends again only the throttled entry, and publishes', async () => {
    const events = threeEvents();
    const before = sentEntries().length;
    proxy.rewriteAnswers(isPutEvents, failing({ 1: 'ThrottlingException' }));
    await bus.publish(events);
    const sent = sentEntries().slice(before);
    expect(sent.map(eventIdsOf)).toEqual([events.map((e) => e.event.id), [events[1]!.event.id]]);
  });

  it('publishes the others, then rejects with ValidationException for an entry refused for its content, never resent', async () => {
    const events = threeEvents();
    const before = sentEntries().length;
    proxy.rewriteAnswers(isPutEvents, failing({ 0: 'MalformedDetail', 2: 'InternalFailure' }));
    await expect(bus.publish(events)).rejects.toMatchObject({ name: 'ValidationException' });
    const sent = sentEntries().slice(before);
    expect(sent.map(eventIdsOf)).toEqual([events.map((e) => e.event.id), [events[2]!.event.id]]);
  });

  it('rejects with EventBridgeEntriesFailed when an entry still fails after the last round', async () => {
    const events = threeEvents();
    const before = sentEntries().length;
    proxy.rewriteAnswers(isPutEvents, failing({ 0: 'ThrottlingException' }), 1 + PUT_EVENTS_RESEND_ROUNDS);
    await expect(bus.publish(events)).rejects.toMatchObject({ name: 'EventBridgeEntriesFailed' });
    const sent = sentEntries().slice(before);
    expect(sent).toHaveLength(1 + PUT_EVENTS_RESEND_ROUNDS);
    for (const resent of sent.slice(1)) expect(eventIdsOf(resent)).toEqual([events[0]!.event.id]);
  });
});
