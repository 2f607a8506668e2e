import { describe, expect, it } from 'vitest';
import { signatureHeader } from '#domain/webhook-events';
import type { DeliveryMessage } from '#schemas/webhooks';
import { deliverEvent, type DeliveryDeps } from '#use-cases/deliver-event';
import { FakeClock } from '../../support/fakes/clock.ts';
import { FakeDeliveryQueue, FakeUrlPolicy, FakeWebhookSender, FakeWebhookStore } from '../../support/fakes/webhooks.ts';
import { anEndpoint, anEvent } from './webhook-fixtures.ts';
import { InMemoryMetrics } from '../../support/fakes/metrics.ts';

const DAY_SECONDS = 24 * 3600;

function world() {
  const clock = new FakeClock(new Date('2030-01-01T12:00:00Z'));
  const webhooks = new FakeWebhookStore();
  const queue = new FakeDeliveryQueue();
  const sender = new FakeWebhookSender();
  const urlPolicy = new FakeUrlPolicy();
  const metrics = new InMemoryMetrics();
  const deps: DeliveryDeps = {
    webhooks,
    queue,
    sender,
    urlPolicy,
    clock,
    metrics,
    random: () => 0.5,
    retryWindowSeconds: DAY_SECONDS,
    backoffUnitSeconds: 1,
  };
  const event = anEvent();
  const message = (overrides: Partial<DeliveryMessage> = {}): DeliveryMessage => ({
    accountId: 'acc_demo',
    endpointId: 'whk_1',
    event,
    attempt: 1,
    firstAttemptAt: '2030-01-01T12:00:00Z',
    chainId: 'chain_1',
    redelivery: false,
    ...overrides,
  });
  return { clock, webhooks, queue, sender, urlPolicy, metrics, deps, event, message };
}

describe('deliverEvent', () => {
  it('counts each attempt by its result: delivered, failed, and parked past the retry window', async () => {
    const { deps, webhooks, sender, clock, metrics, message } = world();
    await webhooks.createEndpoint(anEndpoint('whk_1', ['OutboundCallStatusChanged']));
    await deliverEvent(deps, message());
    await webhooks.createEndpoint(anEndpoint('whk_2', ['OutboundCallStatusChanged']));
    sender.statusCode = 503;
    await deliverEvent(deps, message({ endpointId: 'whk_2' }));
    clock.advance(DAY_SECONDS + 60);
    await deliverEvent(deps, message({ endpointId: 'whk_2', attempt: 2 }));
    expect(metrics.count('WebhookDeliveries')).toBe(3);
    for (const result of ['delivered', 'failed', 'parked'])
      expect(metrics.count('WebhookDeliveries', { Result: result })).toBe(1);
  });

  it('records a redirect as a failed attempt that says it was not followed (before: error null)', async () => {
    const { deps, webhooks, sender, message } = world();
    await webhooks.createEndpoint(anEndpoint('whk_1', ['OutboundCallStatusChanged']));
    sender.statusCode = 302;
    await deliverEvent(deps, message());
    expect(webhooks.attempts.at(-1)).toMatchObject({
      succeeded: false,
      statusCode: 302,
      error: expect.stringContaining('redirect not followed'),
    });
    sender.statusCode = 503;
    await deliverEvent(deps, message({ attempt: 2 }));
    expect(webhooks.attempts.at(-1)).toMatchObject({ statusCode: 503, error: null });
  });

  it('POSTs the event signed with the endpoint’s secret, records the attempt and remembers the delivery', async () => {
    const { deps, webhooks, sender, clock, event, message } = world();
    await webhooks.createEndpoint(anEndpoint('whk_1', ['OutboundCallStatusChanged']));
    expect(await deliverEvent(deps, message())).toBe('delivered');
    const body = JSON.stringify(event);
    expect(sender.posts).toEqual([
      {
        url: 'https://example.com/hooks/whk_1',
        body,
        headers: expect.objectContaining({
          'voisnap-event-id': event.id,
          'voisnap-signature': signatureHeader(['whsec_test'], clock.now().getTime() / 1000, body),
        }),
      },
    ]);
    expect(webhooks.attempts).toEqual([expect.objectContaining({ succeeded: true, statusCode: 200, gaveUp: false })]);
    expect(await deliverEvent(deps, message({ chainId: 'chain_2' }))).toBe('already_delivered');
    expect(sender.posts).toHaveLength(1);
  });

  it('stops a duplicate of an event whose chain of attempts is still alive', async () => {
    const { deps, webhooks, sender, message } = world();
    await webhooks.createEndpoint(anEndpoint('whk_1', ['OutboundCallStatusChanged']));
    sender.statusCode = 500;
    expect(await deliverEvent(deps, message())).toBe('retry');
    expect(await deliverEvent(deps, message({ chainId: 'chain_2' }))).toBe('duplicate');
    expect(sender.posts).toHaveLength(1);
  });

  it('tries a failed delivery again later with backoff, as the next attempt of the same chain', async () => {
    const { deps, webhooks, queue, sender, message } = world();
    await webhooks.createEndpoint(anEndpoint('whk_1', ['OutboundCallStatusChanged']));
    sender.statusCode = 503;
    expect(await deliverEvent(deps, message())).toBe('retry');
    expect(queue.sent).toEqual([
      { message: expect.objectContaining({ attempt: 2, chainId: 'chain_1' }), delaySeconds: expect.any(Number) },
    ]);
    expect(queue.sent[0]?.delaySeconds).toBeGreaterThan(0);
  });

  it('parks the event and disables the endpoint, with a reason, once the retry window has closed', async () => {
    const { deps, webhooks, queue, sender, clock, message } = world();
    await webhooks.createEndpoint(anEndpoint('whk_1', ['OutboundCallStatusChanged']));
    sender.statusCode = null;
    clock.advance(DAY_SECONDS + 1);
    expect(await deliverEvent(deps, message({ attempt: 20 }))).toBe('parked');
    expect(queue.parked).toHaveLength(1);
    expect(webhooks.attempts.at(-1)).toMatchObject({ gaveUp: true, error: 'connection refused' });
    expect(await webhooks.getEndpoint('acc_demo', 'whk_1')).toMatchObject({
      enabled: false,
      disabledReason: expect.stringContaining('failed every delivery'),
    });
  });

  it('skips an endpoint that is gone, disabled or no longer subscribed', async () => {
    const { deps, webhooks, sender, message } = world();
    expect(await deliverEvent(deps, message())).toBe('skipped');
    await webhooks.createEndpoint(anEndpoint('whk_1', ['SessionEnded']));
    expect(await deliverEvent(deps, message())).toBe('skipped');
    await webhooks.createEndpoint(anEndpoint('whk_1', ['OutboundCallStatusChanged'], { enabled: false }));
    expect(await deliverEvent(deps, message())).toBe('skipped');
    expect(sender.posts).toHaveLength(0);
  });

  it('does not POST to a URL the policy now refuses, and records why', async () => {
    const { deps, webhooks, sender, urlPolicy, message } = world();
    await webhooks.createEndpoint(anEndpoint('whk_1', ['OutboundCallStatusChanged']));
    urlPolicy.problem = 'resolves to a private address';
    expect(await deliverEvent(deps, message())).toBe('retry');
    expect(sender.posts).toHaveLength(0);
    expect(webhooks.attempts).toEqual([
      expect.objectContaining({ succeeded: false, error: 'resolves to a private address' }),
    ]);
  });

  it('sends a requested redelivery even after delivery, and waits for a chain that holds the event', async () => {
    const { deps, webhooks, queue, sender, message } = world();
    await webhooks.createEndpoint(anEndpoint('whk_1', ['OutboundCallStatusChanged']));
    await deliverEvent(deps, message());
    expect(await deliverEvent(deps, message({ chainId: 'chain_2', redelivery: true }))).toBe('delivered');
    expect(sender.posts).toHaveLength(2);
    sender.statusCode = 500;
    await deliverEvent(deps, message({ chainId: 'chain_3', redelivery: true }));
    expect(await deliverEvent(deps, message({ chainId: 'chain_4', redelivery: true }))).toBe('retry');
    expect(queue.sent.at(-1)).toEqual({ message: expect.objectContaining({ chainId: 'chain_4' }), delaySeconds: 60 });
  });
});
