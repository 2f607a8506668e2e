import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { DynamoDbCallRepository } from '#adapters/dynamodb/call-repository';
import { encodeForm, type FormParams } from '#adapters/telephony/twilio-protocol';
import { fireSchedule, startDial, type CallTimingLimits } from '#domain/call-lifecycle';
import { systemClock } from '#ports/clock';
import type { StoredCall } from '#schemas/call';
import { CALLS, minutesFromNow, startTestApi, type TestApi } from '../support/local-api.ts';

const limits: CallTimingLimits = {
  ringTimeoutSeconds: 20,
  maxCallDurationSeconds: 3600,
  retryDelayUnitSeconds: 1,
  watchdogGraceSeconds: 120,
};

/**
 * The telephony webhooks fed what real Twilio sends and the carrier simulator does not: the
 * parameters that say why a call failed, and a <Connect> action request after the callee hung up.
 */
describe('telephony webhooks, as the real phone network reports', () => {
  let api: TestApi;
  let store: DynamoDbCallRepository;
  const simulatorSid = () => process.env.SIMULATOR_ACCOUNT_SID as string;
  const simulatorToken = () => process.env.SIMULATOR_AUTH_TOKEN as string;

  beforeAll(async () => {
    api = await startTestApi();
    store = new DynamoDbCallRepository(createDocumentClient(), api.stack.tableName, systemClock);
  });
  afterAll(() => api.stack.stop());

  const hookUrl = (hook: string, id: string) => `${api.stack.url}/telephony/twilio/${hook}?callId=${id}&attempt=1`;
  const post = async (hook: string, id: string, params: FormParams) => {
    const url = hookUrl(hook, id);
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilio.getExpectedTwilioSignature(simulatorToken(), url, params),
      },
      body: encodeForm(params),
    });
    return { status: response.status, text: await response.text() };
  };
  const report = (CallStatus: string, extra: Record<string, string> = {}) => ({
    AccountSid: simulatorSid(),
    ApiVersion: '2010-04-01',
    CallSid: 'CAfeedfeedfeedfeedfeedfeedfeedfeed',
    CallStatus,
    Direction: 'outbound-api',
    From: '+14155550123',
    To: '+14155550199',
    ...extra,
  });
  const current = async (id: string) => (await api.request('GET', `${CALLS}/${id}`)).body;

  /** A call the dialer has just dialed (initiating), so this test plays Twilio by hand. */
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

  it('does not call again a number the network said does not exist (failed, SIP 404), under retryPolicy.failed', async () => {
    const id = await dialedCall({ retryPolicy: { failed: { maxRetries: 2, delayMinutes: 1 } } });
    // Twilio's "failed": it could not route the call, most often a well-formed number that does not
    // exist. The final status callback says so with the SIP response (404 Not Found: unallocated).
    const failed = report('failed', {
      SipResponseCode: '404',
      CallbackSource: 'call-progress-events',
      SequenceNumber: '1',
      Timestamp: new Date().toUTCString(),
    });
    expect((await post('status', id, failed)).status).toBe(204);
    const call = await current(id);
    expect({ status: call.status, retryCount: call.retryCount }).toEqual({ status: 'failed', retryCount: 0 });
  });

  it('does not say the agent ended a call the callee hung up on (the <Connect> action after the hang-up)', async () => {
    const id = await dialedCall();
    const answer = await post('answer', id, report('in-progress', { AnsweredBy: 'human' }));
    expect(answer.text).toContain('<Stream');
    // The callee hangs up: the stream ends with the call, and the <Connect> action request that
    // follows carries CallStatus=completed (the line is no longer up), before the status callback.
    expect((await post('stream-ended', id, report('completed'))).status).toBe(200);
    expect(
      (await post('status', id, report('completed', { CallDuration: '42', Timestamp: new Date().toUTCString() })))
        .status,
    ).toBe(204);
    expect((await current(id)).endReason).toBe('customer_ended');
  });
});
