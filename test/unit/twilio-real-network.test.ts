import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseForm, single } from '#adapters/telephony/twilio-protocol';
import { startDial } from '#domain/call-lifecycle';
import { TwilioProvider } from '#adapters/telephony/twilio-provider';
import type { StoredCall } from '#schemas/call';
import { answerCall } from '#use-cases/answer-call';
import { applyCallEvent } from '#use-cases/apply-call-event';
import { dialCall } from '#use-cases/dial-call';
import { reconcile } from '#use-cases/reconcile';
import { dialMessageFor } from '#use-cases/dispatch-call';
import { aCall } from '../support/calls.ts';
import { LIMITS, fakeCallWorld } from '../support/fakes/call-world.ts';
import { FakeDirectory } from '../support/fakes/directory.ts';

/**
 * The Twilio adapter and the dialer against what the real Calls API and phone network do, which
 * the carrier simulator never does: answer slowly, cut a response short, refuse with 429, name a
 * problem with the caller ID rather than the destination, and answer the call before the answer
 * URL is requested (synchronous AMD blocks the answer request until detection ends).
 */

const ACCOUNT = { accountSid: `AC${'0'.repeat(32)}`, authToken: 'token' };
const SID = `CA${'a'.repeat(32)}`;

type Behaviour = (request: IncomingMessage, response: ServerResponse) => void;

/** A stand-in for api.twilio.com: records every create it receives, and answers as told. */
let server: Server;
let baseUrl: string;
let behaviour: Behaviour;
const creates: Array<Record<string, string | string[]>> = [];

// A server of its own per test (a new port, so no connection kept alive by the last test is reused).
beforeEach(async () => {
  creates.length = 0;
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      if (request.method === 'POST') creates.push(parseForm(body));
      behaviour(request, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const twilioJson = (response: ServerResponse, status: number, body: object, headers: Record<string, string> = {}) => {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
};
/** Twilio created the call, but its answer does not arrive in time (a slow region, a lost packet). */
const createdButSlow: Behaviour = () => undefined;
/** Twilio created the call and said so (201), but the body was cut short on the way. */
const createdBodyCut: Behaviour = (_request, response) => {
  response.writeHead(201, { 'content-type': 'application/json' });
  response.write(`{"sid":"${SID}","status":"queu`);
};

const provider = () =>
  new TwilioProvider({
    apiBaseUrl: baseUrl,
    account: async () => ACCOUNT,
    webhookBaseUrl: 'https://api.example.com',
    ringTimeoutSeconds: 30,
    maxCallDurationSeconds: 600,
    requestTimeoutMs: 300,
  });

/** The fake world with the real Twilio adapter (over HTTP to the stand-in) as both providers. */
async function worldWithTwilio(overrides: Parameters<typeof aCall>[0] = {}) {
  const world = fakeCallWorld();
  const twilio = provider();
  const directory = new FakeDirectory();
  directory.addAgent('acc_demo', 'agt_01HXK8Z3MNPQRS', ['+14155550123'], 'Hi from the agent');
  const deps = { ...world.deps, providers: { live: twilio, test: twilio }, directory };
  const call = aCall(overrides, world.clock.now());
  await world.table.create(call);
  return { ...world, deps, call };
}

describe('create-call outcomes Twilio can give that the simulator never does', () => {
  it('never creates a second Twilio call for a person when the first create timed out (retryPolicy.failed)', async () => {
    behaviour = createdButSlow;
    const { deps, table, clock, call } = await worldWithTwilio({
      retryPolicy: { failed: { maxRetries: 1, delayMinutes: 1 } },
    });
    await dialCall(deps, dialMessageFor(call));
    // Twilio received the create: the person's phone is ringing now.
    expect(creates).toHaveLength(1);
    const afterTimeout = (await table.getById(call.id)) as StoredCall;

    clock.advance(61);
    if (afterTimeout.status === 'scheduled') await dialCall(deps, dialMessageFor(afterTimeout));
    expect(
      creates.map((form) => single(form, 'To')),
      `the call was left ${afterTimeout.status}/${afterTimeout.endReason} after the timeout`,
    ).toEqual([call.toNumber]);
  });

  it('connects the person who answers the call whose create timed out, rather than hanging up on them', async () => {
    behaviour = createdButSlow;
    const { deps, table, call } = await worldWithTwilio();
    const outcome = await dialCall(deps, dialMessageFor(call));
    expect(creates, JSON.stringify({ outcome, stored: await table.getById(call.id) })).toHaveLength(1);
    // Twilio rings the person and, when they answer, requests the answer URL of attempt 1.
    const session = await answerCall(deps, { callId: call.id, attempt: 1, answeredBy: 'human', providerCallId: SID });
    const stored = (await table.getById(call.id)) as StoredCall;
    expect(
      session,
      `the call is ${stored.status}/${stored.endReason}: the answer request gets <Hangup/>`,
    ).not.toBeNull();
  });

  it('never reports a call Twilio answered 201 Created for as not placed', async () => {
    behaviour = createdBodyCut;
    const result = await provider().placeCall({
      callId: 'obc_1',
      attempt: 1,
      to: '+14155550199',
      from: '+14155550123',
    });
    expect(creates).toHaveLength(1);
    expect(result, JSON.stringify(result)).not.toMatchObject({ placed: false });
  });

  it('reports a 5xx as an unknown outcome (Twilio may have created the call), a refusal with a code as not placed', async () => {
    behaviour = (_request, response) => twilioJson(response, 503, { code: 20500, message: 'Internal error' });
    const request = { callId: 'obc_1', attempt: 1, to: '+14155550199', from: '+14155550123' };
    expect(await provider().placeCall(request)).toMatchObject({ placed: 'unknown' });
    behaviour = (_request, response) =>
      twilioJson(response, 400, { code: 21211, message: "The 'To' number is not a valid phone number." });
    expect(await provider().placeCall(request)).toMatchObject({ placed: false, reason: 'invalid_number' });
    behaviour = (_request, response) => twilioJson(response, 201, { sid: SID, status: 'queued' });
    expect(await provider().placeCall(request)).toEqual({ placed: true, providerCallId: SID });
  });

  it('reports a request that never left (nothing listening, no credentials) as one to make later: nothing was created', async () => {
    const request = { callId: 'obc_1', attempt: 1, to: '+14155550199', from: '+14155550123' };
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const refused = new TwilioProvider({
      apiBaseUrl: deadUrl,
      account: async () => ACCOUNT,
      webhookBaseUrl: 'https://api.example.com',
      ringTimeoutSeconds: 30,
      maxCallDurationSeconds: 600,
      requestTimeoutMs: 2_000,
    });
    expect(await refused.placeCall(request)).toMatchObject({ placed: 'later', retryAfterSeconds: null });
    const noCredentials = new TwilioProvider({
      apiBaseUrl: baseUrl,
      account: async () => {
        throw new Error('secret not readable');
      },
      webhookBaseUrl: 'https://api.example.com',
      ringTimeoutSeconds: 30,
      maxCallDurationSeconds: 600,
    });
    expect(await noCredentials.placeCall(request)).toMatchObject({ placed: 'later' });
    expect(creates).toHaveLength(0);
  });

  it('settles an attempt whose create timed out from the reports Twilio sends for it, learning its CallSid', async () => {
    behaviour = createdButSlow;
    const { deps, table, call } = await worldWithTwilio();
    expect(await dialCall(deps, dialMessageFor(call))).toMatchObject({ result: 'placed_unknown' });
    expect(await table.getById(call.id)).toMatchObject({ status: 'initiating', providerCallId: null, endReason: null });
    await applyCallEvent(deps, {
      callId: call.id,
      attempt: 1,
      event: { kind: 'ringing', at: deps.clock.now() },
      providerCallId: SID,
    });
    expect(await table.getById(call.id)).toMatchObject({ status: 'ringing', providerCallId: SID });
  });

  it('ends an attempt whose create timed out and of which Twilio never reported, once its reports are overdue, without calling again', async () => {
    behaviour = createdButSlow;
    const { deps, table, clock, call } = await worldWithTwilio();
    await dialCall(deps, dialMessageFor(call));
    // Within ring time plus the longest call, Twilio may still report: the reconciler waits.
    clock.advance(LIMITS.ringTimeoutSeconds + LIMITS.maxCallDurationSeconds);
    await reconcile(deps);
    expect(await table.getById(call.id)).toMatchObject({ status: 'initiating' });
    clock.advance(3 * LIMITS.watchdogGraceSeconds);
    await reconcile(deps);
    expect(await table.getById(call.id)).toMatchObject({ status: 'failed', endReason: 'dial_timeout' });
    expect(creates).toHaveLength(1);
  });

  it('does not end a call on 429 Too Many Requests (20429, nothing created): it waits the Retry-After and is dialed again, once', async () => {
    const { deps, table, call } = await worldWithTwilio();
    behaviour = (_request, response) =>
      twilioJson(response, 429, { code: 20429, message: 'Too Many Requests', status: 429 }, { 'retry-after': '7' });
    const deferred = await dialCall(deps, dialMessageFor(call));
    expect(deferred).toMatchObject({ result: 'later', delaySeconds: 7, message: { attempt: 1, deferrals: 1 } });
    // Back to waiting as before the gate: no attempt recorded, its telephony slot given back.
    expect(await table.getById(call.id)).toMatchObject({
      status: 'queued',
      attempts: [],
      initiatedAt: null,
      endReason: null,
    });
    expect(await table.listAll()).toContainEqual({ accountId: 'acc_demo', activeCalls: 0 });
    behaviour = (_request, response) => twilioJson(response, 201, { sid: SID, status: 'queued' });
    if (deferred.result !== 'later') throw new Error('not deferred');
    expect(await dialCall(deps, deferred.message)).toMatchObject({ result: 'dialed', providerCallId: SID });
    expect(await table.getById(call.id)).toMatchObject({ status: 'initiating', providerCallId: SID });
    expect(creates).toHaveLength(2);
  });

  it('fails an attempt the provider keeps deferring, after five deferrals (provider_error)', async () => {
    const { deps, table, call } = await worldWithTwilio();
    behaviour = (_request, response) => twilioJson(response, 429, { code: 20429, message: 'Too Many Requests' });
    let message = dialMessageFor(call);
    for (let i = 1; i <= 5; i++) {
      const outcome = await dialCall(deps, message);
      expect(outcome).toMatchObject({ result: 'later', message: { deferrals: i } });
      if (outcome.result === 'later') message = outcome.message;
    }
    expect(await dialCall(deps, message)).toEqual({ result: 'not_placed', reason: 'provider_error' });
    expect(await table.getById(call.id)).toMatchObject({ status: 'failed', endReason: 'provider_error' });
    expect(creates).toHaveLength(6);
  });

  it('does not blame the destination number for a problem with the caller ID (21210: From not verified)', async () => {
    behaviour = (_request, response) =>
      twilioJson(response, 400, {
        code: 21210,
        message: 'The source phone number provided, +14155550123, is not yet verified for your account.',
        status: 400,
      });
    const result = await provider().placeCall({
      callId: 'obc_1',
      attempt: 1,
      to: '+14155550199',
      from: '+14155550123',
    });
    expect(result).toMatchObject({ placed: false, reason: 'provider_error' });
  });
});

describe('the call resource as the reconciler reads it', () => {
  it('keeps a machine verdict that the call resource gives as `machine` (its documented values: human or machine)', async () => {
    behaviour = (_request, response) =>
      twilioJson(response, 200, {
        sid: SID,
        status: 'completed',
        end_time: 'Tue, 31 Aug 2010 20:36:44 +0000',
        duration: '15',
        answered_by: 'machine',
      });
    const outcome = await provider().fetchOutcome(SID);
    expect(outcome).toMatchObject({ kind: 'completed', answeredBy: expect.stringMatching(/^machine/) });
  });
});
describe('timing of an answered call when answering machine detection blocks the answer request', () => {
  it('ends a call that Twilio cut at TimeLimit as max_duration, though detection took 3 s after the pickup (before: customer_ended)', async () => {
    const world = fakeCallWorld();
    const directory = new FakeDirectory();
    directory.addAgent('acc_demo', 'agt_01HXK8Z3MNPQRS', ['+14155550123'], 'Hi');
    const deps = { ...world.deps, directory };
    const queued = aCall({}, world.clock.now());
    await world.table.create(queued);
    await world.table.update(startDial(queued, world.clock.now(), 'conv_1', LIMITS) as StoredCall, queued);
    // The person picks up at `pickup`; with MachineDetection=DetectMessageEnd Twilio requests the
    // answer URL only when detection ends ("blocks the execution of the call until Answering Machine
    // Detection is completed", AsyncAmd in reference/twilio-calls-openapi.json), here 3 s later.
    world.clock.advance(10);
    const pickup = world.clock.now();
    world.clock.advance(3);
    await answerCall(deps, { callId: queued.id, attempt: 1, answeredBy: 'human', providerCallId: SID });
    // TimeLimit (= maxCallDurationSeconds) is counted from the pickup: Twilio ends the call then.
    world.clock.advance(LIMITS.maxCallDurationSeconds - 3);
    const end = world.clock.now();
    expect((end.getTime() - pickup.getTime()) / 1000).toBe(LIMITS.maxCallDurationSeconds);
    await applyCallEvent(deps, {
      callId: queued.id,
      attempt: 1,
      event: { kind: 'completed', at: end, durationSeconds: LIMITS.maxCallDurationSeconds },
      providerCallId: SID,
    });
    // Ended by TimeLimit (Twilio's count); the call's own times still say when the agent was connected.
    const ended = (await world.table.getById(queued.id)) as StoredCall;
    expect({ endReason: ended.endReason, durationSeconds: ended.durationSeconds }).toEqual({
      endReason: 'max_duration',
      durationSeconds: LIMITS.maxCallDurationSeconds - 3,
    });
  });
});
