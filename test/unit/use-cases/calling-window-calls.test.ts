import { callingWindowRules } from '#domain/calling-window';
import { describe, expect, it } from 'vitest';
import { applyProviderEvent } from '#domain/call-lifecycle';
import { ServiceError } from '#domain/errors';
import type { CallingWindow } from '#schemas/calling-window';
import type { CreateCallRequest } from '#schemas/create-call-request';
import { applyCallEvent } from '#use-cases/apply-call-event';
import { createCall } from '#use-cases/create-call';
import { dialCall } from '#use-cases/dial-call';
import { dialMessageFor } from '#use-cases/dispatch-call';
import { fakeCallWorld, LIMITS } from '../../support/fakes/call-world.ts';
import { FakeDirectory } from '../../support/fakes/directory.ts';

const AGENT = 'agt_01HXK8Z3MNPQRS';
/** Weekdays 09:00–17:00 in New York. */
const WINDOW: CallingWindow = {
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  start: '09:00',
  end: '17:00',
  timeZone: 'America/New_York',
};

/** A world whose clock reads `at`, with the demo agent, and a create that takes a request body. */
function world(at: string) {
  const base = fakeCallWorld({ at: new Date(at) });
  const directory = new FakeDirectory();
  directory.addAgent('acc_demo', AGENT, ['+14155550123']);
  const deps = { ...base.deps, directory, onDispatchFailed: () => undefined };
  const create = (request: Partial<CreateCallRequest> = {}) => {
    const body = { agentId: AGENT, toNumber: '+12125550199', ...request };
    return createCall(deps, {
      caller: { accountId: 'acc_demo', keyMode: 'test', keyId: 'key_1' },
      request: body,
      rawRequest: body,
    });
  };
  const setClock = (iso: string) => {
    base.clock.at = new Date(iso);
  };
  return { ...base, deps, create, setClock };
}

async function refusal(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceError);
  return error as ServiceError;
}

describe('calls with a calling window', () => {
  it('moves a call created outside its window to the next opening (Friday 18:00 → Monday 09:00 New York)', async () => {
    const { create, table, scheduler } = world('2027-06-04T22:00:00Z');
    const { call } = await create({ callingWindow: WINDOW });
    expect(call).toMatchObject({ status: 'scheduled', scheduledFor: '2027-06-07T13:00:00Z', callingWindow: WINDOW });
    expect((await table.getById(call.id))?.windowZones).toEqual(['America/New_York']);
    expect(scheduler.scheduled.map((s) => s.message.dueAt)).toEqual(['2027-06-07T13:00:00Z']);
  });

  it('keeps a call due inside its window as asked: queued now, or at its scheduledFor', async () => {
    const { create } = world('2027-06-07T14:00:00Z');
    expect((await create({ callingWindow: WINDOW })).call).toMatchObject({ status: 'queued', scheduledFor: null });
    const later = await create({ callingWindow: WINDOW, scheduledFor: '2027-06-07T18:00:00Z' });
    expect(later.call).toMatchObject({ status: 'scheduled', scheduledFor: '2027-06-07T18:00:00Z' });
  });

  it('takes the callee zone from the area code, and refuses a number whose zone it cannot tell', async () => {
    const { create, table } = world('2027-06-07T14:00:00Z');
    // +1 415 is San Francisco: 07:00 PDT is before the window, which opens at 09:00 PDT (16:00Z).
    const { call } = await create({ toNumber: '+14155550199', callingWindow: { ...WINDOW, timeZone: 'callee' } });
    expect(call).toMatchObject({ status: 'scheduled', scheduledFor: '2027-06-07T16:00:00Z' });
    expect((await table.getById(call.id))?.windowZones).toEqual(['America/Los_Angeles']);
    const unknown = await refusal(
      create({ toNumber: '+15005550100', callingWindow: { ...WINDOW, timeZone: 'callee' } }),
    );
    expect(unknown).toMatchObject({ kind: 'invalid_request', code: 'callee_time_zone_unknown', param: 'toNumber' });
  });

  it('holds a call the queue delivered after the window closed, then dials it at the next opening', async () => {
    const { create, deps, table, provider, scheduler, setClock } = world('2027-06-07T20:59:00Z');
    const { call } = await create({ callingWindow: WINDOW });
    expect(call.status).toBe('queued');
    // The message arrives at 17:00:30 New York: past the end of the window.
    setClock('2027-06-07T21:00:30Z');
    const held = await dialCall(deps, dialMessageFor((await table.getById(call.id))!));
    expect(held).toMatchObject({ result: 'dropped' });
    expect(provider.placed).toHaveLength(0);
    const stored = await table.getById(call.id);
    expect(stored).toMatchObject({ status: 'scheduled', scheduledFor: '2027-06-08T13:00:00Z', retryCount: 0 });
    expect(scheduler.scheduled.at(-1)?.message).toMatchObject({ attempt: 1, dueAt: '2027-06-08T13:00:00Z' });
    // Next morning, 09:00 New York: the schedule's message dials it.
    setClock('2027-06-08T13:00:00Z');
    const message = scheduler.scheduled.at(-1)!.message;
    expect(await dialCall(deps, message)).toMatchObject({ result: 'dialed' });
    expect(provider.dialsOf(call.id, 1)).toBe(1);
  });

  it('moves a no-answer retry that would land after the window closes to the next opening', async () => {
    const { create, deps, table, setClock } = world('2027-06-07T20:50:00Z');
    const { call } = await create({ callingWindow: WINDOW, maxRetries: 1, retryDelayMinutes: 15 });
    expect(await dialCall(deps, dialMessageFor((await table.getById(call.id))!))).toMatchObject({ result: 'dialed' });
    setClock('2027-06-07T20:51:00Z');
    await applyCallEvent(deps, {
      callId: call.id,
      attempt: 1,
      event: { kind: 'no_answer', at: new Date('2027-06-07T20:51:00Z') },
    });
    // 16:51 + 15 minutes is 17:06 New York, after the window: the retry is due Tuesday 09:00.
    expect(await table.getById(call.id)).toMatchObject({
      status: 'scheduled',
      retryCount: 1,
      scheduledFor: '2027-06-08T13:00:00Z',
    });
  });

  it('refuses a window that never opens for the call', async () => {
    const { create } = world('2027-06-07T14:00:00Z');
    const never = await refusal(
      create({
        callingWindow: {
          ...WINDOW,
          blackoutDates: [
            { from: '2027-06-07', to: '2028-06-06' },
            { from: '2028-06-07', to: '2029-06-06' },
            { from: '2029-06-07', to: '2029-12-31' },
          ],
        },
      }),
    );
    expect(never).toMatchObject({ code: 'calling_window_never_open', param: 'callingWindow' });
  });
});

describe('retry policy per outcome', () => {
  it('retries busy and a retryable failure as the policy says, and never an invalid number', async () => {
    const { create, deps, table } = world('2027-06-07T14:00:00Z');
    const policy = { busy: { maxRetries: 1, delayMinutes: 10 }, failed: { maxRetries: 1, delayMinutes: 5 } };
    const { call } = await create({ retryPolicy: policy });
    expect(call.retryPolicy).toEqual(policy);
    const stored = await table.getById(call.id);
    await dialCall(deps, dialMessageFor(stored!));
    const dialed = (await table.getById(call.id))!;
    const now = new Date('2027-06-07T14:00:30Z');
    const busy = applyProviderEvent(dialed, { kind: 'busy', at: now }, now, LIMITS, callingWindowRules);
    expect(busy).toMatchObject({ status: 'scheduled', retryCount: 1, scheduledFor: '2027-06-07T14:10:30Z' });
    // A second busy has no retries left for busy.
    const again = {
      ...busy!,
      status: 'initiating' as const,
      attempts: [
        ...busy!.attempts,
        { ...busy!.attempts[0]!, attempt: 2, status: 'initiating' as const, endReason: null },
      ],
    };
    expect(applyProviderEvent(again, { kind: 'busy', at: now }, now, LIMITS, callingWindowRules)).toMatchObject({
      status: 'busy',
    });
    const failed = applyProviderEvent(
      dialed,
      { kind: 'failed', at: now, reason: 'provider_error' },
      now,
      LIMITS,
      callingWindowRules,
    );
    expect(failed).toMatchObject({ status: 'scheduled', scheduledFor: '2027-06-07T14:05:30Z' });
    const invalid = applyProviderEvent(
      dialed,
      { kind: 'failed', at: now, reason: 'invalid_number' },
      now,
      LIMITS,
      callingWindowRules,
    );
    expect(invalid).toMatchObject({ status: 'failed', endReason: 'invalid_number' });
  });

  it('takes retryPolicy.no_answer as maxRetries/retryDelayMinutes, and refuses both at once', async () => {
    const { create } = world('2027-06-07T14:00:00Z');
    const { call } = await create({ retryPolicy: { no_answer: { maxRetries: 2, delayMinutes: 30 } } });
    expect(call).toMatchObject({ maxRetries: 2, retryDelayMinutes: 30 });
    const both = await refusal(
      create({ maxRetries: 1, retryPolicy: { no_answer: { maxRetries: 2, delayMinutes: 30 } } }),
    );
    expect(both).toMatchObject({ code: 'conflicting_retry_settings', param: 'retryPolicy.no_answer' });
  });
});

describe('the suppression list', () => {
  it('refuses a call to a suppressed number (422 number_suppressed)', async () => {
    const { create, suppressions } = world('2027-06-07T14:00:00Z');
    await suppressions.add('acc_demo', {
      phoneNumber: '+12125550199',
      reason: null,
      createdAt: '2027-06-07T13:00:00Z',
    });
    const refused = await refusal(create());
    expect(refused).toMatchObject({ kind: 'unprocessable', code: 'number_suppressed', param: 'toNumber' });
  });

  it('never dials a number suppressed after its call was scheduled: cancelled, endReason suppressed', async () => {
    const { create, deps, table, provider, suppressions, setClock } = world('2027-06-07T14:00:00Z');
    const { call } = await create({ scheduledFor: '2027-06-07T15:00:00Z' });
    await suppressions.add('acc_demo', {
      phoneNumber: '+12125550199',
      reason: 'asked',
      createdAt: '2027-06-07T14:01:00Z',
    });
    setClock('2027-06-07T15:00:00Z');
    expect(await dialCall(deps, dialMessageFor((await table.getById(call.id))!))).toMatchObject({
      result: 'not_placed',
    });
    expect(provider.placed).toHaveLength(0);
    expect(await table.getById(call.id)).toMatchObject({ status: 'cancelled', endReason: 'suppressed' });
  });
});
