import { describe, expect, it } from 'vitest';
import { toTimestamp } from '#domain/time';
import { UpdateCallRequestSchema } from '#schemas/create-call-request';
import { parseOrThrow } from '#schemas/parse';
import { cancelCall } from '#use-cases/cancel-call';
import { dialCall } from '#use-cases/dial-call';
import { dialMessageFor } from '#use-cases/dispatch-call';
import { updateCall } from '#use-cases/update-call';
import { aCall } from '../../support/calls.ts';
import { fakeCallWorld } from '../../support/fakes/call-world.ts';

/** A world with a call scheduled `minutes` from now, and the dial message its schedule carries. */
async function scheduledCall(minutes = 30) {
  const world = fakeCallWorld();
  const call = aCall({ scheduledFor: new Date(world.clock.now().getTime() + minutes * 60_000) }, world.clock.now());
  await world.table.create(call);
  const failures: string[] = [];
  const deps = {
    ...world.deps,
    scheduler: world.scheduler,
    onDispatchFailed: (callId: string) => failures.push(callId),
  };
  const inMinutes = (m: number) => toTimestamp(new Date(world.clock.now().getTime() + m * 60_000));
  return { ...world, deps, failures, call, oldMessage: dialMessageFor(call), inMinutes };
}

describe('updateCall', () => {
  it('changes the fields of a scheduled call and moves the schedule of its attempt to the new time', async () => {
    const { deps, scheduler, call, inMinutes } = await scheduledCall();
    const later = inMinutes(90);
    const updated = await updateCall(deps, 'acc_demo', call.id, {
      scheduledFor: later,
      metadata: { customerId: 'cust_2' },
      overrideFirstMessage: 'Hello again',
      maxRetries: 2,
      retryDelayMinutes: 30,
    });
    expect(updated).toMatchObject({
      id: call.id,
      status: 'scheduled',
      scheduledFor: later,
      metadata: { customerId: 'cust_2' },
      maxRetries: 2,
      retryDelayMinutes: 30,
    });
    expect(scheduler.rescheduled).toEqual([
      {
        message: { callId: call.id, accountId: 'acc_demo', attempt: 1, dueAt: later, waits: 0 },
        fireAt: new Date(Date.parse(later) - 60_000),
      },
    ]);
  });

  it('leaves the schedule alone when the time does not change', async () => {
    const { deps, scheduler, queue, call } = await scheduledCall();
    await updateCall(deps, 'acc_demo', call.id, { metadata: { a: 'b' } });
    expect(scheduler.rescheduled).toEqual([]);
    expect(scheduler.cancelled).toEqual([]);
    expect(queue.sent).toEqual([]);
  });

  it('a new time within two minutes deletes the schedule and sends the call to the dial queue', async () => {
    const { deps, scheduler, queue, call, inMinutes } = await scheduledCall();
    await updateCall(deps, 'acc_demo', call.id, { scheduledFor: inMinutes(1) });
    expect(scheduler.cancelled).toEqual([{ callId: call.id, attempt: 1 }]);
    expect(queue.sent).toEqual([{ message: expect.objectContaining({ dueAt: inMinutes(1) }), delaySeconds: 60 }]);
  });

  it('the old time can never dial the call: its message is dropped, the new one dials it once', async () => {
    const { deps, clock, provider, scheduler, call, oldMessage, inMinutes } = await scheduledCall(30);
    await updateCall(deps, 'acc_demo', call.id, { scheduledFor: inMinutes(90) });
    clock.advance(30 * 60);
    expect(await dialCall(deps, oldMessage)).toEqual({
      result: 'dropped',
      reason: 'message for an earlier scheduledFor',
    });
    expect(provider.placed).toHaveLength(0);
    clock.advance(60 * 60);
    expect(await dialCall(deps, scheduler.rescheduled[0]!.message)).toMatchObject({ result: 'dialed' });
    expect(provider.dialsOf(call.id, 1)).toBe(1);
  });

  it('moved earlier, the call is dialed at the new time and the old schedule’s late fire is dropped', async () => {
    const { deps, clock, provider, queue, call, oldMessage, inMinutes } = await scheduledCall(30);
    await updateCall(deps, 'acc_demo', call.id, { scheduledFor: inMinutes(1) });
    clock.advance(60);
    expect(await dialCall(deps, queue.sent[0]!.message)).toMatchObject({ result: 'dialed' });
    clock.advance(29 * 60);
    expect(await dialCall(deps, oldMessage)).toMatchObject({ result: 'dropped' });
    expect(provider.dialsOf(call.id, 1)).toBe(1);
  });

  it('races the old time’s fire: either the change wins and nothing is dialed, or the dialer wins and the change is a 409', async () => {
    for (let round = 0; round < 20; round++) {
      const { deps, clock, provider, table, call, oldMessage, inMinutes } = await scheduledCall(30);
      clock.advance(30 * 60);
      const newTime = inMinutes(60);
      const [updated, dialed] = await Promise.allSettled([
        updateCall(deps, 'acc_demo', call.id, { scheduledFor: newTime }),
        dialCall(deps, oldMessage),
      ]);
      const stored = await table.getById(call.id);
      if (updated.status === 'fulfilled') {
        expect(provider.placed).toHaveLength(0);
        expect(stored).toMatchObject({ status: 'scheduled', scheduledFor: newTime });
      } else {
        expect(updated.reason).toMatchObject({ kind: 'conflict', code: 'call_not_updatable' });
        expect(dialed).toMatchObject({ status: 'fulfilled', value: { result: 'dialed' } });
        expect(provider.dialsOf(call.id, 1)).toBe(1);
      }
    }
  });

  it('is a 409 once the call is no longer scheduled, a 404 for another account’s call, a 400 for a time long past', async () => {
    const { deps, call, inMinutes } = await scheduledCall();
    await expect(updateCall(deps, 'acc_other', call.id, { maxRetries: 1 })).rejects.toMatchObject({
      kind: 'not_found',
    });
    await expect(updateCall(deps, 'acc_demo', call.id, { scheduledFor: inMinutes(-10) })).rejects.toMatchObject({
      kind: 'invalid_request',
      code: 'scheduled_for_in_past',
      param: 'scheduledFor',
    });
    await cancelCall(deps, 'acc_demo', call.id);
    await expect(updateCall(deps, 'acc_demo', call.id, { maxRetries: 1 })).rejects.toMatchObject({
      kind: 'conflict',
      code: 'call_not_updatable',
    });
  });

  it('answers the change even when the schedule could not be moved, and says so', async () => {
    const { deps, scheduler, failures, call, inMinutes } = await scheduledCall();
    scheduler.failWith = new Error('Scheduler throttled');
    const updated = await updateCall(deps, 'acc_demo', call.id, { scheduledFor: inMinutes(60) });
    expect(updated.scheduledFor).toBe(inMinutes(60));
    expect(failures).toEqual([call.id]);
  });
});

describe('UpdateCallRequestSchema', () => {
  it('takes only the changeable fields, with the create rules, and at least one of them', () => {
    expect(UpdateCallRequestSchema.safeParse({ maxRetries: 3 }).success).toBe(true);
    expect(UpdateCallRequestSchema.safeParse({}).success).toBe(false);
    expect(UpdateCallRequestSchema.safeParse({ maxRetries: 4 }).success).toBe(false);
    expect(UpdateCallRequestSchema.safeParse({ scheduledFor: null }).success).toBe(false);
    expect(UpdateCallRequestSchema.safeParse({ scheduledFor: '2030-01-01T09:00:00' }).success).toBe(false);
    expect(UpdateCallRequestSchema.safeParse({ toNumber: '+14155550199' }).success).toBe(false);
    expect(UpdateCallRequestSchema.safeParse({ overrideFirstMessage: '' }).success).toBe(false);
  });

  it('answers an empty body with 400 empty_update naming the fields, not "must be a JSON object"', () => {
    const refusal = (() => {
      try {
        parseOrThrow(UpdateCallRequestSchema, {}, { noun: 'field' });
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toMatchObject({
      kind: 'invalid_request',
      code: 'empty_update',
      message: 'Send at least one of scheduledFor, metadata, overrideFirstMessage, maxRetries, retryDelayMinutes.',
    });
    expect(() => parseOrThrow(UpdateCallRequestSchema, [], { noun: 'field' })).toThrow('must be a JSON object');
  });
});
