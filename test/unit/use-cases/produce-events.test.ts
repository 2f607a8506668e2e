import { describe, expect, it } from 'vitest';
import { startDial } from '#domain/call-lifecycle';
import type { StoredCall } from '#schemas/call';
import { produceEvents, type ProduceEventsDeps } from '#use-cases/produce-events';
import { aCall } from '../../support/calls.ts';
import { LIMITS } from '../../support/fakes/call-world.ts';
import { FakeClock } from '../../support/fakes/clock.ts';
import { FakeDeliveryQueue, FakeEventBus, FakeWebhookStore } from '../../support/fakes/webhooks.ts';
import { anEndpoint } from './webhook-fixtures.ts';

function world() {
  const webhooks = new FakeWebhookStore();
  const queue = new FakeDeliveryQueue();
  const bus = new FakeEventBus();
  const deps: ProduceEventsDeps = { webhooks, queue, bus, clock: new FakeClock() };
  const endpointsOf = (accountId: string) => webhooks.listEndpoints(accountId);
  return { webhooks, queue, bus, deps, endpointsOf };
}

describe('produceEvents', () => {
  it('keeps each event, queues it once per enabled endpoint subscribed to it, and publishes it', async () => {
    const { deps, webhooks, queue, bus, endpointsOf } = world();
    await webhooks.createEndpoint(anEndpoint('whk_all', ['OutboundCallStatusChanged', 'SessionEnded']));
    await webhooks.createEndpoint(anEndpoint('whk_ended', ['SessionEnded']));
    await webhooks.createEndpoint(anEndpoint('whk_off', ['OutboundCallStatusChanged'], { enabled: false }));
    await webhooks.createEndpoint(anEndpoint('whk_other', ['OutboundCallStatusChanged'], { accountId: 'acc_other' }));
    const before = aCall();
    const after: StoredCall = { ...before, status: 'cancelled', version: 1 };

    const events = await produceEvents(deps, { before, after }, endpointsOf);
    expect(events.map((event) => event.type)).toEqual(['OutboundCallStatusChanged', 'SessionEnded']);
    expect(webhooks.events.size).toBe(2);
    expect(queue.sent.map((s) => `${s.message.endpointId} ${s.message.event.type}`).sort()).toEqual([
      'whk_all OutboundCallStatusChanged',
      'whk_all SessionEnded',
      'whk_ended SessionEnded',
    ]);
    expect(queue.sent.every((s) => s.message.attempt === 1 && !s.message.redelivery)).toBe(true);
    expect(bus.published).toEqual([{ accountId: 'acc_demo', events }]);
  });

  it('makes the same event ids from a stream record seen twice', async () => {
    const { deps, endpointsOf } = world();
    const before = aCall();
    const after = startDial(before, new Date(), 'conv_1', LIMITS) as StoredCall;
    const first = await produceEvents(deps, { before, after }, endpointsOf);
    const again = await produceEvents(deps, { before, after }, endpointsOf);
    expect(again.map((event) => event.id)).toEqual(first.map((event) => event.id));
  });

  it('does nothing for a write that changes no status', async () => {
    const { deps, queue, bus, endpointsOf } = world();
    const call = aCall();
    expect(await produceEvents(deps, { before: call, after: { ...call, version: 1 } }, endpointsOf)).toEqual([]);
    expect(queue.sent).toEqual([]);
    expect(bus.published).toEqual([]);
  });
});
