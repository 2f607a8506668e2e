import { describe, expect, it } from 'vitest';
import { CarrierSimulator, InMemorySimulatedCallStore, scenarioOf } from '#adapters/telephony/carrier-simulator';
import { encodeForm } from '#adapters/telephony/twilio-protocol';

const SID = `AC${'1'.repeat(32)}`;
const auth = `Basic ${Buffer.from(`${SID}:token`).toString('base64')}`;

function simulator() {
  const started: string[] = [];
  const store = new InMemorySimulatedCallStore();
  const sim = new CarrierSimulator({ accountSid: SID, authToken: 'token', store, timeScale: 0, startScenario: async (sid) => void started.push(sid) });
  return { sim, store, started };
}

const create = (sim: CarrierSimulator, params: Record<string, string | string[]>, authorization = auth) =>
  sim.handle({ method: 'POST', path: `/2010-04-01/Accounts/${SID}/Calls.json`, authorization, body: encodeForm(params) });

const valid = { To: '+14155550199', From: '+14155550123', Url: 'https://service.test/answer', StatusCallbackEvent: ['initiated', 'completed'] };

describe('carrier simulator: the Calls API as Twilio publishes it', () => {
  it('creates a call and starts its scenario', async () => {
    const { sim, store, started } = simulator();
    const response = await create(sim, valid);
    expect(response.status).toBe(201);
    const body = JSON.parse(response.body);
    expect(body).toMatchObject({ status: 'queued', to: '+14155550199', from: '+14155550123', direction: 'outbound-api', api_version: '2010-04-01' });
    expect(body.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(started).toEqual([body.sid]);
    expect(await store.get(body.sid)).not.toBeNull();
    const fetched = await sim.handle({ method: 'GET', path: `/2010-04-01/Accounts/${SID}/Calls/${body.sid}.json`, authorization: auth, body: '' });
    expect(JSON.parse(fetched.body).sid).toBe(body.sid);
  });

  it.each([
    ['wrong credentials', valid, 'Basic d3Jvbmc6d3Jvbmc=', 401, 20003],
    ['a missing To', { From: valid.From, Url: valid.Url }, auth, 400, 21201],
    ['a parameter the API does not have', { ...valid, Colour: 'blue' }, auth, 400, 20001],
    ['a non-integer Timeout', { ...valid, Timeout: 'thirty' }, auth, 400, 20001],
    ['a Timeout over 600', { ...valid, Timeout: '601' }, auth, 400, 21626],
    ['an unknown status callback event', { ...valid, StatusCallbackEvent: ['initiated', 'exploded'] }, auth, 400, 21626],
    ['no Url, Twiml or ApplicationSid', { To: valid.To, From: valid.From }, auth, 400, 21205],
    ['the invalid-number test number', { ...valid, To: '+15005550105' }, auth, 400, 21211],
  ])('rejects %s', async (_name, params, authorization, status, code) => {
    const { sim, started } = simulator();
    const response = await create(sim, params, authorization);
    expect(response.status).toBe(status);
    expect(JSON.parse(response.body).code).toBe(code);
    expect(started).toEqual([]);
  });

  it('chooses the documented scenario by number', () => {
    expect(scenarioOf('+15005550100')).toBe('agent_ends');
    expect(scenarioOf('+15005550102')).toBe('no_answer');
    expect(scenarioOf('+15005550104')).toBe('voicemail');
    expect(scenarioOf('+14155550199')).toBe('agent_ends');
  });
});
