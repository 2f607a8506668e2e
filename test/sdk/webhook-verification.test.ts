import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Voisnap, verifyWebhook, WebhookVerificationError } from '../../sdk/typescript/src/index.ts';
import { eventually, startTestApi, type TestApi } from '../support/local-api.ts';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Verifies one delivery with the Python SDK: prints the event id, or the reason it was refused. */
const PYTHON_VERIFY = `
import sys
sys.path.insert(0, "sdk/python")
from voisnap import verify_webhook, WebhookVerificationError
secrets, header, body_file = sys.argv[1].split(","), sys.argv[2], sys.argv[3]
try:
    print(verify_webhook(open(body_file, "rb").read(), header, secrets)["id"])
except WebhookVerificationError as error:
    print(error.reason)
`;

/**
 * Both SDKs against the service's own deliveries: the local stack signs and POSTs real events to a
 * receiver on this machine; the endpoint is managed through the TypeScript SDK's webhooks methods.
 */
describe('webhook verification with the SDKs, on real deliveries', () => {
  let api: TestApi;
  let client: Voisnap;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let dir: string;
  beforeAll(async () => {
    api = await startTestApi({ environment: { WEBHOOK_BACKOFF_UNIT: '0.02', WEBHOOK_RETRY_WINDOW_SECONDS: '8' } });
    client = new Voisnap({ apiKey: api.stack.apiKey, baseUrl: api.stack.url });
    receiver = await startWebhookReceiver();
    dir = mkdtempSync(join(tmpdir(), 'sdk-webhooks-'));
  });
  afterAll(async () => {
    await receiver.stop();
    await api.stack.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const sessionEnded = async (toNumber: string) => {
    const call = await client.outboundCalls.create({ agentId: 'agt_01HXK8Z3MNPQRS', toNumber });
    const deliveries = await eventually(
      async () =>
        receiver.delivered().filter((d) => d.event.type === 'SessionEnded' && d.event.data.call.id === call.id),
      (found) => found.length === 1,
      60_000,
      `the SessionEnded of ${call.id}`,
    );
    return deliveries[0] as (typeof deliveries)[number];
  };
  const python = async (secrets: string[], header: string, body: string) => {
    const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, body);
    const { stdout } = await promisify(execFile)('python3', ['-c', PYTHON_VERIFY, secrets.join(','), header, file], {
      cwd: REPO_ROOT,
    });
    return stdout.trim();
  };
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => 'verified',
      (error: unknown) => (error instanceof WebhookVerificationError ? error.reason : error),
    );

  it('each SDK verifies a delivery with one call, and refuses it changed or with another secret', async () => {
    const endpoint = await client.webhooks.create({ url: receiver.url, events: ['SessionEnded'] });
    expect(endpoint.secret).toMatch(/^whsec_/);
    expect((await client.webhooks.get(endpoint.id)).url).toBe(receiver.url);
    expect((await client.webhooks.list()).data.map((each) => each.id)).toContain(endpoint.id);

    const delivery = await sessionEnded('+15005550100');
    const header = delivery.headers['voisnap-signature'] as string;
    const event = await verifyWebhook(delivery.body, header, endpoint.secret);
    expect(event).toMatchObject({
      id: delivery.event.id,
      type: 'SessionEnded',
      data: { call: { status: 'completed' } },
    });
    expect(await python([endpoint.secret], header, delivery.body)).toBe(delivery.event.id);

    const tampered = delivery.body.replace('"completed"', '"failed"');
    expect(await refusal(verifyWebhook(tampered, header, endpoint.secret))).toBe('no_matching_signature');
    expect(await python([endpoint.secret], header, tampered)).toBe('no_matching_signature');
    expect(await refusal(verifyWebhook(delivery.body, header, 'whsec_wrong'))).toBe('no_matching_signature');
    expect(await python(['whsec_wrong'], header, delivery.body)).toBe('no_matching_signature');
    // A replay a day later: the signature still matches, the timestamp does not.
    const later = { now: Date.now() + 86_400_000 };
    expect(await refusal(verifyWebhook(delivery.body, header, endpoint.secret, later))).toBe(
      'timestamp_out_of_tolerance',
    );

    // After a rotation, deliveries carry a signature per secret: either secret verifies.
    const rotated = await client.webhooks.rotateSecret(endpoint.id);
    const next = await sessionEnded('+15005550101');
    const nextHeader = next.headers['voisnap-signature'] as string;
    expect(nextHeader.match(/v1=/g)).toHaveLength(2);
    for (const secret of [rotated.secret, endpoint.secret]) {
      expect((await verifyWebhook(next.body, nextHeader, secret)).id).toBe(next.event.id);
      expect(await python([secret], nextHeader, next.body)).toBe(next.event.id);
    }

    const attempts: string[] = [];
    for await (const attempt of client.webhooks.deliveries(endpoint.id, { pageSize: 1 }))
      if (attempt.succeeded) attempts.push(attempt.eventId);
    expect(attempts.sort()).toEqual([delivery.event.id, next.event.id].sort());
    expect((await client.webhooks.update(endpoint.id, { enabled: false })).enabled).toBe(false);
    await client.webhooks.delete(endpoint.id);
    expect((await client.webhooks.list()).data).toEqual([]);
  });
});
