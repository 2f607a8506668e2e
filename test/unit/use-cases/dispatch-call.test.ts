import { describe, expect, it } from 'vitest';
import { dialMessageFor, dispatchCall, SCHEDULE_LEAD_SECONDS } from '#use-cases/dispatch-call';
import { aCall } from '../../support/calls.ts';
import { fakeCallWorld } from '../../support/fakes/call-world.ts';

describe('dispatchCall', () => {
  it('sends a queued call to the dial queue now, for its current attempt', async () => {
    const { deps, queue, scheduler, clock } = fakeCallWorld();
    const call = { ...aCall({}, clock.now()), retryCount: 2 };
    await dispatchCall(deps, call);
    expect(queue.sent).toEqual([{ message: dialMessageFor(call), delaySeconds: 0 }]);
    expect(queue.sent[0]?.message).toMatchObject({ attempt: 3, waits: 0 });
    expect(scheduler.scheduled).toEqual([]);
  });

  it('gives a call due later a schedule that fires a minute early', async () => {
    const { deps, queue, scheduler, clock } = fakeCallWorld();
    const dueAt = new Date(clock.now().getTime() + 3_600_000);
    const call = aCall({ scheduledFor: dueAt }, clock.now());
    await dispatchCall(deps, call);
    expect(scheduler.scheduled).toEqual([
      { message: dialMessageFor(call), fireAt: new Date(dueAt.getTime() - SCHEDULE_LEAD_SECONDS * 1000) },
    ]);
    expect(queue.sent).toEqual([]);
  });

  it('sends nothing for a call that no longer waits to be dialed', async () => {
    const { deps, queue, scheduler, clock } = fakeCallWorld();
    await dispatchCall(deps, { ...aCall({}, clock.now()), status: 'initiating' });
    await dispatchCall(deps, { ...aCall({}, clock.now()), status: 'cancelled' });
    expect([...queue.sent, ...scheduler.scheduled]).toEqual([]);
  });
});
