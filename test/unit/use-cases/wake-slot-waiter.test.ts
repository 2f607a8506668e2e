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

  it('a release while no call waits looks at no waiting list', async () => {
    const world = fakeCallWorld({ slotLimit: 1 });
    const holder = aCall({}, world.clock.now());
    await world.table.create(holder);
    expect(await dialCall(world.deps, dialMessageFor(holder))).toMatchObject({ result: 'dialed' });
    let looks = 0;
    const oldestWaiters = world.table.oldestWaiters.bind(world.table);
    world.table.oldestWaiters = async (accountId, limit) => {
      looks += 1;
      return oldestWaiters(accountId, limit);
    };
    await applyCallEvent(world.deps, { callId: holder.id, attempt: 1, event: { kind: 'busy', at: world.clock.now() } });
    expect(world.table.activeCalls('acc_demo')).toBe(0);
    expect(looks).toBe(0);
  });

  /**
   * The race: a call starts to wait (no free slot) while the call holding the last slot gives it
   * back. Whichever step of joining the waiting list the release falls before or after, the
   * waiting call is never passed by: either the release wakes it (a message without delay), or
   * its own mark reads the slot given back and it looks again in a second; never only its backoff.
   */
  it.each([
    ['before it moves its watchdog', 'touchWatchdog', 'before'],
    ['between its watchdog and its entry on the list', 'addWaiter', 'before'],
    ['between its entry on the list and its mark', 'markWaiting', 'before'],
    ['after its mark', 'markWaiting', 'after'],
  ] as const)(
    'a call that starts to wait while the last slot is given back is never passed by: release %s',
    async (_when, step, side) => {
      const world = fakeCallWorld({ slotLimit: 1 });
      const { deps, table, queue } = world;
      const [holder, waiter] = [aCall({}, world.clock.now()), aCall({}, world.clock.now())];
      for (const call of [holder, waiter]) await table.create(call);
      expect(await dialCall(deps, dialMessageFor(holder))).toMatchObject({ result: 'dialed' });
      queue.sent.length = 0;

      const release = () =>
        applyCallEvent(deps, { callId: holder.id, attempt: 1, event: { kind: 'busy', at: deps.clock.now() } });
      const target = table as unknown as Record<typeof step, (...args: unknown[]) => Promise<unknown>>;
      const original = target[step].bind(table);
      target[step] = async (...args) => {
        target[step] = original;
        if (side === 'before') await release();
        const result = await original(...args);
        if (side === 'after') await release();
        return result;
      };

      const outcome = await dialCall(deps, dialMessageFor(waiter));
      expect(outcome).toMatchObject({ result: 'later' });
      const woken = queue.sent.filter((sent) => sent.message.callId === waiter.id && sent.delaySeconds === 0);
      const looksAgainAtOnce = outcome.result === 'later' && outcome.delaySeconds <= 1;
      expect(woken.length + (looksAgainAtOnce ? 1 : 0)).toBe(1);
      // Whichever message is live dials it, once.
      const live = woken[0]?.message ?? (outcome.result === 'later' ? outcome.message : undefined);
      expect(await dialCall(deps, live!)).toMatchObject({ result: 'dialed' });
      expect(world.provider.dialsOf(waiter.id, 1)).toBe(1);
    },
  );
});
