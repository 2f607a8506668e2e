import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeForm, twilioSignature } from '#adapters/telephony/twilio-protocol';
import { CALLS, callReaches, minutesFromNow, startTestApi, type TestApi } from '../support/local-api.ts';

/** The provider webhooks as an attacker, a confused provider and Twilio's own retries would use them. */
describe('telephony webhooks', () => {
  let api: TestApi;
  let callId: string;
  const simulatorSid = () => process.env.SIMULATOR_ACCOUNT_SID as string;
  const simulatorToken = () => process.env.SIMULATOR_AUTH_TOKEN as string;

  beforeAll(async () => {
    api = await startTestApi();
    callId = (await api.request('POST', CALLS, { body: { agentId: 'agt_01HXK8Z3MNPQRS', toNumber: '+14155550199', scheduledFor: minutesFromNow(30) } })).body.id;
  });
  afterAll(() => api.stack.stop());

  const post = async (hook: string, params: Record<string, string>, sign: { token?: string; signature?: string } = {}) => {
    const url = `${api.stack.url}/telephony/twilio/${hook}?callId=${callId}&attempt=1`;
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    const signature = sign.signature ?? (sign.token ? twilioSignature(sign.token, url, params) : undefined);
    if (signature) headers['x-twilio-signature'] = signature;
    const response = await fetch(url, { method: 'POST', headers, body: encodeForm(params) });
    return { status: response.status, text: await response.text() };
  };
  const status = (CallStatus: string) => ({ AccountSid: simulatorSid(), CallSid: 'CAfeedfeedfeedfeedfeedfeedfeedfeed', CallStatus, Timestamp: new Date().toUTCString() });
  const current = async () => (await api.request('GET', `${CALLS}/${callId}`)).body;

  it('rejects unsigned, wrongly signed and foreign-account requests with 401, changing nothing', async () => {
    const before = await current();
    expect((await post('status', status('failed'))).status).toBe(401);
    expect((await post('status', status('failed'), { signature: 'bm90IGEgc2lnbmF0dXJl' })).status).toBe(401);
    expect((await post('status', status('failed'), { token: 'not-the-auth-token' })).status).toBe(401);
    expect((await post('status', { ...status('failed'), AccountSid: 'AC00000000000000000000000000000000' }, { token: simulatorToken() })).status).toBe(401);
    expect((await post('answer', status('in-progress'))).status).toBe(401);
    expect(await current()).toEqual(before);
  });

  it('ignores a signed report that the state machine does not allow, and its duplicates', async () => {
    // The call is still scheduled: nobody has dialed it, so "ringing" and "completed" cannot apply.
    for (const report of ['ringing', 'completed', 'completed', 'in-progress']) {
      expect((await post('status', status(report), { token: simulatorToken() })).status).toBe(204);
    }
    expect((await current()).status).toBe('scheduled');
  });

  it('answers for an unknown attempt with a hang-up, not with the agent', async () => {
    const response = await post('answer', status('in-progress'), { token: simulatorToken() });
    expect(response.status).toBe(200);
    expect(response.text).toContain('<Hangup/>');
  });

  it('ignores callbacks repeated after a call ended', async () => {
    const done = await api.request('POST', CALLS, { body: { agentId: 'agt_01HXK8Z3MNPQRS', toNumber: '+15005550101' } });
    const ended = await callReaches(api, done.body.id, ['completed']);
    callId = done.body.id;
    for (const report of ['ringing', 'in-progress', 'busy', 'completed']) {
      expect((await post('status', status(report), { token: simulatorToken() })).status).toBe(204);
    }
    expect(await current()).toEqual(ended);
  });
});
