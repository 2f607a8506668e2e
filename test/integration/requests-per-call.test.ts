import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBridgeEventBus } from '#adapters/eventbridge/event-bus';
import type { WebhookEvent } from '#schemas/webhooks';
import { type CapturedSend, captureSends, takeRequests } from '../../bench/request-counter.ts';
import { CALLS, callReaches, eventually, startTestApi, type TestApi } from '../support/local-api.ts';
import { countRequestsInThisFile } from '../support/request-counting.ts';

countRequestsInThisFile();

/**
 * What a call costs in AWS requests, counted by the real SDK clients (bench/request-counter.ts, the
 * counter `npm run bench:requests` uses) against the local stack. The figures themselves live in
 * the benchmark; these tests prove the reductions that do not depend on timing.
 */
describe('AWS requests per call', () => {
  let api: TestApi;

  beforeAll(async () => {
    // The events function remembers "no endpoint" for ten minutes here (AWS: one), longer than
    // any of these tests takes on a loaded machine.
    api = await startTestApi({ environment: { WEBHOOK_ENDPOINT_CACHE_SECONDS: '600' } });
  });
  afterAll(async () => {
    await api.stack.stop();
  });

  // First in the file: no earlier call's late provider requests can be counted as this call's.
  it('a call reads the agent and the suppression list only at create, and the call once per provider request', async () => {
    takeRequests();
    // A person answers and hangs up: the provider's completed report is the last request about the call.
    await captureSends(/event-bus\.ts/, async (sends) => {
      const created = await api.request('POST', CALLS, {
        body: { agentId: 'agt_01HXK8Z3MNPQRS', toNumber: '+15005550101' },
      });
      expect(created.status).toBe(201);
      await callReaches(api, created.body.id, ['completed']);
      await sessionEndedOnTheBus(sends, created.body.id);
    });
    const mine = takeRequests().filter((r) => r.source === 'service' && r.part === 'call');
    const from = (site: RegExp, operations: string[]) =>
      mine.filter((r) => site.test(r.site) && operations.includes(r.operation)).length;
    // The suppression list is a condition of the create's and the dial gate's writes, never a read.
    expect(from(/suppression-store/, ['GetItem', 'BatchGetItem', 'Query'])).toBe(0);
    // The agent's first message was kept on the call at create: the answer does not read the agent.
    expect(from(/directory-store.*answer-call/, ['GetItem'])).toBe(0);
    // The dialer's first look reads the call and its account's slot counter together.
    expect(from(/dial-call/, ['GetItem'])).toBe(0);
    expect(from(/dial-call/, ['BatchGetItem'])).toBeGreaterThan(0);
    // The slot given back while no call of the account waits: no look at the waiting list.
    expect(from(/slot-counters|wake-slot-waiter/, ['Query'])).toBe(0);
    // Provider requests: ringing, the answer URL and completed (no initiated, no answered callback:
    // Twilio is asked only for the reports that can change the call), one read each by the webhook
    // itself (a re-read after a lost write race comes from apply-call-event instead).
    const webhookReads = mine.filter(
      (r) => r.operation === 'GetItem' && /telephony-webhooks/.test(r.site.split(' < ')[1] ?? ''),
    );
    expect(webhookReads).toHaveLength(3);
  });

  it('an account without webhook endpoints costs no event work beyond the bus publish', async () => {
    takeRequests();
    const published = await captureSends(/event-bus\.ts/, async (sends) => {
      const created = await api.request('POST', CALLS, {
        body: { agentId: 'agt_01HXK8Z3MNPQRS', toNumber: '+15005550100' },
      });
      expect(created.status).toBe(201);
      await callReaches(api, created.body.id, ['completed']);
      // Wait until the call's SessionEnded is on the bus: every record of the call is done.
      await sessionEndedOnTheBus(sends, created.body.id);
    });
    expect(published.length).toBeGreaterThan(0);
    const eventWork = takeRequests().filter((r) => r.source === 'service' && r.part === 'events');
    const beyondTheBus = eventWork.filter((r) => r.operation !== 'PutEvents').map((r) => r.operation);
    // Only the endpoint lookup, once per stream batch (each batch publishes once); no event kept, nothing queued.
    expect(beyondTheBus.filter((op) => op !== 'Query')).toEqual([]);
    expect(beyondTheBus.length).toBeLessThanOrEqual(eventWork.filter((r) => r.operation === 'PutEvents').length);
  });

  it('an account without webhook endpoints is looked up once, then not again within the time it is remembered', async () => {
    const lookups = async (toNumber: string) => {
      takeRequests();
      await captureSends(/event-bus\.ts/, async (sends) => {
        const created = await api.request('POST', CALLS, { body: { agentId: 'agt_01HXK8Z3MNPQRS', toNumber } });
        expect(created.status).toBe(201);
        await callReaches(api, created.body.id, ['completed', 'busy']);
        await sessionEndedOnTheBus(sends, created.body.id);
      });
      return takeRequests().filter((r) => r.source === 'service' && r.part === 'events' && r.operation !== 'PutEvents');
    };
    // The earlier tests' calls may already have looked the account up: at most one lookup.
    expect((await lookups('+15005550100')).length).toBeLessThanOrEqual(1);
    // Every record of the next calls is answered from memory: no request but the bus publish.
    expect(await lookups('+15005550103')).toEqual([]);
    expect(await lookups('+15005550100')).toEqual([]);
  });

  it('publishes a batch of events in PutEvents requests of ten', async () => {
    const bus = new EventBridgeEventBus(new EventBridgeClient({}), api.stack.queues.eventBusName);
    const event = (n: number): WebhookEvent =>
      ({
        id: `evt_${String(n).padStart(26, '0')}`,
        type: 'OutboundCallStatusChanged',
        createdAt: new Date().toISOString(),
        data: { previousStatus: null, call: { id: `obc_${n}` } },
      }) as unknown as WebhookEvent;
    takeRequests();
    await bus.publish(
      Array.from({ length: 23 }, (_, n) => ({ accountId: n % 2 ? 'acc_a' : 'acc_b', event: event(n) })),
    );
    expect(takeRequests().filter((r) => r.operation === 'PutEvents')).toHaveLength(3);
  });
});

/** Resolves once the call's SessionEnded is among the captured PutEvents: every record of the call is done. */
async function sessionEndedOnTheBus(sends: readonly CapturedSend[], callId: string): Promise<void> {
  await eventually(
    async () =>
      sends.flatMap(
        (send) =>
          (send.command as { input: { Entries?: Array<{ DetailType?: string; Resources?: string[] }> } }).input
            .Entries ?? [],
      ),
    (entries) =>
      entries.some(
        (entry) =>
          entry.DetailType === 'SessionEnded' && (entry.Resources ?? []).includes(`voisnap:outbound-call/${callId}`),
      ),
    60_000,
    'the SessionEnded on the bus',
  );
}
