import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLS, eventually, minutesFromNow, startTestApi, type TestApi } from '../support/local-api.ts';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';

const CAMPAIGNS = '/api/v1/campaigns';
type Receiver = Awaited<ReturnType<typeof startWebhookReceiver>>;

/**
 * CampaignCompleted through the local stack: the last call of a campaign ends (here: each call is
 * cancelled on its own, so the campaign itself completes rather than being cancelled), the events
 * function completes the campaign from the table's stream and delivers one signed event.
 */
describe('CampaignCompleted webhook', () => {
  let api: TestApi;
  let receiver: Receiver;

  beforeAll(async () => {
    api = await startTestApi();
    receiver = await startWebhookReceiver();
    const created = await api.request('POST', '/api/v1/webhooks', {
      body: { url: receiver.url, events: ['CampaignCompleted'] },
    });
    expect(created.status).toBe(201);
  });
  afterAll(async () => {
    await receiver.stop();
    await api.stack.stop();
  });

  it('is delivered once, with the completed campaign, when its last call ends', async () => {
    const created = await api.request('POST', CAMPAIGNS, {
      body: {
        name: 'completes',
        agentId: 'agt_01HXK8Z3MNPQRS',
        startAt: minutesFromNow(30),
        contacts: [{ toNumber: '+14155550140' }, { toNumber: '+14155550141' }],
      },
    });
    expect(created.status).toBe(201);
    const campaignId = created.body.id as string;
    const calls = await eventually(
      async () => (await api.request('GET', `${CALLS}?campaignId=${campaignId}`)).body.data as Array<{ id: string }>,
      (data) => data.length === 2,
      60_000,
      'the campaign calls',
    );
    const [first, second] = calls;
    expect((await api.request('POST', `${CALLS}/${first?.id}/cancel`)).status).toBe(200);
    expect((await api.request('POST', `${CALLS}/${second?.id}/cancel`)).status).toBe(200);

    const completions = () =>
      receiver
        .delivered()
        .filter((d) => d.event.type === 'CampaignCompleted' && d.event.data.campaign?.id === campaignId);
    await eventually(
      async () => completions(),
      (found) => found.length > 0,
      90_000,
      'CampaignCompleted delivered',
    );
    const campaign = (await api.request('GET', `${CAMPAIGNS}/${campaignId}`)).body;
    expect(campaign).toMatchObject({ status: 'completed', counts: { total: 2, cancelled: 2 } });
    const [delivery] = completions();
    expect(delivery?.event).toMatchObject({
      type: 'CampaignCompleted',
      createdAt: campaign.completedAt,
      data: { campaign: { id: campaignId, name: 'completes', status: 'completed', completedAt: campaign.completedAt } },
    });
    expect(delivery?.event.data.campaign).not.toHaveProperty('accountId');
    expect(delivery?.event.data).not.toHaveProperty('call');
    // Only the event it subscribed to, and that one once (by id).
    expect(new Set(completions().map((d) => d.event.id)).size).toBe(1);
    expect(receiver.delivered().every((d) => d.event.type === 'CampaignCompleted')).toBe(true);
  }, 180_000);
});
