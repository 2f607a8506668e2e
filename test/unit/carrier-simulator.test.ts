import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CarrierSimulator, InMemorySimulatedCallStore, scenarioOf } from '#simulator/carrier-simulator';
import { connectStreamTwiml, encodeForm, HANGUP_TWIML, parseForm, single } from '#adapters/telephony/twilio-protocol';

const SID = `AC${'1'.repeat(32)}`;
const TOKEN = 'token';
const auth = `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`;

interface Received {
  hook: string;
  url: string;
  params: Record<string, string | string[]>;
  signature: string;
}

/** The service's side of the wire: records every request and answers the answer URL with `answer()`. */
let service: {
  origin: string;
  received: Received[];
  answer: (params: Record<string, string | string[]>) => string;
  close: () => Promise<void>;
};
beforeAll(async () => {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const params = parseForm(Buffer.concat(chunks).toString('utf8'));
      const path = (request.url ?? '').split('?')[0] ?? '';
      received.push({
        hook: path,
        url: `${service.origin}${request.url}`,
        params,
        signature: String(request.headers['x-twilio-signature']),
      });
      if (path.endsWith('/answer')) response.writeHead(200, { 'content-type': 'text/xml' }).end(service.answer(params));
      else
        response
          .writeHead(path.endsWith('/stream-ended') ? 200 : 204)
          .end(path.endsWith('/stream-ended') ? HANGUP_TWIML : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  service = {
    origin: `http://localhost:${(server.address() as AddressInfo).port}`,
    received,
    answer: () => HANGUP_TWIML,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
});
afterAll(() => service.close());

function simulator(options: { chaos?: boolean; random?: () => number; timeScale?: number } = {}) {
  const started: string[] = [];
  const store = new InMemorySimulatedCallStore();
  const sim = new CarrierSimulator({
    accountSid: SID,
    authToken: TOKEN,
    store,
    timeScale: 0.001,
    webhookBaseUrl: service.origin,
    startScenario: async (sid) => void started.push(sid),
    ...options,
  });
  return { sim, store, started };
}

const create = (sim: CarrierSimulator, params: Record<string, string | string[]>, authorization = auth) =>
  sim.handle({
    method: 'POST',
    path: `/2010-04-01/Accounts/${SID}/Calls.json`,
    authorization,
    body: encodeForm(params),
  });

const valid = {
  To: '+14155550199',
  From: '+14155550123',
  Url: 'https://service.test/answer',
  StatusCallbackEvent: ['initiated', 'completed'],
};

/** A call as the Twilio adapter places it, to this test's service, run to its end. */
async function runCall(sim: CarrierSimulator, to: string, id: string, overrides: Record<string, string> = {}) {
  const hook = (name: string) => `${service.origin}/telephony/twilio/${name}?callId=${id}&attempt=1`;
  const response = await create(sim, {
    To: to,
    From: '+14155550123',
    Url: hook('answer'),
    Method: 'POST',
    StatusCallback: hook('status'),
    StatusCallbackMethod: 'POST',
    StatusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
    MachineDetection: 'DetectMessageEnd',
    Timeout: '30',
    ...overrides,
  });
  expect(response.status).toBe(201);
  const { sid } = JSON.parse(response.body) as { sid: string };
  await sim.runScenario(sid);
  return { sid, requests: service.received.filter((r) => r.url.includes(`callId=${id}&`)) };
}

/** A small seeded generator, so a failing run can be replayed. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const connectTwiml = (id: string) =>
  connectStreamTwiml('wss://agents.test/s', `${service.origin}/telephony/twilio/stream-ended?callId=${id}&attempt=1`, {
    firstMessage: 'Hi',
  });

describe('carrier simulator: the Calls API as Twilio publishes it', () => {
  it('creates a call and starts its scenario', async () => {
    const { sim, store, started } = simulator();
    const response = await create(sim, valid);
    expect(response.status).toBe(201);
    const body = JSON.parse(response.body);
    expect(body).toMatchObject({
      status: 'queued',
      to: '+14155550199',
      from: '+14155550123',
      direction: 'outbound-api',
      api_version: '2010-04-01',
    });
    expect(body.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(started).toEqual([body.sid]);
    expect(await store.get(body.sid)).not.toBeNull();
    const fetched = await sim.handle({
      method: 'GET',
      path: `/2010-04-01/Accounts/${SID}/Calls/${body.sid}.json`,
      authorization: auth,
      body: '',
    });
    expect(JSON.parse(fetched.body).sid).toBe(body.sid);
  });

  it.each([
    ['wrong credentials', valid, 'Basic d3Jvbmc6d3Jvbmc=', 401, 20003],
    ['a missing To', { From: valid.From, Url: valid.Url }, auth, 400, 21201],
    ['a parameter the API does not have', { ...valid, Colour: 'blue' }, auth, 400, 20001],
    ['a non-integer Timeout', { ...valid, Timeout: 'thirty' }, auth, 400, 20001],
    ['a Timeout over 600', { ...valid, Timeout: '601' }, auth, 400, 21626],
    [
      'an unknown status callback event',
      { ...valid, StatusCallbackEvent: ['initiated', 'exploded'] },
      auth,
      400,
      21626,
    ],
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
    expect(scenarioOf('+15005550107')).toBe('fax');
    expect(scenarioOf('+15005550108')).toBe('voicemail_verdict_on_answer_only');
    expect(scenarioOf('+14155550199')).toBe('agent_ends');
  });
});

describe('carrier simulator: calls back only the service, as strictly as Twilio', () => {
  it('signs every request as Twilio does, and connects valid TwiML to the agent', async () => {
    const { sim, store } = simulator();
    service.answer = () => connectTwiml('plain');
    const { sid, requests } = await runCall(sim, '+15005550100', 'plain');
    expect(requests.map((r) => r.hook.split('/').at(-1))).toEqual([
      'status',
      'status',
      'answer',
      'status',
      'stream-ended',
      'status',
    ]);
    for (const request of requests)
      expect(twilio.validateRequest(TOKEN, request.signature, request.url, request.params)).toBe(true);
    expect((await store.get(sid))?.errorCode).toBeNull();
  });

  it('refuses every URL outside the service’s telephony webhooks, like an unreachable one', async () => {
    const { sim, store } = simulator();
    const foreign = `${service.origin}/elsewhere?callId=foreign&`;
    const { sid } = await runCall(sim, '+15005550100', 'foreign', {
      Url: foreign,
      StatusCallback: 'http://169.254.169.254/latest/meta-data?callId=foreign&',
    });
    expect(service.received.filter((r) => r.url.includes('callId=foreign&'))).toEqual([]);
    expect(await store.get(sid)).toMatchObject({ status: 'completed', errorCode: 11200, answerTwiml: null });
  });

  it('fails the call’s instructions when the TwiML does not parse (Twilio error 12100), and never connects it', async () => {
    const { sim, store } = simulator();
    service.answer = () =>
      '<?xml version="1.0" encoding="UTF-8"?><Response><Connect action="x"><Stream url="wss://a"><Parameter name="firstMessage" value="Hello\u0001 there"/></Stream></Connect></Response>';
    const { sid, requests } = await runCall(sim, '+15005550100', 'badxml');
    expect(await store.get(sid)).toMatchObject({ status: 'completed', errorCode: 12100 });
    expect(requests.some((r) => r.hook.endsWith('/stream-ended'))).toBe(false);
  });

  it('reports a fax machine on the answer request and on status callbacks', async () => {
    const { sim } = simulator();
    service.answer = () => HANGUP_TWIML;
    const { requests } = await runCall(sim, '+15005550107', 'fax');
    const answer = requests.find((r) => r.hook.endsWith('/answer'));
    expect(single(answer?.params ?? {}, 'AnsweredBy')).toBe('fax');
    expect(
      requests.filter((r) => single(r.params, 'CallStatus') === 'completed').map((r) => single(r.params, 'AnsweredBy')),
    ).toEqual(['fax']);
  });

  it('gives the answering machine verdict only on the answer request for +15005550108', async () => {
    const { sim } = simulator();
    service.answer = () => connectTwiml('amdanswer');
    const { requests } = await runCall(sim, '+15005550108', 'amdanswer');
    const withVerdict = requests.filter((r) => single(r.params, 'AnsweredBy') !== undefined);
    expect(withVerdict.map((r) => [r.hook.split('/').at(-1), single(r.params, 'AnsweredBy')])).toEqual([
      ['answer', 'machine_end_beep'],
    ]);
  });
});

describe('carrier simulator: chaos mode, the network at its worst', () => {
  it('duplicates, delays and reorders callbacks, signs without the port, omits CallDuration and AnsweredBy, skews clocks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        const { sim } = simulator({ chaos: true, random: seeded(seed) });
        const id = `chaos${seed}`;
        service.answer = () => connectTwiml(id);
        const started = Date.now();
        const { requests } = await runCall(sim, '+15005550104', id);
        const statuses = requests.filter((r) => r.hook.endsWith('/status'));
        for (const request of requests) {
          // Valid as Twilio's helper library checks it, at the URL the service was reached at.
          expect(twilio.validateRequest(TOKEN, request.signature, request.url, request.params)).toBe(true);
        }
        for (const status of statuses) {
          expect(status.params.AnsweredBy).toBeUndefined();
          expect(status.params.CallDuration).toBeUndefined();
          expect(Math.abs(Date.parse(single(status.params, 'Timestamp') ?? '') - started)).toBeLessThanOrEqual(
            601_000 + (Date.now() - started),
          );
        }
        expect(single(requests.find((r) => r.hook.endsWith('/answer'))?.params ?? {}, 'AnsweredBy')).toBe(
          'machine_end_beep',
        );
        // Every report arrives at least once; none is lost in chaos mode.
        expect(new Set(statuses.map((s) => single(s.params, 'CallStatus')))).toEqual(
          new Set(['initiated', 'ringing', 'in-progress', 'completed']),
        );
        return true;
      }),
      { numRuns: 10 },
    );
  });

  it('over many calls, does each of its tricks at least once', async () => {
    // Slow enough that the chaos delays (up to 100 ms here) dwarf a loaded machine's timer jitter.
    const { sim } = simulator({ chaos: true, random: seeded(42), timeScale: 0.02 });
    const statuses: Received[] = [];
    for (let i = 0; i < 8; i++) {
      service.answer = () => connectTwiml(`many${i}`);
      const { requests } = await runCall(sim, '+15005550100', `many${i}`);
      const reports = requests.filter((r) => r.hook.endsWith('/status'));
      statuses.push(...reports);
      const sequence = reports.map((r) => Number(single(r.params, 'SequenceNumber')));
      expect(sequence.length).toBeGreaterThanOrEqual(4);
    }
    const sequences = statuses.map((r) => `${single(r.params, 'CallSid')}#${single(r.params, 'SequenceNumber')}`);
    expect(new Set(sequences).size).toBeLessThan(sequences.length); // duplicated
    const seen = new Map<string, number>();
    const reordered = statuses.some((r) => {
      const [sid, sequence] = [String(single(r.params, 'CallSid')), Number(single(r.params, 'SequenceNumber'))];
      const overtaken = sequence < (seen.get(sid) ?? -1);
      seen.set(sid, Math.max(sequence, seen.get(sid) ?? -1));
      return overtaken;
    });
    expect(reordered).toBe(true);
    const signedWithoutPort = statuses.some(
      (r) => twilio.getExpectedTwilioSignature(TOKEN, r.url.replace(/:\d+\//, '/'), r.params) === r.signature,
    );
    expect(signedWithoutPort).toBe(true);
    const skewed = statuses.some(
      (r) => Math.abs(Date.parse(single(r.params, 'Timestamp') ?? '') - Date.now()) > 60_000,
    );
    expect(skewed).toBe(true);
  });
});
