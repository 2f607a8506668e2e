import { describe, expect, it } from 'vitest';
import { applyCallEvent } from '#use-cases/apply-call-event';
import { dialCall } from '#use-cases/dial-call';
import { dialMessageFor } from '#use-cases/dispatch-call';
import { wakeSlotWaiter } from '#use-cases/wake-slot-waiter';
import { aCall } from '../../support/calls.ts';
import { fakeCallWorld } from '../../support/fakes/call-world.ts';

/** An account with one slot, held by a dialed call, and two more calls waiting for it. */
async function oneSlotTaken() {
  const world = fakeCallWorld({ slotLimit: 1 });
  const [holder, first, second] = [0, 1, 2].map((i) => aCall({}, new Date(world.clock.now().getTime() + i * 1000))) as [
    ReturnType<typeof aCall>,
    ReturnType<typeof aCall>,
    ReturnType<typeof aCall>,
  ];
  for (const call of [holder, first, second]) await world.table.create(call);
  expect(await dialCall(world.deps, dialMessageFor(holder))).toMatchObject({ result: 'dialed' });
  const waiting = [];
  for (const call of [second, first]) {
    const outcome = await dialCall(world.deps, dialMessageFor(call));
    expect(outcome).toMatchObject({ result: 'later', reason: 'no free telephony slot' });
    if (outcome.result === 'later') waiting.push(outcome.message);
  }
  world.queue.sent.length = 0;
  return { ...world, holder, first, second, backoffMessages: waiting };
}

describe('wakeSlotWaiter', () => {
  it('sends the longest-waiting call at once when a slot is given back, and its backoff message is dropped', async () => {
    const { deps, queue, provider, holder, first, backoffMessages } = await oneSlotTaken();
    await applyCallEvent(deps, { callId: holder.id, attempt: 1, event: { kind: 'busy', at: deps.clock.now() } });

    // The first call was due first, so it is woken first, though it started to wait last.
    expect(queue.sent).toEqual([{ message: expect.objectContaining({ callId: first.id, waits: 0 }), delaySeconds: 0 }]);
    const woken = queue.sent[0]?.message;
    const stale = backoffMessages.find((message) => message.callId === first.id);
    expect(woken?.waitToken).not.toBe(stale?.waitToken);
    expect(await dialCall(deps, stale ?? woken!)).toEqual({
      result: 'dropped',
      reason: 'a later message of the call is the live one',
    });
    expect(await dialCall(deps, woken!)).toMatchObject({ result: 'dialed' });
    expect(provider.dialsOf(first.id, 1)).toBe(1);
  });

  it('clears entries of calls that no longer wait, and wakes the next one', async () => {
    const { deps, table, queue, first, second } = await oneSlotTaken();
    const stored = await table.getById(first.id);
    await table.update({ ...stored!, status: 'cancelled', watchdogAt: null }, stored!);
    expect(await wakeSlotWaiter(deps, 'acc_demo')).toBe(second.id);
    expect(queue.sent.map((sent) => sent.message.callId)).toEqual([second.id]);
    expect(await table.oldestWaiters('acc_demo', 10)).toEqual([]);
    expect(await wakeSlotWaiter(deps, 'acc_demo')).toBeNull();
  });

  it('drops an entry its own dialer replaced, and a failed send leaves the woken call queued for the reconciler', async () => {
    const { deps, table, queue, first } = await oneSlotTaken();
    // The call's own message came back and waits again under a new token: the entry read before is stale.
    const [entry] = await table.oldestWaiters('acc_demo', 1);
    await deps.calls.takeOverWait((await table.getById(first.id))!, entry!.token, 'wait_other');
    queue.failWith = new Error('SQS is down');
    await expect(wakeSlotWaiter(deps, 'acc_demo')).rejects.toThrow('SQS is down');
    // The call still waits, with its watchdog ahead: the reconciler sends it if nothing else does.
    expect((await table.getById(first.id))?.status).toBe('queued');
    expect((await table.getById(first.id))?.watchdogAt).not.toBeNull();
  });
});
