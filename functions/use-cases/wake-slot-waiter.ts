import { currentAttempt } from '#domain/call-lifecycle';
import type { CallRepository } from '#ports/call-repository';
import type { Clock } from '#ports/clock';
import type { DialQueue } from '#ports/dispatch';
import type { SlotCounters, SlotWaiter } from '#ports/slot-counters';

export interface SlotWaitDeps {
  calls: CallRepository;
  slotCounters: SlotCounters;
  queue: DialQueue;
  clock: Clock;
  /** A fresh, unguessable token for a waiting call's live dial message (a ULID, say). */
  newWaitToken: () => string;
}

/** Entries looked at per wake-up before giving up: stale ones (dialed, cancelled) are cleared on the way. */
const ENTRIES_PER_WAKE = 10;

/**
 * A slot of the account was just given back (by a call of `freedCampaignId`, or of no campaign):
 * sends the dial message of the account's longest waiting call that the release can let through
 * now, instead of letting it sleep out its backoff: the oldest of the account's list (calls
 * waiting for an account slot) and the list of the campaign whose call gave its slot back (calls
 * waiting for its maxConcurrentCalls; other campaigns' lists wait for their own releases). Its token is replaced first, so the backoff message
 * still in the queue is dropped when it arrives: one live message per call. Entries whose call no
 * longer waits are removed. Resolves with the woken call's id, or null when nobody it can let
 * through waits. Rejects with the store's or the queue's error; a call whose message was not sent
 * keeps its watchdog, so the reconciler sends it (nothing is lost, only late).
 */
export async function wakeSlotWaiter(
  deps: SlotWaitDeps,
  accountId: string,
  freedCampaignId?: string,
): Promise<string | null> {
  // The account's list, and the list of the campaign whose call gave its slot back: the oldest first.
  const lists = await Promise.all([
    deps.slotCounters.oldestWaiters(accountId, ENTRIES_PER_WAKE),
    ...(freedCampaignId ? [deps.slotCounters.oldestWaiters(accountId, ENTRIES_PER_WAKE, freedCampaignId)] : []),
  ]);
  const waiters = lists
    .flat()
    .sort((a, b) => waitOrder(a).localeCompare(waitOrder(b)))
    .slice(0, ENTRIES_PER_WAKE);
  for (const waiter of waiters) {
    const call = await deps.calls.getById(waiter.callId);
    const stillWaiting =
      call !== null &&
      call.accountId === accountId &&
      call.status === 'queued' &&
      currentAttempt(call) === waiter.attempt &&
      call.slotWaitToken === waiter.token;
    if (!call || !stillWaiting) {
      await deps.slotCounters.removeWaiter(accountId, waiter);
      continue;
    }
    const token = deps.newWaitToken();
    // Lost to the call's own dialer, which moved on or waits again under a new entry.
    if (!(await deps.calls.takeOverWait(call, waiter.token, token))) continue;
    await deps.queue.send(
      { callId: call.id, accountId, attempt: waiter.attempt, dueAt: waiter.dueAt, waits: 0, waitToken: token },
      0,
    );
    await deps.slotCounters.removeWaiter(accountId, waiter);
    return call.id;
  }
  return null;
}

/** An entry's place in its list (the lists' sort key: due time, then call and attempt). */
const waitOrder = (waiter: SlotWaiter) => `${waiter.dueAt}#${waiter.callId}#${waiter.attempt}`;
