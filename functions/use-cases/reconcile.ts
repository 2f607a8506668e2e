import { currentAttempt, markLost, reportDeadline, watchdogAt } from '#domain/call-lifecycle';
import { awaitsDial, holdsSlot } from '#domain/call-status-machine';
import { ConcurrentModificationError } from '#domain/errors';
import { toTimestamp } from '#domain/time';
import type { StoredCall } from '#schemas/call';
import type { ReconcilerQueries } from '#ports/reconciler-queries';
import type { UpdateEffects } from '#ports/call-repository';
import type { SlotCounters } from '#ports/slot-counters';
import type { TelephonyProviders } from '#ports/telephony';
import type { CampaignStore } from '#ports/campaign-store';
import type { CampaignSweeps } from '#ports/campaign-sweeps';
import { applyCallEvent, wakeAfterSlotFreed, type CallEventDeps } from './apply-call-event.ts';
import { callingWindowRulesFor } from './calling-window-rules.ts';
import { dispatchCall } from './dispatch-call.ts';
import { callEnded } from './business-metrics.ts';
import { contactsDueAt } from '#domain/campaign';

export interface ReconcileDeps extends CallEventDeps {
  providers: TelephonyProviders;
  reconcilerQueries: ReconcilerQueries;
  slotCounters: SlotCounters;
  /** Told about a call that could not be settled this run (it is looked at again later). */
  onCallError: (callId: string, error: unknown) => void;
  /** When this run must stop taking new calls, to end well within its function's timeout. */
  deadline: Date;
  /**
   * Campaigns whose contacts' calls stopped being made (a request's or page's message lost, or
   * never sent), and where their work is sent again. Absent where no campaign can exist (unit tests of calls).
   */
  campaigns?: Pick<CampaignStore, 'listContactsDue' | 'recordContactsCreated' | 'get' | 'repairActiveCalls'>;
  sweeps?: CampaignSweeps;
}

export interface ReconcileReport {
  redispatched: number;
  resolvedByProvider: number;
  markedLost: number;
  stillRunning: number;
  failed: number;
  /** Due calls left for the next run because this one ran out of time. */
  deferred: number;
  slotCountersRepaired: number;
  /** Campaigns whose count of calls holding their slots (activeCalls) drifted, and was set right. */
  campaignSlotsRepaired: number;
  /** Campaigns whose contacts' calls stopped being made, and whose work was sent again. */
  campaignContactsResent: number;
}

/** Calls looked at per run; the rest wait for the next run a minute later. */
const BATCH = 200;

/**
 * Finds calls that have not moved on when they should have and settles them, so no call is
 * silently lost: a pending call whose dispatch was lost is dispatched again; an attempt whose
 * end was never reported is asked about, and failed if the provider cannot say. Then it makes
 * each account's slot counter match its calls.
 */
export async function reconcile(deps: ReconcileDeps): Promise<ReconcileReport> {
  const report: ReconcileReport = {
    redispatched: 0,
    resolvedByProvider: 0,
    markedLost: 0,
    stillRunning: 0,
    failed: 0,
    deferred: 0,
    slotCountersRepaired: 0,
    campaignSlotsRepaired: 0,
    campaignContactsResent: 0,
  };
  const due = await deps.reconcilerQueries.listWatchdogDue(toTimestamp(deps.clock.now()), BATCH);
  for (const [i, call] of due.entries()) {
    if (deps.clock.now() >= deps.deadline) {
      report.deferred = due.length - i;
      break;
    }
    try {
      await settle(deps, call, report);
    } catch (error) {
      // Someone else moved the call meanwhile: nothing to settle.
      if (error instanceof ConcurrentModificationError) continue;
      // One call the provider cannot answer about (a wrong token, an outage) must not stop the
      // run: it is looked at again a grace period later, and the other calls are settled now.
      deps.onCallError(call.id, error);
      report.failed += 1;
      await snooze(deps, call).catch(() => undefined);
    }
  }
  try {
    report.campaignContactsResent = await resendCampaignContacts(deps);
  } catch (error) {
    deps.onCallError('(campaign contacts)', error);
  }
  // The accounts' repair lists the unfinished calls; the campaigns' repair starts from that list.
  let unfinished: StoredCall[] | undefined;
  try {
    ({ repaired: report.slotCountersRepaired, unfinished } = await repairSlotCounters(deps));
  } catch (error) {
    deps.onCallError('(slot counters)', error);
  }
  try {
    report.campaignSlotsRepaired = await repairCampaignSlots(deps, unfinished);
  } catch (error) {
    deps.onCallError('(campaign slots)', error);
  }
  return report;
}

async function settle(deps: ReconcileDeps, call: StoredCall, report: ReconcileReport): Promise<void> {
  const attempt = currentAttempt(call);
  if (awaitsDial(call.status)) {
    // Its schedule or queue message went missing (or it waits for a slot): send it again.
    await dispatchCall(deps, call);
    await snooze(deps, call);
    report.redispatched += 1;
    return;
  }
  const outcome = call.providerCallId ? await deps.providers[call.keyMode].fetchOutcome(call.providerCallId) : null;
  if (outcome && outcome !== 'ongoing') {
    await applyCallEvent(deps, { callId: call.id, attempt, event: outcome });
    report.resolvedByProvider += 1;
    return;
  }
  // The provider still has the call, or may still report on it (reportDeadline: until then a
  // call whose id was never saved may have been placed): look again later, never give up early.
  if (outcome === 'ongoing' || deps.clock.now().getTime() < reportDeadline(call, deps.limits)) {
    await snooze(deps, call);
    report.stillRunning += 1;
    return;
  }
  const lost = markLost(call, deps.clock.now(), deps.limits, await callingWindowRulesFor(call.callingWindow));
  if (lost) {
    const effects: UpdateEffects = {};
    const written = await deps.calls.update(lost, call, effects);
    deps.metrics.record(callEnded(written));
    await wakeAfterSlotFreed(deps, call, written, effects);
    report.markedLost += 1;
  }
}

/** Looks again one grace period from now, without disturbing a dialer or webhook mid-write. */
async function snooze(deps: ReconcileDeps, call: StoredCall): Promise<void> {
  const soon = toTimestamp(new Date(deps.clock.now().getTime() + deps.limits.watchdogGraceSeconds * 1000));
  // A scheduled call just sent on its way is next worth a look once it is due, not every grace period.
  const due = watchdogAt(call, deps.limits);
  await deps.calls.touchWatchdog(call, due !== null && due > soon ? due : soon);
}

/**
 * Sends again the work on the contacts of each campaign whose contacts' calls have not moved for a
 * grace period (use-cases/campaign-contacts.ts), from its first contact without a call, and looks at
 * it again a grace period later (or no more, if every contact has its call by now). A duplicate of
 * work still running is harmless: each contact's call has its own idempotency key.
 */
async function resendCampaignContacts(deps: ReconcileDeps): Promise<number> {
  const { campaigns, sweeps } = deps;
  if (!campaigns || !sweeps) return 0;
  const due = await campaigns.listContactsDue(toTimestamp(deps.clock.now()), BATCH);
  let resent = 0;
  for (const { accountId, campaignId, contactsCreated } of due) {
    if (deps.clock.now() >= deps.deadline) break;
    const at = { from: contactsCreated, to: contactsCreated };
    const progress = await campaigns.recordContactsCreated(accountId, campaignId, at, contactsDueAt(deps.clock.now()));
    if (!progress || progress.contactsCreated >= progress.total) continue;
    await sweeps.send({ kind: 'campaignContacts', accountId, campaignId, from: progress.contactsCreated });
    resent += 1;
  }
  return resent;
}

/**
 * Sets right each campaign's count of calls holding its slots (`activeCalls`, taken at the dial
 * gate, given back by the write that ends the attempt) where it drifted from its unfinished calls
 * (a deploy or a rollback between versions that gave it back in different places could give it
 * back twice, or never): too high, the campaign's calls would wait for slots nobody holds; too
 * low, it would run above its maxConcurrentCalls. Only campaigns with an unfinished call are looked
 * at (one read each), after their calls have been quiet for a grace period; the repair is
 * conditional on the count it read, so a gate or a release meanwhile wins.
 */
async function repairCampaignSlots(deps: ReconcileDeps, listed?: StoredCall[]): Promise<number> {
  const store = deps.campaigns;
  if (!store) return 0;
  const keyOf = (call: StoredCall) => `${call.accountId}#${call.campaignId}`;
  // Campaigns first, then their calls (as the account counters above): a gate or a release in
  // between changes the count read, and the conditional repair below then refuses.
  const withCalls = new Map<string, { accountId: string; campaignId: string }>();
  for (const call of listed ?? (await deps.reconcilerQueries.listUnfinished()))
    if (call.campaignId) withCalls.set(keyOf(call), { accountId: call.accountId, campaignId: call.campaignId });
  const read = new Map<string, number>();
  for (const [key, { accountId, campaignId }] of withCalls) {
    if (deps.clock.now() >= deps.deadline) break;
    const campaign = await store.get(accountId, campaignId);
    if (campaign) read.set(key, campaign.activeCalls);
  }
  const calls = new Map<string, StoredCall[]>();
  for (const call of await deps.reconcilerQueries.listUnfinished())
    if (call.campaignId) calls.set(keyOf(call), [...(calls.get(keyOf(call)) ?? []), call]);
  // Campaigns whose calls moved within a grace period are left alone: the index may lag the move.
  const settled = deps.clock.now().getTime() - deps.limits.watchdogGraceSeconds * 1000;
  let repaired = 0;
  for (const [key, activeCalls] of read) {
    const mine = calls.get(key) ?? [];
    if (mine.some((call) => Date.parse(call.updatedAt) > settled)) continue;
    const actual = mine.filter((call) => holdsSlot(call.status)).length;
    const { accountId, campaignId } = withCalls.get(key) as { accountId: string; campaignId: string };
    if (activeCalls !== actual && (await store.repairActiveCalls(accountId, campaignId, activeCalls, actual)))
      repaired += 1;
  }
  return repaired;
}

/** Resolves with the repairs made and the unfinished calls it listed (for the campaigns' repair). */
async function repairSlotCounters(deps: ReconcileDeps): Promise<{ repaired: number; unfinished: StoredCall[] }> {
  // Counters first, then calls: a dial in between raises the counter, and the conditional
  // repair below then refuses, instead of lowering a counter the index has not caught up with.
  const counters = await deps.slotCounters.listAll();
  const unfinished = await deps.reconcilerQueries.listUnfinished();
  // Accounts whose calls moved within a grace period are left alone: the index may lag the move.
  const settled = deps.clock.now().getTime() - deps.limits.watchdogGraceSeconds * 1000;
  let repaired = 0;
  for (const counter of counters) {
    const calls = unfinished.filter((call) => call.accountId === counter.accountId);
    if (calls.some((call) => Date.parse(call.updatedAt) > settled)) continue;
    const actual = calls.filter((call) => holdsSlot(call.status)).length;
    if (
      actual !== counter.activeCalls &&
      (await deps.slotCounters.repair(counter.accountId, counter.activeCalls, actual))
    ) {
      repaired += 1;
    }
  }
  return { repaired, unfinished };
}
