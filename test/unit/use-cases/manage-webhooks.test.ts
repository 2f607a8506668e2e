import { describe, expect, it } from 'vitest';
import {
  createWebhook,
  deleteWebhook,
  redeliverEvent,
  rotateWebhookSecret,
  updateWebhook,
  type WebhookAdminDeps,
} from '#use-cases/manage-webhooks';
import { FakeClock } from '../../support/fakes/clock.ts';
import { FakeDeliveryQueue, FakeUrlPolicy, FakeWebhookStore } from '../../support/fakes/webhooks.ts';
import { anEvent } from './webhook-fixtures.ts';

function world() {
  const clock = new FakeClock(new Date('2030-01-01T12:00:00Z'));
  const webhooks = new FakeWebhookStore();
  const urlPolicy = new FakeUrlPolicy();
  const queue = new FakeDeliveryQueue();
  const deps: WebhookAdminDeps = { webhooks, urlPolicy, queue, clock };
  return { clock, webhooks, urlPolicy, queue, deps };
}

describe('managing webhook endpoints', () => {
  it('registers an endpoint and shows its secret once', async () => {
    const { deps, webhooks } = world();
    const created = await createWebhook(deps, 'acc_demo', { url: 'https://example.com/h', events: ['SessionEnded'] });
    expect(created).toMatchObject({
      url: 'https://example.com/h',
      enabled: true,
      secret: expect.stringMatching(/^whsec_/),
    });
    expect(await webhooks.getEndpoint('acc_demo', created.id)).toMatchObject({ secrets: [{ secret: created.secret }] });
  });

  it('an endpoint is active from its creation when nothing is cached, else after the cache and a margin', async () => {
    const { deps } = world();
    const now = await createWebhook(deps, 'acc_demo', { url: 'https://example.com/h', events: ['SessionEnded'] });
    expect(now).toMatchObject({ createdAt: '2030-01-01T12:00:00Z', activeAt: '2030-01-01T12:00:00Z' });
    const cached = await createWebhook({ ...deps, endpointCacheMs: 60_000 }, 'acc_demo', {
      url: 'https://example.com/h',
      events: ['SessionEnded'],
    });
    expect(cached).toMatchObject({ createdAt: '2030-01-01T12:00:00Z', activeAt: '2030-01-01T12:01:05Z' });
  });

  it('moves activeAt later when the write answered too late for the planned one', async () => {
    const { deps, webhooks, clock } = world();
    const create = webhooks.createEndpoint.bind(webhooks);
    webhooks.createEndpoint = async (endpoint) => {
      await create(endpoint);
      clock.advance(4.5); // the write answered 4.5 s after createdAt: past the margin less the clocks'
    };
    const created = await createWebhook({ ...deps, endpointCacheMs: 60_000 }, 'acc_demo', {
      url: 'https://example.com/h',
      events: ['SessionEnded'],
    });
    // 12:00:04.5 + 60 s + 1 s for the clocks, rounded up.
    expect(created.activeAt).toBe('2030-01-01T12:01:06Z');
    expect(await webhooks.getEndpoint('acc_demo', created.id)).toMatchObject({
      activeAt: created.activeAt,
      revision: 1,
    });
    // An edit made with what the create answered is not refused: it read the moved activeAt.
    expect(await updateWebhook(deps, 'acc_demo', created.id, { description: 'x' })).toMatchObject({
      activeAt: created.activeAt,
    });
  });

  it('refuses a URL the policy refuses, naming the field', async () => {
    const { deps, urlPolicy } = world();
    urlPolicy.problem = 'must be https';
    await expect(
      createWebhook(deps, 'acc_demo', { url: 'http://example.com', events: ['SessionEnded'] }),
    ).rejects.toMatchObject({ code: 'invalid_webhook_url', param: 'url' });
  });

  it('enabling an endpoint again clears why it was disabled; another account’s endpoint is a 404', async () => {
    const { deps, webhooks, clock } = world();
    const { id } = await createWebhook(deps, 'acc_demo', { url: 'https://example.com/h', events: ['SessionEnded'] });
    await webhooks.disableEndpoint('acc_demo', id, 'kept failing', '2030-01-01T12:00:00Z');
    clock.advance(1);
    expect(await updateWebhook(deps, 'acc_demo', id, { enabled: true })).toMatchObject({
      enabled: true,
      disabledReason: null,
    });
    await expect(updateWebhook(deps, 'acc_other', id, { enabled: false })).rejects.toMatchObject({
      kind: 'not_found',
    });
    await expect(deleteWebhook(deps, 'acc_other', id)).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('rotates a secret: the old one keeps signing for 24 hours beside the new one', async () => {
    const { deps, webhooks } = world();
    const created = await createWebhook(deps, 'acc_demo', { url: 'https://example.com/h', events: ['SessionEnded'] });
    const rotated = await rotateWebhookSecret(deps, 'acc_demo', created.id);
    expect(rotated.previousSecretExpiresAt).toBe('2030-01-02T12:00:00Z');
    const stored = await webhooks.getEndpoint('acc_demo', created.id);
    expect(stored?.secrets.map((s) => [s.secret, s.expiresAt])).toEqual([
      [rotated.secret, null],
      [created.secret, '2030-01-02T12:00:00Z'],
    ]);
  });

  it('redelivers a kept event as a fresh chain, and 404s an event it does not keep', async () => {
    const { deps, webhooks, queue } = world();
    const { id } = await createWebhook(deps, 'acc_demo', { url: 'https://example.com/h', events: ['SessionEnded'] });
    const event = anEvent();
    await webhooks.saveEvent('acc_demo', event);
    expect(await redeliverEvent(deps, 'acc_demo', id, event.id)).toEqual({
      eventId: event.id,
      endpointId: id,
      status: 'queued',
    });
    expect(queue.sent).toEqual([
      { message: expect.objectContaining({ attempt: 1, redelivery: true }), delaySeconds: 0 },
    ]);
    await expect(redeliverEvent(deps, 'acc_demo', id, 'evt_01JZZZZZZZZZZZZZZZZZZZZZZZ')).rejects.toMatchObject({
      code: 'event_not_found',
    });
  });
});
