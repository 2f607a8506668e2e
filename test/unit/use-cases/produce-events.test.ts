import { describe, expect, it } from 'vitest';
import { startDial } from '#domain/call-lifecycle';
import type { StoredCall } from '#schemas/call';
import fc from 'fast-check';
import {
  endpointCache,
  produceAccountEvents,
  produceEvents,
  publishEvents,
  type ProduceEventsDeps,
} from '#use-cases/produce-events';
import { DeliveryMessageSchema, type StoredWebhookEndpoint, type WebhookEvent } from '#schemas/webhooks';
import { toTimestamp } from '#domain/time';
import { ACTIVATION_MARGIN_MS } from '#domain/webhook-activation';
import { createWebhook } from '#use-cases/manage-webhooks';
import { CALL_STATUSES } from '#schemas/call';
import type { StoredCampaign } from '#schemas/campaign';
import { campaignCompletedEvent } from '#domain/webhook-events';
import { aCall } from '../../support/calls.ts';
import { LIMITS } from '../../support/fakes/call-world.ts';
import { FakeClock } from '../../support/fakes/clock.ts';
import { FakeDeliveryQueue, FakeEventBus, FakeUrlPolicy, FakeWebhookStore } from '../../support/fakes/webhooks.ts';
import { anEndpoint, anEvent } from './webhook-fixtures.ts';

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
  const TTL_MS = 60_000;
  /** The time `seconds` after the fake clock's start, as an event's createdAt. */
  const at = (seconds: number) => toTimestamp(new Date(Date.parse('2030-01-01T12:00:00Z') + seconds * 1000));

  it('looks an account with endpoints up once per batch, and again in the next batch', async () => {
    const { lookups, list } = counting({
      acc_hooks: [anEndpoint('whk_1', ['SessionEnded'], { accountId: 'acc_hooks' })],
    });
    const cache = endpointCache(list, new FakeClock(), TTL_MS);
    const batch = cache.batch();
    await Promise.all([batch.endpointsOf('acc_hooks', at(0)), batch.endpointsOf('acc_hooks', at(0))]);
    await cache.batch().endpointsOf('acc_hooks', at(0));
    expect(lookups).toEqual(['acc_hooks', 'acc_hooks']);
  });

  it('answers "none" without a lookup for changes made within the time to live of a lookup that found none', async () => {
    const { lookups, list } = counting({});
    const clock = new FakeClock();
    const cache = endpointCache(list, clock, TTL_MS);
    expect(await cache.batch().endpointsOf('acc_none', at(0))).toEqual([]);
    // Later batches, handled whenever: what counts is when the change was made (whole seconds).
    for (const seconds of [0, 10, 58]) {
      clock.advance(10);
      expect(await cache.batch().endpointsOf('acc_none', at(seconds))).toEqual([]);
    }
    expect(lookups).toEqual(['acc_none']);
    // Stamped 59 s, a change was made before 60 s; one stamped 60 s was not, and is looked up.
    await cache.batch().endpointsOf('acc_none', at(59));
    expect(lookups).toEqual(['acc_none']);
    await cache.batch().endpointsOf('acc_none', at(60));
    expect(lookups).toEqual(['acc_none', 'acc_none']);
  });

  it('with no time to live, still answers for changes made before a lookup that found none', async () => {
    const { lookups, list } = counting({});
    const clock = new FakeClock();
    const cache = endpointCache(list, clock, 0);
    clock.advance(5);
    const batch = cache.batch();
    await batch.endpointsOf('acc_none', at(3));
    await batch.endpointsOf('acc_none', at(3));
    await cache.batch().endpointsOf('acc_none', at(2));
    expect(lookups).toEqual(['acc_none']);
    // A change made after the lookup (a CampaignCompleted stamped while the batch is handled).
    await batch.endpointsOf('acc_none', at(5));
    expect(lookups).toEqual(['acc_none', 'acc_none']);
  });

  it('forgets an account when told (after a failure), and never remembers a failed lookup', async () => {
    let fail = true;
    const lookups: string[] = [];
    const cache = endpointCache(
      async (accountId) => {
        lookups.push(accountId);
        if (fail) throw new Error('throttled');
        return [];
      },
      new FakeClock(),
      TTL_MS,
    );
    const batch = cache.batch();
    await expect(batch.endpointsOf('acc_1', at(0))).rejects.toThrow('throttled');
    fail = false;
    await batch.endpointsOf('acc_1', at(0));
    batch.forget('acc_1');
    await cache.batch().endpointsOf('acc_1', at(0));
    expect(lookups).toEqual(['acc_1', 'acc_1', 'acc_1']);
  });
});

describe('a new endpoint receives exactly the events of changes made from its activeAt', () => {
  it('sends an endpoint no event of a change made before its activeAt', async () => {
    const { deps, webhooks, queue, endpointsOf } = world();
    const event = anEvent(); // 2030-01-01T12:00:00Z
    await webhooks.createEndpoint(
      anEndpoint('whk_new', ['OutboundCallStatusChanged'], { activeAt: '2030-01-01T12:00:01Z' }),
    );
    await webhooks.createEndpoint(anEndpoint('whk_now', ['OutboundCallStatusChanged'], { activeAt: event.createdAt }));
    await produceAccountEvents(deps, 'acc_demo', endpointsOf, [event]);
    expect(queue.sent.map((s) => s.message.endpointId)).toEqual(['whk_now']);
    // Kept all the same: the new endpoint may be asked to redeliver it.
    expect(webhooks.events.size).toBe(1);
  });

  /**
   * The whole rule, simulated: the events function (endpointCache and produceAccountEvents, with
   * a strongly consistent lookup) handles a stream of changes in batches while an endpoint is
   * created (createWebhook) with a write that lands and answers some time after its createdAt.
   * Whatever the timing, the endpoint is sent exactly the events whose createdAt is at or after
   * the activeAt the create answered, provided the write answers within the cache and its margin
   * (in AWS the create's 10-second timeout sees to that).
   */
  it('whatever the timing of the changes, the batches and the create', async () => {
    const base = Date.parse('2030-01-01T12:00:00Z');
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          ttlSeconds: fc.integer({ min: 1, max: 120 }),
          offsetMs: fc.integer({ min: 0, max: 999 }),
          createAfterMs: fc.integer({ min: 0, max: 200_000 }),
          landsAfterMs: fc.integer({ min: 0, max: 10_000 }),
          answersAfterMs: fc.integer({ min: 0, max: 1_000 }),
          changes: fc.array(
            fc.record({
              gapMs: fc.integer({ min: 0, max: 30_000 }),
              lagMs: fc.integer({ min: 0, max: 5_000 }),
              newBatch: fc.boolean(),
            }),
            { minLength: 1, maxLength: 30 },
          ),
        }),
        async ({ ttlSeconds, offsetMs, createAfterMs, landsAfterMs, answersAfterMs, changes }) => {
          const ttlMs = ttlSeconds * 1000;
          fc.pre(landsAfterMs + answersAfterMs < ttlMs + ACTIVATION_MARGIN_MS);
          const start = base + offsetMs;
          // The create, on its own clock: the write lands at landsAt and answers at answersAt.
          const createdAt = start + createAfterMs;
          const landsAt = createdAt + landsAfterMs;
          const answersAt = landsAt + answersAfterMs;
          const apiClock = new FakeClock(new Date(createdAt));
          const apiStore = new FakeWebhookStore();
          const create = apiStore.createEndpoint.bind(apiStore);
          apiStore.createEndpoint = async (endpoint) => {
            await create(endpoint);
            apiClock.at = new Date(answersAt);
          };
          let delayedTo: string | null = null;
          apiStore.delayActivation = async (_account, _id, activeAt) => {
            delayedTo = activeAt;
          };
          const created = await createWebhook(
            {
              webhooks: apiStore,
              urlPolicy: new FakeUrlPolicy(),
              queue: new FakeDeliveryQueue(),
              clock: apiClock,
              endpointCacheMs: ttlMs,
            },
            'acc_demo',
            { url: 'https://example.com/h', events: ['OutboundCallStatusChanged'] },
          );
          const planned = apiStore.endpoints.get(created.id) as StoredWebhookEndpoint;
          /** The endpoint as a strongly consistent read at `time` sees it. */
          const stored = (time: number): StoredWebhookEndpoint[] => {
            if (time < landsAt) return [];
            return [time < answersAt ? planned : { ...planned, activeAt: delayedTo ?? planned.activeAt }];
          };

          // The events function.
          const clock = new FakeClock(new Date(start));
          const cache = endpointCache(async () => stored(clock.now().getTime()), clock, ttlMs);
          const queue = new FakeDeliveryQueue();
          const deps = { webhooks: new FakeWebhookStore(), queue, clock };
          // The changes, made one after another and read from the stream in batches: a batch is
          // fetched once all its records are made, and its records are handled in order after that.
          let madeAt = start;
          const made: WebhookEvent[] = [];
          const batches: { lastMadeAt: number; records: { event: WebhookEvent; lagMs: number }[] }[] = [];
          for (const [n, change] of changes.entries()) {
            madeAt += change.gapMs;
            const event = { ...anEvent(), id: `evt_${n}`, createdAt: toTimestamp(new Date(madeAt)) };
            made.push(event);
            if (change.newBatch || batches.length === 0) batches.push({ lastMadeAt: madeAt, records: [] });
            const current = batches[batches.length - 1] as (typeof batches)[number];
            current.lastMadeAt = madeAt;
            current.records.push({ event, lagMs: change.lagMs });
          }
          let handledAt = start;
          for (const { lastMadeAt, records } of batches) {
            const batch = cache.batch();
            handledAt = Math.max(handledAt, lastMadeAt);
            for (const { event, lagMs } of records) {
              handledAt += lagMs;
              clock.at = new Date(handledAt);
              await produceAccountEvents(deps, 'acc_demo', batch.endpointsOf, [event]);
            }
          }
          const due = made.filter((event) => Date.parse(event.createdAt) >= Date.parse(created.activeAt));
          expect(queue.sent.map((s) => s.message.event.id)).toEqual(due.map((event) => event.id));
        },
      ),
      {
        numRuns: 300,
        examples: [
          // A create whose write answered late (activeAt moved from 12:00:06 to 12:00:07), and a
          // batch holding a change from before the write and two from 12:00:06: none is due.
          [
            {
              ttlSeconds: 1,
              offsetMs: 0,
              createAfterMs: 0,
              landsAfterMs: 3099,
              answersAfterMs: 902,
              changes: [
                { gapMs: 0, lagMs: 3099, newBatch: false },
                { gapMs: 6000, lagMs: 0, newBatch: false },
                { gapMs: 0, lagMs: 0, newBatch: false },
              ],
            },
          ],
        ],
      },
    );
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
