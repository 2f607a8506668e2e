import { describe, expect, it } from 'vitest';
import { startDial } from '#domain/call-lifecycle';
import type { StoredCall } from '#schemas/call';
import {
  NO_ENDPOINTS_TTL_MS,
  endpointCache,
  produceAccountEvents,
  produceEvents,
  publishEvents,
  type ProduceEventsDeps,
} from '#use-cases/produce-events';
import { DeliveryMessageSchema, type StoredWebhookEndpoint } from '#schemas/webhooks';
import { CALL_STATUSES } from '#schemas/call';
import type { StoredCampaign } from '#schemas/campaign';
import { campaignCompletedEvent } from '#domain/webhook-events';
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
  it('keeps each event and queues it once per enabled endpoint subscribed to it', async () => {
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
    // The bus gets them from publishEvents, batched with other records' events.
    expect(bus.published).toEqual([]);
  });

  it('does no event work for an account without endpoints: nothing kept, nothing queued', async () => {
    const { deps, webhooks, queue } = world();
    await webhooks.createEndpoint(anEndpoint('whk_other', ['SessionEnded'], { accountId: 'acc_other' }));
    const before = aCall();
    const events = await produceEvents(deps, { before, after: { ...before, status: 'cancelled', version: 1 } }, (id) =>
      webhooks.listEndpoints(id),
    );
    expect(events.map((event) => event.type)).toEqual(['OutboundCallStatusChanged', 'SessionEnded']);
    expect(webhooks.events.size).toBe(0);
    expect(queue.sent).toEqual([]);
  });

  it('keeps the events of an account whose only endpoint is disabled, for a redelivery once it is enabled', async () => {
    const { deps, webhooks, queue, endpointsOf } = world();
    await webhooks.createEndpoint(anEndpoint('whk_off', ['SessionEnded'], { enabled: false }));
    const before = aCall();
    await produceEvents(deps, { before, after: { ...before, status: 'cancelled', version: 1 } }, endpointsOf);
    expect(webhooks.events.size).toBe(2);
    expect(queue.sent).toEqual([]);
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

describe('publishEvents', () => {
  it('publishes the events of several records, of several accounts, in order, in one request', async () => {
    const { deps, bus } = world();
    const first = aCall();
    const second = { ...aCall(), accountId: 'acc_other' };
    const produced = [first, second].map((call) => ({
      accountId: call.accountId,
      events: [{ id: `evt_${call.id}`, type: 'SessionEnded' as const, createdAt: call.createdAt, data: {} as never }],
    }));
    await publishEvents(deps, produced);
    expect(bus.published).toHaveLength(1);
    expect(bus.published[0]?.map((e) => `${e.accountId} ${e.event.id}`)).toEqual([
      `acc_demo evt_${first.id}`,
      `acc_other evt_${second.id}`,
    ]);
  });

  it('sends nothing when there is nothing to publish', async () => {
    const { deps, bus } = world();
    await publishEvents(deps, [{ accountId: 'acc_demo', events: [] }]);
    expect(bus.published).toEqual([]);
  });
});

describe('endpointCache', () => {
  const counting = (endpoints: Record<string, StoredWebhookEndpoint[]>) => {
    const lookups: string[] = [];
    return {
      lookups,
      list: async (accountId: string) => {
        lookups.push(accountId);
        return endpoints[accountId] ?? [];
      },
    };
  };

  it('looks an account up once per batch, and an account with endpoints again in the next batch', async () => {
    const { lookups, list } = counting({
      acc_hooks: [anEndpoint('whk_1', ['SessionEnded'], { accountId: 'acc_hooks' })],
    });
    const cache = endpointCache(list, new FakeClock());
    const batch = cache.batch();
    await Promise.all([batch.endpointsOf('acc_hooks'), batch.endpointsOf('acc_hooks')]);
    await cache.batch().endpointsOf('acc_hooks');
    expect(lookups).toEqual(['acc_hooks', 'acc_hooks']);
  });

  it('remembers an account without endpoints across batches, until the time to live has passed', async () => {
    const { lookups, list } = counting({});
    const clock = new FakeClock();
    const cache = endpointCache(list, clock);
    for (let i = 0; i < 5; i += 1) expect(await cache.batch().endpointsOf('acc_none')).toEqual([]);
    expect(lookups).toEqual(['acc_none']);
    clock.advance(NO_ENDPOINTS_TTL_MS / 1000);
    await cache.batch().endpointsOf('acc_none');
    expect(lookups).toEqual(['acc_none', 'acc_none']);
  });

  it('forgets an account when told (after a failure), and never remembers a failed lookup', async () => {
    let fail = true;
    const lookups: string[] = [];
    const cache = endpointCache(async (accountId) => {
      lookups.push(accountId);
      if (fail) throw new Error('throttled');
      return [];
    }, new FakeClock());
    const batch = cache.batch();
    await expect(batch.endpointsOf('acc_1')).rejects.toThrow('throttled');
    fail = false;
    await batch.endpointsOf('acc_1');
    batch.forget('acc_1');
    await cache.batch().endpointsOf('acc_1');
    expect(lookups).toEqual(['acc_1', 'acc_1', 'acc_1']);
  });
});

describe('CampaignCompleted', () => {
  const completed: StoredCampaign = {
    id: 'cmp_01M8EHKFKGWDY2XBPKECRRF86P',
    name: 'Spring',
    agentId: 'agt_01HXK8Z3MNPQRS',
    fromNumber: null,
    status: 'completed',
    startAt: '2030-06-17T09:00:00Z',
    pacing: { callsPerMinute: 0.5, maxConcurrentCalls: 10 },
    callingWindow: null,
    retryPolicy: null,
    counts: {
      total: 1,
      ...Object.fromEntries(CALL_STATUSES.map((s) => [s, 0])),
      completed: 1,
    } as StoredCampaign['counts'],
    createdAt: '2030-06-17T08:00:00Z',
    updatedAt: '2030-06-17T09:05:00Z',
    completedAt: '2030-06-17T09:05:00Z',
    accountId: 'acc_demo',
    keyMode: 'live',
    nextDueAt: '2030-06-17T09:02:00Z',
  } as StoredCampaign;

  it('goes to the endpoints subscribed to it, like call events, with the public campaign', async () => {
    const { deps, webhooks, queue, endpointsOf } = world();
    await webhooks.createEndpoint(anEndpoint('whk_cmp', ['CampaignCompleted']));
    await webhooks.createEndpoint(anEndpoint('whk_calls', ['SessionEnded']));
    const event = campaignCompletedEvent(completed);
    const events = await produceAccountEvents(deps, 'acc_demo', endpointsOf, [event]);
    expect(events).toEqual([event]);
    expect(event).toMatchObject({ type: 'CampaignCompleted', createdAt: completed.completedAt });
    expect(event.data).toEqual({ campaign: expect.objectContaining({ id: completed.id, status: 'completed' }) });
    expect((event.data as { campaign: object }).campaign).not.toHaveProperty('accountId');
    expect(queue.sent.map((s) => `${s.message.endpointId} ${s.message.event.type}`)).toEqual([
      'whk_cmp CampaignCompleted',
    ]);
    expect(webhooks.events.size).toBe(1);
    // The message is one the delivery queue's consumer reads.
    expect(DeliveryMessageSchema.safeParse(queue.sent[0]?.message).success).toBe(true);
  });

  it('is the same event every time the same completion is seen, and only for a completed campaign', () => {
    expect(campaignCompletedEvent(completed).id).toBe(campaignCompletedEvent(structuredClone(completed)).id);
    expect(campaignCompletedEvent(completed).id).toMatch(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(() => campaignCompletedEvent({ ...completed, status: 'running', completedAt: null })).toThrow(
      'not completed',
    );
  });
});
