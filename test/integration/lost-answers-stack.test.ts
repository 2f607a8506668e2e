import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  CALLS,
  callReaches,
  createCallsTo,
  eventually,
  minutesFromNow,
  startTestApi,
  type TestApi,
} from '../support/local-api.ts';
import { startLossyProxy, type ProxiedRequest } from '../support/lossy-proxy.ts';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';
import { TERMINAL, TEST_NUMBER_OUTCOMES } from '../support/outcomes.ts';

/** Numbers with an outcome the dial reaches (the invalid number, fax and late verdict add nothing here). */
const OUTCOMES = Object.fromEntries(
  ['+15005550100', '+15005550101', '+15005550102', '+15005550103', '+15005550104', '+15005550106'].map((number) => [
    number,
    TEST_NUMBER_OUTCOMES[number] as [string, string],
  ]),
);

const WRITES = ['PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems', 'BatchWriteItem'];
/** What the service sends to moto that changes something: dial, delivery and page messages, events, schedules. */
const isMotoWrite = (request: ProxiedRequest) =>
  ['AmazonSQS.SendMessage', 'AmazonSQS.SendMessageBatch', 'AWSEvents.PutEvents'].includes(request.target) ||
  (request.path.startsWith('/schedules/') && request.method !== 'GET');

/**
 * The whole service while the network loses the answer to one write in every `every` that DynamoDB
 * applies (every one, for the campaign), and to one in three messages, events and schedules sent to moto (the SDK sends each of
 * those again, and the repeat gets through; fast-check picks which): creates and cancels answer as they would have, every call
 * reaches its true outcome, each attempt is dialed exactly once, and a campaign completes with its
 * counts adding up and its events delivered. Nothing in the service may read a repeat of its own
 * write as somebody else's.
 */
describe('the call lifecycle when DynamoDB answers go missing', () => {
  let api: TestApi;
  let proxy: Awaited<ReturnType<typeof startLossyProxy>>;
  let motoProxy: Awaited<ReturnType<typeof startLossyProxy>>;
  let writes = 0;
  let motoWrites = 0;
  /**
   * A request's first send, not the SDK's repeat of it (the same body: the same write id or
   * ClientRequestToken). Only first sends lose their answer, so each request's repeat gets through,
   * as on a network that loses an answer now and then; one losing every try would fail as it must.
   */
  const sent = new Set<string>();
  const firstSend = (request: ProxiedRequest) => !sent.has(request.body) && Boolean(sent.add(request.body));
  /** Which writes lose their answer: the ones whose count is `offset` modulo `every`. */
  let pattern = { every: 3, offset: 0 };

  beforeAll(async () => {
    proxy = await startLossyProxy(inject('dynamodbEndpoint'));
    motoProxy = await startLossyProxy(inject('motoEndpoint'));
    api = await startTestApi({ dynamodbEndpoint: proxy.endpoint, motoEndpoint: motoProxy.endpoint });
    motoProxy.loseAnswers(
      (request) => isMotoWrite(request) && firstSend(request) && ++motoWrites % 3 === 0,
      Number.POSITIVE_INFINITY,
    );
    proxy.loseAnswers(
      (request) =>
        WRITES.some((operation) => request.target.endsWith(`.${operation}`)) &&
        firstSend(request) &&
        ++writes % pattern.every === pattern.offset % pattern.every,
      Number.POSITIVE_INFINITY,
    );
  });
  afterAll(async () => {
    await api.stack.stop();
    await proxy.stop();
    await motoProxy.stop();
  });

  it('answers every request as without the loss, and every call reaches its outcome, dialed once per attempt', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.nat(3), async (every, offset) => {
        pattern = { every, offset };
        const lostBefore = proxy.lost();
        const numbers = Object.keys(OUTCOMES);
        const created = await createCallsTo(api, numbers);
        const scheduled = await Promise.all(
          [0, 1, 2].map(async () => {
            const response = await api.request('POST', CALLS, {
              body: { agentId: 'agt_01HXK8Z3MNPQRS', toNumber: '+15005550100', scheduledFor: minutesFromNow(30) },
            });
            expect(response.status).toBe(201);
            const cancel = await api.request('POST', `${CALLS}/${response.body.id}/cancel`);
            expect(cancel.status).toBe(200);
            expect(cancel.body.status).toBe('cancelled');
            return response.body.id as string;
          }),
        );

        for (const { id, toNumber } of created) {
          const call = await callReaches(api, id, TERMINAL, 90_000);
          const [status, endReason] = OUTCOMES[toNumber] as [string, string];
          expect({ toNumber, status: call.status, endReason: call.endReason }).toEqual({ toNumber, status, endReason });
          expect(call.attempts).toHaveLength(toNumber === '+15005550102' ? 2 : 1);
          const dials = [...api.stack.simulatedCalls.calls.values()].filter((c) =>
            String(c.params.Url).includes(`callId=${id}&`),
          );
          expect(dials.map((c) => String(c.params.Url).split('attempt=')[1])).toEqual(
            call.attempts.map((a: { attempt: number }) => String(a.attempt)),
          );
        }
        for (const id of scheduled) expect((await api.request('GET', `${CALLS}/${id}`)).body.status).toBe('cancelled');
        // The loss really happened, many times over.
        expect(proxy.lost() - lostBefore).toBeGreaterThan(5);
      }),
      // Background writers share the counters, so a run cannot be replayed: report it, do not shrink.
      { numRuns: 3, endOnFailure: true },
    );
  }, 300_000);

  it("completes a campaign with its counts adding up, and delivers its calls' and its own events", async () => {
    // Every write's first answer lost: each write of the campaign's whole life is sent twice.
    pattern = { every: 1, offset: 0 };
    const lostBefore = proxy.lost() + motoProxy.lost();
    const receiver = await startWebhookReceiver();
    try {
      const endpoint = await api.request('POST', '/api/v1/webhooks', {
        body: { url: receiver.url, events: ['SessionEnded', 'CampaignCompleted'] },
      });
      expect(endpoint.status).toBe(201);
      const toNumbers = ['+14153000901', '+14153000902', '+14153000903', '+15005550103'];
      const created = await api.request('POST', '/api/v1/campaigns', {
        body: {
          name: 'Lost answers',
          agentId: 'agt_01HXK8Z3MNPQRS',
          contacts: toNumbers.map((toNumber) => ({ toNumber })),
          pacing: { callsPerMinute: 120 },
        },
      });
      expect(created.status).toBe(201);
      const campaignId = created.body.id as string;
      // Pause and resume answer as they would have (each a write on the campaign's version).
      const paused = await api.request('POST', `/api/v1/campaigns/${campaignId}/pause`);
      expect({ status: paused.status, campaign: paused.body.status }).toEqual({ status: 200, campaign: 'paused' });
      const resumed = await api.request('POST', `/api/v1/campaigns/${campaignId}/resume`);
      expect({ status: resumed.status, campaign: resumed.body.status }).toEqual({ status: 200, campaign: 'running' });
      const done = await eventually(
        () => api.request('GET', `/api/v1/campaigns/${campaignId}`),
        (response) => response.body.status === 'completed',
        180_000,
        'the campaign to complete',
      );
      // Each call counted once: a change counted twice would leave the counts off the contacts.
      expect(done.body.counts).toMatchObject({ total: 4, completed: 3, busy: 1 });
      const delivered = await eventually(
        async () => receiver.delivered().map((delivery) => delivery.event),
        (events) =>
          events.some((event) => event.type === 'CampaignCompleted' && event.data.campaign.id === campaignId) &&
          new Set(
            events
              .filter((event) => event.type === 'SessionEnded' && event.data.call.campaignId === campaignId)
              .map((event) => event.data.call.id),
          ).size === 4,
        120_000,
        'every SessionEnded of the campaign and its CampaignCompleted',
      );
      // A repeat delivery is the same event: one id per call's SessionEnded, one CampaignCompleted.
      const ended = delivered.filter(
        (event) => event.type === 'SessionEnded' && event.data.call.campaignId === campaignId,
      );
      expect(new Set(ended.map((event) => event.id)).size).toBe(4);
      const completed = delivered.filter((event) => event.type === 'CampaignCompleted');
      expect(new Set(completed.map((event) => event.id)).size).toBe(1);
      // Each contact's call dialed once (the campaign retries nothing).
      const callIds = ended.map((event) => event.data.call.id as string);
      for (const id of callIds) {
        const dials = [...api.stack.simulatedCalls.calls.values()].filter((c) =>
          String(c.params.Url).includes(`callId=${id}&`),
        );
        expect(dials).toHaveLength(1);
      }
      expect(proxy.lost() + motoProxy.lost() - lostBefore).toBeGreaterThan(5);
    } finally {
      await receiver.stop();
    }
  }, 300_000);
});
