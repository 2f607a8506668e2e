import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuardedWebhookSender } from '#adapters/http/guarded-webhook-sender';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';

/** The sender checks the address it connects to, whatever the URL check said earlier (DNS rebinding). */
describe('guarded webhook sender', () => {
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  afterAll(() => receiver.stop());

  it('refuses to connect where a name resolves to this machine, in production', async () => {
    const production = new GuardedWebhookSender({ timeoutMs: 2000, allowLocalHttp: false });
    const response = await production.post(receiver.url, '{"a":1}', { 'voisnap-event-id': 'evt_1' });
    expect(response.statusCode).toBeNull();
    expect(response.error).toMatch(/non-public address/);
    expect(receiver.received).toEqual([]);
  });

  it('delivers to this machine in the local stack, with the body and headers given', async () => {
    const local = new GuardedWebhookSender({ timeoutMs: 2000, allowLocalHttp: true });
    const response = await local.post(receiver.url, '{"a":1}', { 'voisnap-event-id': 'evt_1' });
    expect(response).toMatchObject({ statusCode: 200, error: null });
    expect(receiver.received[0]).toMatchObject({
      body: '{"a":1}',
      headers: expect.objectContaining({ 'voisnap-event-id': 'evt_1', 'content-type': 'application/json' }),
    });
  });

  it('reports a connection that fails as an error, without a status', async () => {
    receiver.answerWith(() => 200);
    const sender = new GuardedWebhookSender({ timeoutMs: 2000, allowLocalHttp: true });
    const response = await sender.post(receiver.url.replace('localhost', '127.0.0.1').replace(/:\d+/, ':9'), '{}', {});
    expect(response.statusCode).toBeNull();
    expect(response.error).not.toBeNull();
  });
});
