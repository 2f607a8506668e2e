import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyVoisnapSignature } from '../../docs/examples/verify-webhook.ts';
import { CALLS, callReaches, eventually, startTestApi, type TestApi } from '../support/local-api.ts';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';
import { scratchDir } from '../support/scratch-dir.ts';

const HOOKS = '/api/v1/webhooks';
const TERMINAL = ['completed', 'failed', 'no_answer', 'busy', 'cancelled', 'voicemail'];
type Receiver = Awaited<ReturnType<typeof startWebhookReceiver>>;

/**
 * Customer webhooks through the local stack: DynamoDB Local's stream → events → SQS in moto →
 * signed POSTs to a receiver on this machine. Backoff runs 50× fast and the retry window is
 * eight seconds, so a day of retrying fits in a test.
 */
describe('customer webhooks', () => {
  let api: TestApi;
  let receiver: Receiver;
  let secret: string;
  let endpointId: string;

  beforeAll(async () => {
    api = await startTestApi({ environment: { WEBHOOK_BACKOFF_UNIT: '0.02', WEBHOOK_RETRY_WINDOW_SECONDS: '8' } });
    receiver = await startWebhookReceiver();
    const created = await api.request('POST', HOOKS, {
      body: {
        url: receiver.url,
        events: ['SessionEnded', 'SessionStarted', 'OutboundCallStatusChanged'],
        description: 'test receiver',
      },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${HOOKS}/${created.body.id}`);
    secret = created.body.secret;
    endpointId = created.body.id;
  });
  afterAll(async () => {
    await receiver.stop();
    await api.stack.stop();
  });

  const place = async (toNumber: string, extra: Record<string, unknown> = {}) =>
    (await api.request('POST', CALLS, { body: { agentId: 'agt_01HXK8Z3MNPQRS', toNumber, ...extra } })).body
      .id as string;
  const eventsOf = (r: Receiver, callId: string, type?: string) =>
    r.delivered().filter((d) => d.event.data.call.id === callId && (!type || d.event.type === type));

  it('manages endpoints: the secret is shown once, and validation names the field', async () => {
    const got = await api.request('GET', `${HOOKS}/${endpointId}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      id: endpointId,
      url: receiver.url,
      enabled: true,
      disabledReason: null,
      description: 'test receiver',
    });
    expect(got.body.secret).toBeUndefined();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9]{32}$/);
    expect((await api.request('GET', HOOKS)).body.data.map((e: { id: string }) => e.id)).toContain(endpointId);

    for (const [body, code, param] of [
      [{ url: 'http://example.com/hooks', events: ['SessionEnded'] }, 'invalid_webhook_url', 'url'],
      [{ url: 'https://10.0.0.1/hooks', events: ['SessionEnded'] }, 'invalid_webhook_url', 'url'],
      [{ url: receiver.url, events: [] }, 'invalid_field', 'events'],
      [{ url: receiver.url, events: ['CallExploded'] }, 'invalid_field', 'events.0'],
      [{ url: receiver.url, events: ['SessionEnded'], secret: 'mine' }, 'unknown_field', 'secret'],
    ] as const) {
      const response = await api.request('POST', HOOKS, { body });
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({ code, param });
    }
  });

  it('never lets two concurrent edits both win: the loser gets 409 and changes nothing', async () => {
    const edits = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        api.request('PATCH', `${HOOKS}/${endpointId}`, { body: { description: `edit ${i}` } }),
      ),
    );
    const winners = edits.filter((r) => r.status === 200);
    expect(winners.length).toBeGreaterThanOrEqual(1);
    for (const lost of edits.filter((r) => r.status !== 200))
      expect(lost.body.error).toMatchObject({ type: 'conflict', code: 'concurrent_update' });
    const final = (await api.request('GET', `${HOOKS}/${endpointId}`)).body;
    expect(winners.map((r) => r.body.description)).toContain(final.description);
    await api.request('PATCH', `${HOOKS}/${endpointId}`, { body: { description: 'test receiver' } });
  });

  it('keeps endpoints private to their account', async () => {
    const other = await api.createOtherAccount();
    for (const [method, path] of [
      ['GET', `${HOOKS}/${endpointId}`],
      ['PATCH', `${HOOKS}/${endpointId}`],
      ['DELETE', `${HOOKS}/${endpointId}`],
      ['GET', `${HOOKS}/${endpointId}/deliveries`],
    ] as const) {
      const response = await api.request(method, path, {
        key: other.key,
        body: method === 'PATCH' ? { enabled: false } : undefined,
      });
      expect(response.status).toBe(404);
    }
    expect((await api.request('GET', HOOKS, { key: other.key })).body.data).toEqual([]);
  });

  it('delivers one signed SessionEnded per call, for every outcome, verified by the documented snippets', async () => {
    const cases = {
      '+15005550100': 'completed',
      '+15005550103': 'busy',
      '+15005550106': 'failed',
      '+15005550104': 'voicemail',
    } as const;
    const ids = await Promise.all(Object.keys(cases).map((number) => place(number)));
    await Promise.all(ids.map((id) => callReaches(api, id, TERMINAL)));
    await eventually(
      async () => ids.map((id) => eventsOf(receiver, id, 'SessionEnded').length),
      (counts) => counts.every((n) => n === 1),
      60_000,
      'a SessionEnded per call',
    );

    const dir = scratchDir('webhook-');
    for (const [i, id] of ids.entries()) {
      const [ended] = eventsOf(receiver, id, 'SessionEnded');
      expect(ended?.event).toMatchObject({
        type: 'SessionEnded',
        data: { call: { id, status: Object.values(cases)[i] } },
      });
      expect(ended?.event.id).toMatch(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(ended?.headers['voisnap-event-id']).toBe(ended?.event.id);
      expect(ended?.headers['voisnap-event-type']).toBe('SessionEnded');
      const header = ended?.headers['voisnap-signature'] as string;
      expect(verifyVoisnapSignature(secret, header, ended?.body as string)).toBe(true);
      expect(verifyVoisnapSignature('whsec_wrong', header, ended?.body as string)).toBe(false);
      const bodyFile = join(dir, `${i}.json`);
      writeFileSync(bodyFile, ended?.body as string);
      // Asynchronously: blocking this process (which serves the local stack too) for seconds would
      // let the HTTP front time out a kept-alive connection just as the next request is sent on it.
      const python = await promisify(execFile)('python3', [
        'docs/examples/verify_webhook.py',
        secret,
        header,
        bodyFile,
      ]).then(
        () => 0,
        (error: { code?: number }) => error.code,
      );
      expect(python).toBe(0);
    }
    // SessionStarted only for the answered ones; every status change in order.
    expect(eventsOf(receiver, ids[0] as string, 'SessionStarted')).toHaveLength(1);
    expect(eventsOf(receiver, ids[1] as string, 'SessionStarted')).toHaveLength(0);
    const changes = eventsOf(receiver, ids[0] as string, 'OutboundCallStatusChanged').map(
      (d) => d.event.data.call.status,
    );
    expect(new Set(changes)).toEqual(new Set(['queued', 'initiating', 'ringing', 'in_progress', 'completed']));
  });

  it('does not call a no-answer that will be retried "ended"', async () => {
    const id = await place('+15005550102', { maxRetries: 1, retryDelayMinutes: 1 });
    await callReaches(api, id, ['no_answer'], 60_000);
    await eventually(
      async () => eventsOf(receiver, id, 'SessionEnded'),
      (events) => events.length === 1,
      60_000,
    );
    const ended = eventsOf(receiver, id, 'SessionEnded');
    expect(ended[0]?.event.data.call).toMatchObject({ status: 'no_answer', retryCount: 1 });
    expect(
      eventsOf(receiver, id, 'OutboundCallStatusChanged').some((d) => d.event.data.call.status === 'scheduled'),
    ).toBe(true);
  });

  it('retries a failing receiver until it answers, and records every attempt', async () => {
    let failures = 0;
    receiver.answerWith(({ body }) => (JSON.parse(body).type === 'SessionEnded' && failures++ < 3 ? 500 : 200));
    const id = await place('+15005550101');
    await eventually(
      async () => eventsOf(receiver, id, 'SessionEnded'),
      (events) => events.length === 1,
      60_000,
      'the SessionEnded after three failures',
    );
    receiver.answerWith(() => 200);
    const tries = receiver.received.filter(
      (r) => JSON.parse(r.body).type === 'SessionEnded' && JSON.parse(r.body).data.call.id === id,
    );
    expect(tries.map((r) => r.answeredWith)).toEqual([500, 500, 500, 200]);
    expect(tries.every((r) => verifyVoisnapSignature(secret, r.headers['voisnap-signature'] as string, r.body))).toBe(
      true,
    );

    const deliveries = await api.request('GET', `${HOOKS}/${endpointId}/deliveries?pageSize=100`);
    const eventId = JSON.parse(tries[0]?.body as string).id;
    const attempts = deliveries.body.data.filter((d: { eventId: string }) => d.eventId === eventId);
    expect(
      attempts
        .map((a: { attempt: number; statusCode: number; succeeded: boolean }) => [a.attempt, a.statusCode, a.succeeded])
        .sort(),
    ).toEqual([
      [1, 500, false],
      [2, 500, false],
      [3, 500, false],
      [4, 200, true],
    ]);
  });

  it('delivers an event once even when the stream delivers its record twice', async () => {
    const id = await place('+15005550100');
    await callReaches(api, id, ['completed']);
    await eventually(
      async () => eventsOf(receiver, id, 'SessionEnded'),
      (events) => events.length === 1,
      60_000,
    );
    // Replay the whole stream from its start through the same handler: every record again.
    const { handler } = await import('../../functions/handlers/events-stream.ts');
    const { startStreamPoller } = await import('../../local/stream-poller.ts');
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const replay = startStreamPoller({
      dynamodb: new DynamoDBClient({}),
      tableName: api.stack.tableName,
      handler,
      functionName: 'replay',
      from: 'TRIM_HORIZON',
    });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await replay();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(eventsOf(receiver, id, 'SessionEnded')).toHaveLength(1);
    expect(eventsOf(receiver, id, 'SessionStarted')).toHaveLength(1);
  });

  it('can redeliver an event on request', async () => {
    const [first] = receiver.delivered().filter((d) => d.event.type === 'SessionEnded');
    const response = await api.request('POST', `${HOOKS}/${endpointId}/events/${first?.event.id}/redeliver`);
    expect(response.status).toBe(202);
    await eventually(
      async () => receiver.delivered().filter((d) => d.event.id === first?.event.id).length,
      (n) => n === 2,
      60_000,
    );
    expect(
      (await api.request('POST', `${HOOKS}/${endpointId}/events/evt_01JZZZZZZZZZZZZZZZZZZZZZZZ/redeliver`)).status,
    ).toBe(404);
  });

  it('delivers everything after an outage, signed with both secrets while a rotated one is in grace', async () => {
    receiver.answerWith(() => 503);
    const ids = [await place('+15005550103'), await place('+15005550106')];
    await Promise.all(ids.map((id) => callReaches(api, id, TERMINAL)));
    const rotated = await api.request('POST', `${HOOKS}/${endpointId}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(secret);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    receiver.answerWith(() => 200);
    await eventually(
      async () => ids.map((id) => eventsOf(receiver, id, 'SessionEnded').length),
      (counts) => counts.every((n) => n === 1),
      60_000,
      'the events held back by the outage',
    );
    for (const id of ids) {
      const [ended] = eventsOf(receiver, id, 'SessionEnded');
      expect(verifyVoisnapSignature(secret, ended?.headers['voisnap-signature'] as string, ended?.body as string)).toBe(
        true,
      );
      expect(
        verifyVoisnapSignature(
          rotated.body.secret,
          ended?.headers['voisnap-signature'] as string,
          ended?.body as string,
        ),
      ).toBe(true);
    }
    secret = rotated.body.secret;
  });

  it('sends nothing to another account, and nothing after the endpoint is disabled', async () => {
    const other = await api.createOtherAccount();
    const otherReceiver = await startWebhookReceiver();
    await api.request('POST', HOOKS, { key: other.key, body: { url: otherReceiver.url, events: ['SessionEnded'] } });
    const patched = await api.request('PATCH', `${HOOKS}/${endpointId}`, { body: { enabled: false } });
    expect(patched.body).toMatchObject({ enabled: false, disabledReason: null });
    const before = receiver.received.length;
    const id = await place('+15005550103');
    await callReaches(api, id, TERMINAL);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(otherReceiver.received).toEqual([]);
    expect(receiver.received.length).toBe(before);
    await otherReceiver.stop();
    await api.request('PATCH', `${HOOKS}/${endpointId}`, { body: { enabled: true } });
  });

  it('parks an event after the retry window and disables the endpoint that keeps failing, with a reason', async () => {
    receiver.answerWith(() => 500);
    const id = await place('+15005550103');
    await callReaches(api, id, TERMINAL);
    const disabled = await eventually(
      async () => (await api.request('GET', `${HOOKS}/${endpointId}`)).body,
      (endpoint) => endpoint.enabled === false,
      60_000,
      'the endpoint to be disabled',
    );
    expect(disabled.disabledReason).toMatch(/failed every delivery/);
    const dlq = await new SQSClient({}).send(
      new ReceiveMessageCommand({
        QueueUrl: api.stack.queues.deliveryDlqUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    );
    expect((dlq.Messages ?? []).some((m) => JSON.parse(m.Body as string).event.data.call.id === id)).toBe(true);
    receiver.answerWith(() => 200);
    expect((await api.request('PATCH', `${HOOKS}/${endpointId}`, { body: { enabled: true } })).body).toMatchObject({
      enabled: true,
      disabledReason: null,
    });
    expect((await api.request('DELETE', `${HOOKS}/${endpointId}`)).status).toBe(204);
    expect((await api.request('GET', `${HOOKS}/${endpointId}`)).status).toBe(404);
  });
});
