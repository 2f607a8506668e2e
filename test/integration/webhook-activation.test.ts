import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CapturedSend, captureSends, takeRequests } from '../../bench/request-counter.ts';
import { CALLS, callReaches, eventually, startTestApi, type TestApi } from '../support/local-api.ts';
import { countRequestsInThisFile } from '../support/request-counting.ts';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';

countRequestsInThisFile();

const CACHE_SECONDS = 3;
/**
 * The events of the account: on the bus (every event made) and on the delivery queue (queued for
 * the endpoint): whatever the events function sends, by the frames that led to it.
 */
const PRODUCED = /event-bus\.ts|produce-events\.ts/;

interface MadeEvent {
  id: string;
  type: string;
  createdAt: string;
  callId: string;
}

/** Every event the captured PutEvents requests published. */
function published(sends: readonly CapturedSend[]): MadeEvent[] {
  return sends
    .filter((send) => send.operation === 'PutEvents')
    .flatMap((send) => (send.command as { input: { Entries?: Array<{ Detail?: string }> } }).input.Entries ?? [])
    .map((entry) => JSON.parse(entry.Detail ?? '{}'))
    .map((event) => ({ id: event.id, type: event.type, createdAt: event.createdAt, callId: event.data?.call?.id }));
}

/** The event ids the captured SendMessage requests queued for delivery. */
function queued(sends: readonly CapturedSend[]): string[] {
  return sends
    .filter((send) => send.operation === 'SendMessage')
    .map((send) => JSON.parse((send.command as { input: { MessageBody: string } }).input.MessageBody).event.id);
}

/**
 * A new endpoint's activeAt, on the local stack with the events function remembering "this account
 * has no endpoint" for three seconds (AWS: 60): an endpoint created while that answer is remembered
 * receives exactly the events of the changes made from its activeAt, whatever the timing.
 */
describe('a new webhook endpoint while "no endpoint" is remembered', () => {
  let api: TestApi;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  beforeAll(async () => {
    api = await startTestApi({ environment: { WEBHOOK_ENDPOINT_CACHE_SECONDS: String(CACHE_SECONDS) } });
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver.stop();
    await api.stack.stop();
  });

  const place = async (toNumber = '+15005550100') => {
    const created = await api.request('POST', CALLS, { body: { agentId: 'agt_01HXK8Z3MNPQRS', toNumber } });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };

  it('receives every change from its activeAt and none before', async () => {
    const sends = await captureSends(PRODUCED, async (sends) => {
      // A call of an account without endpoints: the events function looks it up and remembers "none".
      takeRequests();
      const before = await place();
      await callReaches(api, before, ['completed']);
      await eventually(
        async () => published(sends),
        (events) => events.some((e) => e.callId === before && e.type === 'SessionEnded'),
        60_000,
        'the first call ended on the bus',
      );
      const lookups = takeRequests().filter((r) => r.part === 'events' && r.operation === 'Query');
      expect(lookups.length).toBeGreaterThan(0);

      // The endpoint, while "none" is remembered; a call at once, then one from its activeAt.
      const created = await api.request('POST', '/api/v1/webhooks', {
        body: { url: receiver.url, events: ['OutboundCallStatusChanged', 'SessionStarted', 'SessionEnded'] },
      });
      expect(created.status).toBe(201);
      const { activeAt, createdAt, id } = created.body as { activeAt: string; createdAt: string; id: string };
      expect(Date.parse(activeAt) - Date.parse(createdAt)).toBeGreaterThanOrEqual(CACHE_SECONDS * 1000);
      expect((await api.request('GET', `/api/v1/webhooks/${id}`)).body.activeAt).toBe(activeAt);
      const during = await place();
      await callReaches(api, during, ['completed']);
      await eventually(
        async () => Date.now(),
        (now) => now >= Date.parse(activeAt),
        60_000,
        'the endpoint active',
      );
      const after = await place();
      await callReaches(api, after, ['completed']);

      // Every event of the last call is delivered: all of its changes were made after activeAt.
      const due = () => published(sends).filter((e) => Date.parse(e.createdAt) >= Date.parse(activeAt));
      await eventually(
        async () => receiver.delivered().map((d) => d.event.id as string),
        (ids) =>
          due().some((e) => e.callId === after && e.type === 'SessionEnded') && due().every((e) => ids.includes(e.id)),
        60_000,
        'every event from activeAt delivered',
      );
      expect(due().filter((e) => e.callId === after)).toHaveLength(
        published(sends).filter((e) => e.callId === after).length,
      );
      // None before: everything queued for the endpoint (at the moment each event was made, in the
      // order of the stream, so the first two calls' are all in) is exactly what is due.
      expect(new Set(queued(sends))).toEqual(new Set(due().map((e) => e.id)));
      expect(published(sends).filter((e) => e.callId === before)).not.toHaveLength(0);
    });
    expect(sends.length).toBeGreaterThan(0);
  });
});
