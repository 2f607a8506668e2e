import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConflictError,
  InvalidRequestError,
  NotFoundError,
  Voisnap,
  type Call,
  type Campaign,
} from '../../sdk/typescript/src/index.ts';
import { windowOpenNow } from '../support/calling-windows.ts';
import { eventually, minutesFromNow, startTestApi, type TestApi } from '../support/local-api.ts';

const AGENT = 'agt_01HXK8Z3MNPQRS';
const TERMINAL = ['completed', 'failed', 'no_answer', 'busy', 'cancelled', 'voicemail'];
const ACTIVE = ['initiating', 'ringing', 'in_progress'];
/**
 * The TypeScript SDK's campaigns and suppressions methods against the real local stack (the
 * same handlers, DynamoDB Local, moto, the carrier simulator): issue 12's "Done when", through the SDK.
 */
describe('the TypeScript SDK: campaigns and suppressions against the local stack', () => {
  let api: TestApi;
  let client: Voisnap;
  beforeAll(async () => {
    api = await startTestApi();
    client = new Voisnap({ apiKey: api.stack.apiKey, baseUrl: api.stack.url });
  });
  afterAll(() => api.stack.stop());

  /** Numbers the simulator was asked to dial, so far. */
  const dialed = () => [...api.stack.simulatedCalls.calls.values()].map((call) => call.to);
  const callsOf = async (campaignId: string, pageSize = 100) => {
    const calls: Call[] = [];
    for await (const call of client.outboundCalls.list({ campaignId, pageSize })) calls.push(call);
    return calls;
  };

  it('suppressions: add (idempotent), list every page, remove; a single call to one is refused', async () => {
    const numbers = Array.from({ length: 5 }, (_, i) => `+1415666${String(1000 + i)}`);
    const added = [];
    for (const phoneNumber of numbers) added.push(await client.suppressions.add({ phoneNumber, reason: 'opted out' }));
    expect(added.map((entry) => entry.phoneNumber)).toEqual(numbers);
    const again = await client.suppressions.add({ phoneNumber: numbers[0] as string, reason: 'another reason' });
    expect(again).toEqual(added[0]);

    const listed: string[] = [];
    for await (const entry of client.suppressions.list({ pageSize: 2 })) listed.push(entry.phoneNumber);
    expect(listed.filter((n) => numbers.includes(n))).toEqual(numbers);

    await expect(client.outboundCalls.create({ agentId: AGENT, toNumber: numbers[1] as string })).rejects.toMatchObject(
      { status: 422, code: 'number_suppressed', param: 'toNumber' },
    );

    await client.suppressions.remove(numbers[1] as string);
    const after: string[] = [];
    for await (const entry of client.suppressions.list({ pageSize: 2 })) after.push(entry.phoneNumber);
    expect(after).not.toContain(numbers[1]);
    await expect(client.suppressions.remove(numbers[1] as string)).rejects.toBeInstanceOf(NotFoundError);
  }, 120_000);

  it('a campaign in the callee’s zone: counts move, pause holds, resume finishes, suppressed contacts are never ' +
    'dialed, a contact outside its window waits, cancel ends it', async () => {
    const { areaCode, zone, window } = windowOpenNow();
    const open = Array.from({ length: 6 }, (_, i) => `+1${areaCode}555${String(2000 + i)}`);
    const suppressedBefore = `+1${areaCode}5553000`;
    const suppressedAfter = `+1${areaCode}5553001`;
    const inTokyo = `+1${areaCode}5553002`;
    // The simulator's test range has no area, so no zone of its own: the window's default applies.
    const noZone = '+15005550101';
    await client.suppressions.add({ phoneNumber: suppressedBefore, reason: 'asked not to be called' });

    // A number whose zone cannot be told, with no default: a 400 naming the contact, nothing stored.
    const refused = await client.campaigns
      .create({ name: 'No zone', agentId: AGENT, contacts: [{ toNumber: noZone }], callingWindow: window })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(InvalidRequestError);
    expect(refused).toMatchObject({ code: 'callee_time_zone_unknown', param: 'contacts.0.toNumber' });

    const created = await client.campaigns.create({
      name: 'SDK campaign',
      agentId: AGENT,
      contacts: [
        ...open.map((toNumber, i) => ({ toNumber, metadata: { customerId: `cust_${i}` } })),
        { toNumber: noZone },
        { toNumber: suppressedBefore },
        { toNumber: inTokyo, timeZone: 'Asia/Tokyo' },
        // Last, so it is due last: suppressed while it waits, it is checked again at dial time.
        { toNumber: suppressedAfter },
      ],
      pacing: { callsPerMinute: 20, maxConcurrentCalls: 2 },
      callingWindow: { ...window, defaultTimeZone: zone },
    });
    await client.suppressions.add({ phoneNumber: suppressedAfter });
    expect(created).toMatchObject({ status: 'running', counts: { total: 10 } });
    const id = created.id;
    const byNumber = async () => new Map((await callsOf(id, 3)).map((call) => [call.toNumber, call]));
    const first = await byNumber();
    expect(first.size).toBe(10);
    expect(['scheduled', 'queued'], 'suppressed after, before its time').toContain(first.get(suppressedAfter)?.status);
    expect(first.get(suppressedBefore)).toMatchObject({ status: 'cancelled', endReason: 'suppressed' });
    // Tokyo's clock is outside the window: the call waits for its next opening there.
    const tokyo = first.get(inTokyo) as Call;
    expect(tokyo.status).toBe('scheduled');
    const opensAt = DateTime.fromISO(tokyo.scheduledFor as string).setZone('Asia/Tokyo');
    expect(opensAt.toFormat('HH:mm')).toBe(window.start);
    expect(opensAt.toMillis()).toBeGreaterThan(Date.now());

    // Counts move as calls go through their lifecycle.
    await eventually(
      () => client.campaigns.get(id),
      (campaign) => campaign.counts.completed >= 1,
      180_000,
      'a completed call in the counts',
    );

    // Pause: no call of the campaign starts dialing after it answered.
    const paused = await client.campaigns.pause(id);
    const pausedAt = Date.now();
    expect(paused.status).toBe('paused');
    const settled = await eventually(
      () => callsOf(id),
      (calls) => calls.every((call) => !ACTIVE.includes(call.status)),
      180_000,
      'no call of the paused campaign under way',
    );
    for (const call of settled.filter((c) => c.initiatedAt !== null))
      expect(Date.parse(call.initiatedAt as string)).toBeLessThanOrEqual(pausedAt);
    await expect(client.campaigns.pause(id)).resolves.toMatchObject({ status: 'paused' });

    // Resume: every contact inside its window is called; the suppressed ones never are.
    expect((await client.campaigns.resume(id)).status).toBe('running');
    await expect(client.campaigns.resume(id)).resolves.toMatchObject({ status: 'running' });
    const done = await eventually(
      () => byNumber(),
      (calls) => [...calls.values()].filter((call) => TERMINAL.includes(call.status)).length === 9,
      240_000,
      'every call but Tokyo’s ended',
    );
    for (const number of [...open, noZone]) expect(done.get(number)?.status, number).toBe('completed');
    for (const number of [suppressedBefore, suppressedAfter]) {
      expect(done.get(number), number).toMatchObject({
        status: 'cancelled',
        endReason: 'suppressed',
        initiatedAt: null,
      });
      expect(dialed(), number).not.toContain(number);
    }
    expect(done.get(inTokyo)?.status).toBe('scheduled');
    const counted = await eventually(
      () => client.campaigns.get(id),
      (campaign) => campaign.counts.completed === 7 && campaign.counts.cancelled === 2,
      60_000,
      'the counts to show 7 completed and 2 cancelled',
    );
    expect(counted).toMatchObject({ status: 'running', completedAt: null, counts: { total: 10, scheduled: 1 } });

    // Cancel: the call still waiting ends cancelled, and the campaign takes no more contacts.
    expect((await client.campaigns.cancel(id)).status).toBe('cancelled');
    const cancelled = await eventually(
      () => client.campaigns.get(id),
      (campaign) => campaign.counts.cancelled === 3 && campaign.counts.scheduled === 0,
      60_000,
      'the counts to show the waiting call cancelled',
    );
    expect(cancelled.counts).toMatchObject({ total: 10, completed: 7, cancelled: 3 });
    expect((await client.outboundCalls.get(tokyo.id)).status).toBe('cancelled');
    expect(dialed()).not.toContain(inTokyo);
    await expect(client.campaigns.addContacts(id, [{ toNumber: `+1${areaCode}5554000` }])).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(client.campaigns.resume(id)).rejects.toMatchObject({ status: 409 });
  }, 900_000);

  it('list() pages through every campaign, newest first; addContacts is idempotent with a key', async () => {
    const made: Campaign[] = [];
    for (let i = 0; i < 3; i++)
      made.push(
        await client.campaigns.create({
          name: `Later ${i}`,
          agentId: AGENT,
          contacts: [{ toNumber: `+1415777${String(1000 + i)}` }],
          startAt: minutesFromNow(120),
        }),
      );
    const listed: string[] = [];
    for await (const campaign of client.campaigns.list({ pageSize: 1 })) listed.push(campaign.id);
    const ours = made.map((campaign) => campaign.id);
    expect(listed.filter((id) => ours.includes(id))).toEqual([...ours].reverse());

    const target = made[0] as Campaign;
    const contacts = [{ toNumber: '+14157772000' }, { toNumber: '+14157772001' }];
    const appended = await client.campaigns.addContacts(target.id, contacts, { idempotencyKey: 'sdk-append-1' });
    const repeated = await client.campaigns.addContacts(target.id, contacts, { idempotencyKey: 'sdk-append-1' });
    expect(appended.counts.total).toBe(3);
    expect(repeated.counts.total).toBe(3);
    expect(await callsOf(target.id, 1)).toHaveLength(3);
    for (const campaign of made) await client.campaigns.cancel(campaign.id);
    await eventually(
      () => callsOf(target.id),
      (calls) => calls.every((call) => call.status === 'cancelled'),
      60_000,
      'every call of the cancelled campaign cancelled',
    );
  }, 300_000);
});
