import { describe, expect, it } from 'vitest';
import { ConcurrentModificationError, ServiceError } from '#domain/errors';
import { cancelCall } from '#use-cases/cancel-call';
import { dialCall } from '#use-cases/dial-call';
import { dialMessageFor } from '#use-cases/dispatch-call';
import { aCall } from '../../support/calls.ts';
import { fakeCallWorld } from '../../support/fakes/call-world.ts';

describe('cancelCall', () => {
  it('cancels a scheduled call and deletes the schedule of its current attempt', async () => {
    const world = fakeCallWorld();
    const call = aCall({ scheduledFor: new Date(world.clock.now().getTime() + 3_600_000) }, world.clock.now());
    await world.table.create(call);
    const cancelled = await cancelCall(world.deps, 'acc_demo', call.id);
    expect(cancelled).toMatchObject({ id: call.id, status: 'cancelled', endReason: 'cancelled' });
    expect(world.scheduler.cancelled).toEqual([{ callId: call.id, attempt: 1 }]);
  });

  it('answers a cancelled call even when its schedule could not be deleted, and says so', async () => {
    const world = fakeCallWorld();
    const call = aCall({ scheduledFor: new Date(world.clock.now().getTime() + 3_600_000) }, world.clock.now());
    await world.table.create(call);
    world.scheduler.failWith = new Error('Scheduler throttled');
    const leftBehind: string[] = [];
    const cancelled = await cancelCall(
      { ...world.deps, onScheduleLeftBehind: (callId) => leftBehind.push(callId) },
      'acc_demo',
      call.id,
    );
    expect(cancelled.status).toBe('cancelled');
    expect(leftBehind).toEqual([call.id]);
  });

  it('is a 404 for another account’s call or an id that cannot be one, and a 409 past cancelling', async () => {
    const world = fakeCallWorld();
    const call = aCall({}, world.clock.now());
    await world.table.create(call);
    await expect(cancelCall(world.deps, 'acc_other', call.id)).rejects.toMatchObject({ kind: 'not_found' });
    await expect(cancelCall(world.deps, 'acc_demo', 'not-an-id')).rejects.toMatchObject({ kind: 'not_found' });
    await dialCall(world.deps, dialMessageFor(call));
    const error = await cancelCall(world.deps, 'acc_demo', call.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({ kind: 'conflict', message: expect.stringContaining('is initiating') });
  });

  it('a cancel racing the dialer: exactly one wins, and a cancelled call is never dialed', async () => {
    const world = fakeCallWorld();
    const call = aCall({}, world.clock.now());
    await world.table.create(call);
    const [cancelled, dialed] = await Promise.allSettled([
      cancelCall(world.deps, 'acc_demo', call.id),
      dialCall(world.deps, dialMessageFor(call)),
    ]);
    const stored = await world.table.getById(call.id);
    if (cancelled.status === 'fulfilled') {
      expect(stored?.status).toBe('cancelled');
      expect(world.provider.placed).toHaveLength(0);
    } else {
      expect(cancelled.reason).toMatchObject({ kind: 'conflict' });
      expect(dialed).toMatchObject({ status: 'fulfilled', value: { result: 'dialed' } });
      expect(world.provider.placed).toHaveLength(1);
    }
  });

  it('judges again after losing a race, and rethrows the conflict when the call never holds still', async () => {
    const world = fakeCallWorld();
    const call = aCall({}, world.clock.now());
    await world.table.create(call);
    world.table.update = async (next) => {
      throw new ConcurrentModificationError('Call', next.id);
    };
    await expect(cancelCall(world.deps, 'acc_demo', call.id)).rejects.toBeInstanceOf(ConcurrentModificationError);
  });
});
