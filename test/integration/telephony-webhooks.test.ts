import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { DynamoDbCallRepository } from '#adapters/dynamodb/call-repository';
import { encodeForm, twilioSignature, type FormParams } from '#adapters/telephony/twilio-protocol';
import { findElement, parseTwiml } from '#simulator/twiml-parser';
import { fireSchedule, startDial, type CallTimingLimits } from '#domain/call-lifecycle';
import { systemClock } from '#ports/clock';
import type { StoredCall } from '#schemas/call';
import { CALLS, callReaches, minutesFromNow, startTestApi, type TestApi } from '../support/local-api.ts';

const limits: CallTimingLimits = {
  ringTimeoutSeconds: 20,
  maxCallDurationSeconds: 3600,
  retryDelayUnitSeconds: 1,
  watchdogGraceSeconds: 120,
};

/** The provider webhooks as an attacker, a confused provider and Twilio's own retries would use them. */
describe('telephony webhooks', () => {
  let api: TestApi;
  let store: DynamoDbCallRepository;
  let callId: string;
  const simulatorSid = () => process.env.SIMULATOR_ACCOUNT_SID as string;
  const simulatorToken = () => process.env.SIMULATOR_AUTH_TOKEN as string;

  beforeAll(async () => {
    api = await startTestApi();
    store = new DynamoDbCallRepository(createDocumentClient(), api.stack.tableName, systemClock);
    callId = (
      await api.request('POST', CALLS, {
        body: { agentId: 'agt_01HXK8Z3MNPQRS', toNumber: '+14155550199', scheduledFor: minutesFromNow(30) },
      })
    ).body.id;
  });
  afterAll(() => api.stack.stop());

  const hookUrl = (hook: string, id = callId) => `${api.stack.url}/telephony/twilio/${hook}?callId=${id}&attempt=1`;
  const post = async (
    hook: string,
    params: FormParams,
    sign: { token?: string; signature?: string; signedUrl?: string } = {},
    id = callId,
  ) => {
    const url = hookUrl(hook, id);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    const signature =
      sign.signature ??
      (sign.token ? twilio.getExpectedTwilioSignature(sign.token, sign.signedUrl ?? url, params) : undefined);
    if (signature) headers['x-twilio-signature'] = signature;
    const response = await fetch(url, { method: 'POST', headers, body: encodeForm(params) });
    return { status: response.status, text: await response.text() };
  };
  const status = (CallStatus: string, extra: Record<string, string> = {}) => ({
    AccountSid: simulatorSid(),
    CallSid: 'CAfeedfeedfeedfeedfeedfeedfeedfeed',
    CallStatus,
    Timestamp: new Date().toUTCString(),
    ...extra,
  });
  const current = async (id = callId) => (await api.request('GET', `${CALLS}/${id}`)).body;

  /** A call the dialer has just dialed (initiating), so this test plays the provider by hand. */
  async function dialedCall(changes: Partial<StoredCall> = {}): Promise<string> {
    const id = (
      await api.request('POST', CALLS, {
        body: { agentId: 'agt_01HXK8Z3MNPQRS', toNumber: '+14155550199', scheduledFor: minutesFromNow(30) },
      })
    ).body.id as string;
    const scheduled = (await store.getById(id)) as StoredCall;
    const queued = await store.update(fireSchedule(scheduled, new Date(), limits) as StoredCall, scheduled);
    const ready = { ...queued, ...changes };
    await store.update(startDial(ready, new Date(), `conv_${id.slice(4)}`, limits) as StoredCall, queued);
    return id;
  }
  /** Signed with the simulator account's token, at the URL the request goes to. */
  const signed = () => ({ token: simulatorToken() });

  it('rejects unsigned, wrongly signed and foreign-account requests with 401, changing nothing', async () => {
    const before = await current();
    expect((await post('status', status('failed'))).status).toBe(401);
    expect((await post('status', status('failed'), { signature: 'bm90IGEgc2lnbmF0dXJl' })).status).toBe(401);
    expect((await post('status', status('failed'), { token: 'not-the-auth-token' })).status).toBe(401);
    expect(
      (
        await post(
          'status',
          { ...status('failed'), AccountSid: 'AC00000000000000000000000000000000' },
          { token: simulatorToken() },
        )
      ).status,
    ).toBe(401);
    expect((await post('answer', status('in-progress'))).status).toBe(401);
    expect((await post('stream-ended', status('in-progress'))).status).toBe(401);
    // Another port is another URL: not a spelling Twilio could have signed.
    expect(
      (
        await post('status', status('failed'), {
          token: simulatorToken(),
          signedUrl: hookUrl('status').replace(/:(\d+)\//, (_m, port) => `:${Number(port) + 1}/`),
        })
      ).status,
    ).toBe(401);
    expect(await current()).toEqual(before);
  });

  it('accepts a signature over the URL without its port, as Twilio’s helper libraries do (before: 401)', async () => {
    const withoutPort = hookUrl('status').replace(/:\d+\//, '/');
    expect(
      twilio.validateRequest(
        simulatorToken(),
        twilio.getExpectedTwilioSignature(simulatorToken(), withoutPort, status('ringing')),
        hookUrl('status'),
        status('ringing'),
      ),
    ).toBe(true);
    expect((await post('status', status('ringing'), { ...signed(), signedUrl: withoutPort })).status).toBe(204);
    const id = await dialedCall();
    expect(
      (
        await post(
          'status',
          status('ringing'),
          { ...signed(), signedUrl: hookUrl('status', id).replace(/:\d+\//, '/') },
          id,
        )
      ).status,
    ).toBe(204);
    expect((await current(id)).status).toBe('ringing');
  });

  it('validates over the whole form body, repeated parameters included', async () => {
    const params = { ...status('ringing'), StatusCallbackEvent: ['ringing', 'initiated', 'ringing'] };
    expect((await post('status', params, signed())).status).toBe(204);
    const tampered = twilioSignature(simulatorToken(), hookUrl('status'), {
      ...params,
      StatusCallbackEvent: ['ringing'],
    });
    expect((await post('status', params, { signature: tampered })).status).toBe(401);
  });

  it('answers 404 for a route that is not a telephony webhook, before reading anything', async () => {
    for (const hook of ['constructor', 'toString', '__proto__']) {
      expect((await post(hook, status('ringing'), signed())).status).toBe(404);
    }
  });

  it('ignores a signed report that the state machine does not allow, and its duplicates', async () => {
    // The call is still scheduled: nobody has dialed it, so "ringing" and "completed" cannot apply.
    for (const report of ['ringing', 'completed', 'completed', 'in-progress']) {
      expect((await post('status', status(report), signed())).status).toBe(204);
    }
    expect((await current()).status).toBe('scheduled');
  });

  it('answers for an unknown attempt with a hang-up, not with the agent', async () => {
    const response = await post('answer', status('in-progress'), signed());
    expect(response.status).toBe(200);
    expect(response.text).toContain('<Hangup/>');
  });

  it('keeps the answer request’s machine verdict when the reports around it lack one (before: completed/customer_ended)', async () => {
    const id = await dialedCall();
    expect((await post('status', status('in-progress'), signed(), id)).status).toBe(204);
    const answer = await post('answer', status('in-progress', { AnsweredBy: 'machine_end_beep' }), signed(), id);
    expect(findElement(parseTwiml(answer.text), 'Stream')).toBeDefined();
    expect(answer.text).toContain('<Parameter name="mode" value="voicemail"/>');
    expect((await post('status', status('completed', { CallDuration: '12' }), signed(), id)).status).toBe(204);
    expect(await current(id)).toMatchObject({ status: 'voicemail', endReason: 'voicemail_left' });
  });

  it('moves an answered call to in_progress on the answer request when the answered report is lost', async () => {
    const id = await dialedCall();
    const answer = await post('answer', status('in-progress', { AnsweredBy: 'human' }), signed(), id);
    expect(answer.text).toContain('<Parameter name="mode" value="conversation"/>');
    expect(await current(id)).toMatchObject({ status: 'in_progress', conversationId: expect.stringMatching(/^conv_/) });
  });

  it('hangs up on a fax machine and ends the call fax_detected, not voicemail (before: voicemail/voicemail_left)', async () => {
    const id = await dialedCall({ maxRetries: 2 });
    const answer = await post('answer', status('in-progress', { AnsweredBy: 'fax' }), signed(), id);
    expect(parseTwiml(answer.text).children.map((c) => c.name)).toEqual(['Hangup']);
    expect((await post('status', status('completed', { CallDuration: '3' }), signed(), id)).status).toBe(204);
    expect(await current(id)).toMatchObject({ status: 'failed', endReason: 'fax_detected', retryCount: 0 });
  });

  it('writes well-formed TwiML even for text stored before the text rule (before: XML no parser accepts, Twilio 12100)', async () => {
    const id = await dialedCall({ overrideFirstMessage: 'Hello\u0001 there\uFFFE' });
    const answer = await post('answer', status('in-progress', { AnsweredBy: 'human' }), signed(), id);
    const parameters = findElement(parseTwiml(answer.text), 'Stream')?.children ?? [];
    expect(parameters.find((p) => p.attributes.name === 'firstMessage')?.attributes.value).toBe('Hello there');
  });

  it('clamps the provider’s clock to the attempt, and ignores a count that is not one, with no 5xx (before: 2,306,427,791 s; 500)', async () => {
    const future = await dialedCall();
    expect((await post('status', status('in-progress', { AnsweredBy: 'human' }), signed(), future)).status).toBe(204);
    expect(
      (
        await post(
          'status',
          status('completed', { Timestamp: 'Fri, 01 Jan 2100 00:00:00 +0000', CallDuration: '2306427791' }),
          signed(),
          future,
        )
      ).status,
    ).toBe(204);
    const ended = await current(future);
    expect(ended.status).toBe('completed');
    expect(Date.parse(ended.endedAt)).toBeLessThanOrEqual(Date.now());
    expect(ended.durationSeconds).toBe(Math.round((Date.parse(ended.endedAt) - Date.parse(ended.connectedAt)) / 1000));
    expect(ended.durationSeconds).toBeLessThan(60);

    const garbled = await dialedCall();
    expect(
      (
        await post(
          'status',
          status('in-progress', { Timestamp: 'yesterday-ish', AnsweredBy: 'robot' }),
          signed(),
          garbled,
        )
      ).status,
    ).toBe(204);
    for (const CallDuration of ['abc', '-5', '1e9', '']) {
      expect((await post('status', status('completed', { CallDuration }), signed(), garbled)).status).toBe(204);
    }
    expect(await current(garbled)).toMatchObject({ status: 'completed', endReason: 'customer_ended' });
  });

  it('never ends an attempt before it connected when reports arrive out of order', async () => {
    const id = await dialedCall();
    const now = Date.now();
    // The answered report carries a later provider time than the end report that follows it.
    expect(
      (await post('status', status('in-progress', { Timestamp: new Date(now).toUTCString() }), signed(), id)).status,
    ).toBe(204);
    expect(
      (
        await post(
          'status',
          status('completed', { Timestamp: new Date(now - 30_000).toUTCString(), CallDuration: '0' }),
          signed(),
          id,
        )
      ).status,
    ).toBe(204);
    const ended = await current(id);
    expect(Date.parse(ended.connectedAt)).toBeLessThanOrEqual(Date.parse(ended.endedAt));
    expect(Date.parse(ended.initiatedAt)).toBeLessThanOrEqual(Date.parse(ended.connectedAt));
    expect(ended.durationSeconds).toBe(0);
  });

  it('ignores callbacks repeated after a call ended', async () => {
    const done = await api.request('POST', CALLS, {
      body: { agentId: 'agt_01HXK8Z3MNPQRS', toNumber: '+15005550101' },
    });
    const ended = await callReaches(api, done.body.id, ['completed']);
    callId = done.body.id;
    for (const report of ['ringing', 'in-progress', 'busy', 'completed']) {
      expect((await post('status', status(report), signed())).status).toBe(204);
    }
    expect(await current()).toEqual(ended);
  });

  it('does not call again a number the network said does not exist (failed, SIP 404), under retryPolicy.failed (before: retried)', async () => {
    const id = await dialedCall({ retryPolicy: { failed: { maxRetries: 2, delayMinutes: 1 } } });
    // Twilio's "failed": it could not route the call, most often a well-formed number that does not
    // exist; the final status callback says so with the SIP response (404 Not Found).
    const failed = status('failed', { SipResponseCode: '404', CallbackSource: 'call-progress-events' });
    expect((await post('status', failed, signed(), id)).status).toBe(204);
    expect(await current(id)).toMatchObject({ status: 'failed', endReason: 'invalid_number', retryCount: 0 });
  });

  it('does not say the agent ended a call the callee hung up on (the <Connect> action after the hang-up; before: agent_ended)', async () => {
    const id = await dialedCall();
    const answer = await post('answer', status('in-progress', { AnsweredBy: 'human' }), signed(), id);
    expect(answer.text).toContain('<Stream');
    // The callee hangs up: the stream ends with the call, and the <Connect> action request that
    // follows carries CallStatus=completed (the line is no longer up), before the status callback.
    expect((await post('stream-ended', status('completed'), signed(), id)).status).toBe(200);
    expect((await post('status', status('completed', { CallDuration: '42' }), signed(), id)).status).toBe(204);
    expect((await current(id)).endReason).toBe('customer_ended');
  });
});
