import { createHash } from 'node:crypto';
import stringify from 'safe-stable-stringify';
import { newCall, newCallId, toPublicCall } from '#domain/call';
import { campaignContactKey, contactsDueAt, planDueTimes } from '#domain/campaign';
import { ServiceError } from '#domain/errors';
import { toTimestamp } from '#domain/time';
import type { StoredCall } from '#schemas/call';
import { LIMITS } from '#schemas/call-request-fields';
import type { StoredCampaign } from '#schemas/campaign';
import type { CampaignContact } from '#schemas/campaign-request';
import type { CallingWindow } from '#schemas/calling-window';
import type { CreateCallRequest } from '#schemas/create-call-request';
import type { CampaignContactsMessage } from '#schemas/dial-message';
import type { Caller } from '#schemas/directory';
import type { EndReason } from '#schemas/call';
import type { CampaignStore, ContactReservation, StoredContact } from '#ports/campaign-store';
import type { CampaignSweeps } from '#ports/campaign-sweeps';
import type { SuppressionStore } from '#ports/suppressions';
import { afterWrite, afterWriteBudget, type AfterWrite } from './after-write.ts';
import { createCall, type CreateCallCommand, type CreateCallDeps } from './create-call.ts';
import { suppressedAmong } from './manage-suppressions.ts';

/**
 * How long, in ms of the deps' clock from the start of a campaign request (or of one page of its
 * background work), calls of its contacts are started. A request must answer inside API Gateway's
 * 29 s integration limit (the campaigns function's own timeout is the same 29 s), and on a slow table
 * or a loaded machine everything before and after the calls (checks, the contacts' writes, reading
 * the campaign back) and the calls already started when the budget runs out (8 at a time, each a
 * transaction and a queue message, each bounded by after-write.ts) can take several seconds more:
 * 10 s of starting calls leaves more than half the limit spare. The dialer's page (30 s timeout)
 * has the same budget. Contacts not reached are made by the campaign's background work
 * (continueCampaignContacts). CAMPAIGN_CALLS_BUDGET_MS overrides it (tests: a few ms).
 */
export const CAMPAIGN_CALLS_BUDGET_MS = 10_000;

/** Contacts of one page of the background work (CAMPAIGN_SWEEP_PAGE_SIZE when the deps say so). */
export const CONTACTS_PAGE_SIZE = 100;

/** Contacts whose calls are made at once by default (each is a few requests to the table and the queue). */
const CONTACT_CONCURRENCY = 8;

export interface ContactCallsDeps extends CreateCallDeps {
  campaigns: Pick<CampaignStore, 'get' | 'readContacts' | 'recordContactsCreated'>;
  /** The account's suppression list, read for a batch of contacts at once. */
  suppressions: SuppressionStore;
  /** Where the work on contacts not reached goes (the dial queue, to the dialer). */
  sweeps: CampaignSweeps;
  /** Contacts whose calls are created at once (each is a few requests to the table and the queue). */
  contactConcurrency?: number;
  /** CAMPAIGN_CALLS_BUDGET_MS when absent. */
  callsBudgetMs?: number;
  /** Contacts one page of the background work reads (CONTACTS_PAGE_SIZE when absent). */
  sweepPageSize?: number;
  /** Most a request waits, in ms, on work after its writes (CAMPAIGN_AFTER_WRITE_BUDGET_MS). */
  afterWriteBudgetMs?: number;
  /** Told when a contact's call could not be made now (it is made by the background work). */
  onContactNotCreated?: (campaignId: string, index: number, error: unknown) => void;
  /** Told when the work on contacts not reached could not be sent (the reconciler sends it later). */
  onSweepNotSent?: (campaignId: string, error: unknown) => void;
}

/**
 * How long, in ms, one campaign request spends on the work after its calls' writes (dispatching
 * each call, deleting a cancelled call's schedule, sending held calls to the queue), all together.
 * With a frozen queue each call's dispatch would wait its own after-write deadline (2.5 s), and a
 * thousand of them would outlast API Gateway's 29 s, turning an answer for what was stored into a
 * 5xx. 20 s leaves room for the writes and the answer; what was not done in time the service does
 * itself (the reconciler dispatches each call by its watchdog; a schedule left behind only delivers
 * a message the dialer drops).
 */
export const CAMPAIGN_AFTER_WRITE_BUDGET_MS = 20_000;

/** The deps with one after-write budget for the whole request. */
const withBudget = <D extends ContactCallsDeps>(deps: D): D & { afterWrite: AfterWrite } => ({
  ...deps,
  afterWrite: afterWriteBudget(deps.afterWriteBudgetMs ?? CAMPAIGN_AFTER_WRITE_BUDGET_MS),
});

/**
 * A request's contacts as the campaign keeps them: contact i of the request is index
 * `firstIndex + i`, due `firstDueAt + i × 60 / callsPerMinute` s (its call is due now if that has passed).
 */
export function plannedContacts(
  contacts: CampaignContact[],
  reservation: ContactReservation,
  callsPerMinute: number,
): StoredContact[] {
  const plan = planDueTimes(new Date(reservation.firstDueAt), contacts.length, callsPerMinute);
  return contacts.map((contact, i) => ({
    index: reservation.firstIndex + i,
    dueAt: toTimestamp(plan.dueAt[i] as Date),
    contact,
  }));
}

/** A repeat of a campaign stored before contacts were could not make every call: the client repeats it. */
class LegacyRepeatFailed extends Error {
  constructor(override readonly cause: unknown) {
    super('A contact of a campaign stored before contacts were kept has no call yet');
  }
}

/**
 * A request's part (create, append, or a repeat of either with its Idempotency-Key): makes the
 * calls of `contacts` (the request's, consecutive indexes, stored already) in index order while the
 * budget from `startedAt` lasts, records how far it got, and sends the rest to the campaign's
 * background work (continueCampaignContacts) from the first contact it did not reach. Never
 * throws for a contact: what fails here is left to that work, so the answer for a stored campaign
 * is never a 5xx. Contacts below the campaign's `contactsCreated` already have calls and are skipped.
 */
export async function makeContactCalls(
  deps: ContactCallsDeps,
  caller: Caller,
  campaign: StoredCampaign,
  contacts: StoredContact[],
  startedAt: Date,
): Promise<void> {
  const first = contacts[0]?.index;
  if (first === undefined) return;
  let reached = first;
  try {
    const current = await deps.campaigns.get(campaign.accountId, campaign.id);
    // A campaign stored before contacts were (no contactsCreated: a repeat, under its key, of a
    // create made by the earlier version) has no stored contacts for background work to read: its
    // repeat makes every call itself, as that version did, and fails for the client to repeat again.
    const legacy = current !== null && current.contactsCreated === undefined;
    const skip = legacy ? 0 : Math.max(0, (current?.contactsCreated ?? first) - first);
    const todo = contacts.slice(skip);
    const deadline = legacy
      ? Number.POSITIVE_INFINITY
      : startedAt.getTime() + (deps.callsBudgetMs ?? CAMPAIGN_CALLS_BUDGET_MS);
    const { done, failure } = await createCallsWithin(withBudget(deps), caller, current ?? campaign, todo, deadline, 0);
    if (legacy) {
      if (failure !== null) throw new LegacyRepeatFailed(failure);
      return;
    }
    reached = first + skip + done;
    const progress = await deps.campaigns.recordContactsCreated(
      campaign.accountId,
      campaign.id,
      { from: first, to: reached },
      contactsDueAt(deps.clock.now()),
    );
    if (reached >= first + contacts.length || !progress) return;
  } catch (error) {
    if (error instanceof LegacyRepeatFailed) throw error.cause;
    // The table failed us after the contacts were stored: the background work takes it from here
    // (this message, or the reconciler's once the campaign's contacts stop moving).
    deps.onSweepNotSent?.(campaign.id, error);
  }
  await sendContactsPage(deps, campaign, reached);
}

/**
 * One page of a campaign's background work on its contacts (the message a request, the page
 * before, or the reconciler sent): from `max(message.from, contactsCreated)`, up to a page of the
 * stored contacts get their calls, each through createCall with the key `<campaignId>#<index>` and
 * the same request body as the request would have used, while the budget lasts (at least one).
 * Then it records the progress and sends the next page's message (returned; null: done).
 * - A running, scheduled, paused or completed campaign: the calls are made as the request makes
 *   them (a paused campaign's calls are held at the dial gate until it is resumed).
 * - A cancelled campaign: each contact's call is made `cancelled` (`endReason` `cancelled`), never
 *   dispatched, as cancel leaves a waiting call; so the counts add up to the contacts.
 * Idempotent: a page handled twice, or racing the request's own calls or another page, makes no
 * contact's call twice (the call's idempotency record is written with it). A failure that is not
 * the contact's own (the table throttling, say) is thrown after the progress is recorded, so the
 * queue delivers the message again; a redelivery starts where the progress stands.
 */
export async function continueCampaignContacts(
  deps: ContactCallsDeps,
  message: CampaignContactsMessage,
): Promise<{ created: number; next: CampaignContactsMessage | null }> {
  const startedAt = deps.clock.now();
  // 1. The campaign, and where its contacts' calls stand.
  const campaign = await deps.campaigns.get(message.accountId, message.campaignId);
  if (!campaign) return { created: 0, next: null };
  const total = campaign.counts.total;
  const from = Math.max(message.from, campaign.contactsCreated ?? total);
  if (from >= total) {
    await deps.campaigns.recordContactsCreated(
      campaign.accountId,
      campaign.id,
      { from, to: from },
      contactsDueAt(startedAt),
    );
    return { created: 0, next: null };
  }

  // 2. One page of its stored contacts.
  const contacts = await deps.campaigns.readContacts(
    campaign.accountId,
    campaign.id,
    from,
    Math.min(deps.sweepPageSize ?? CONTACTS_PAGE_SIZE, total - from),
  );
  if (contacts[0]?.index !== from) {
    // Nothing a redelivery could change (reads are consistent): told, and left to the reconciler's next look.
    deps.onContactNotCreated?.(campaign.id, from, new Error(`contact ${from} of the campaign is not stored`));
    return { created: 0, next: null };
  }

  // 3. Their calls, while the budget lasts.
  const caller: Caller = { accountId: campaign.accountId, keyMode: campaign.keyMode, keyId: 'campaign' };
  const deadline = startedAt.getTime() + (deps.callsBudgetMs ?? CAMPAIGN_CALLS_BUDGET_MS);
  const { done, failure } = await createCallsWithin(withBudget(deps), caller, campaign, contacts, deadline, 1);

  // 4. The progress, and the next page.
  const reached = from + done;
  const progress = await deps.campaigns.recordContactsCreated(
    campaign.accountId,
    campaign.id,
    { from, to: reached },
    contactsDueAt(deps.clock.now()),
  );
  if (failure !== null) throw failure;
  const position = Math.max(reached, progress?.contactsCreated ?? reached);
  if (!progress || position >= progress.total) return { created: done, next: null };
  const next: CampaignContactsMessage = { ...message, from: position };
  await deps.sweeps.send(next);
  return { created: done, next };
}

/**
 * Sends the first page of the background work on contacts from `from`. The contacts are stored
 * already, so this never fails the request: were the message lost, the reconciler sends it again
 * once the campaign's contacts have not moved for CONTACTS_GRACE_MS.
 */
async function sendContactsPage(deps: ContactCallsDeps, campaign: StoredCampaign, from: number): Promise<void> {
  const failure = await afterWrite(() =>
    deps.sweeps.send({ kind: 'campaignContacts', accountId: campaign.accountId, campaignId: campaign.id, from }),
  );
  if (failure) deps.onSweepNotSent?.(campaign.id, failure);
}

/**
 * Makes the calls of `contacts` (consecutive indexes), in index order, `contactConcurrency` at a
 * time, starting none once the deps' clock reaches `deadline` (but at least `atLeast`). Returns how
 * many from the first all have their call (`done`: the calls after a failed one may exist too, and
 * are walked over again, harmlessly) and the first failure that is not the contact's own (null if none).
 */
async function createCallsWithin(
  deps: ContactCallsDeps & { afterWrite: AfterWrite },
  caller: Caller,
  campaign: StoredCampaign,
  contacts: StoredContact[],
  deadline: number,
  atLeast: number,
): Promise<{ done: number; failure: unknown }> {
  if (contacts.length === 0) return { done: 0, failure: null };
  const suppressed = await suppressedAmong(
    deps,
    campaign.accountId,
    contacts.map(({ contact }) => contact.toNumber),
  );
  const agent = await deps.directory.getAgent(campaign.accountId, campaign.agentId);
  const fromNumber = campaign.fromNumber ?? agent?.defaultFromNumber ?? '';
  let next = 0;
  let stopAt = contacts.length;
  let failure: unknown = null;
  const worker = async () => {
    while (next < stopAt) {
      if (next >= atLeast && deps.clock.now().getTime() >= deadline) {
        stopAt = Math.min(stopAt, next);
        return;
      }
      const i = next++;
      const stored = contacts[i] as StoredContact;
      try {
        await createContactCall(deps, caller, campaign, stored, suppressed.has(stored.contact.toNumber), fromNumber);
      } catch (error) {
        stopAt = Math.min(stopAt, i);
        failure ??= error;
        deps.onContactNotCreated?.(campaign.id, stored.index, error);
      }
    }
  };
  const width = Math.min(deps.contactConcurrency ?? CONTACT_CONCURRENCY, contacts.length);
  await Promise.all(Array.from({ length: width }, worker));
  return { done: Math.min(stopAt, next), failure };
}

/**
 * One contact's call, through createCall with the key `<campaignId>#<index>` and a request body that
 * is the same on every repeat. A suppressed number, and a contact of a cancelled campaign, get a
 * call that ended at once (never dialed), so the counts add up to the contacts; so does a contact
 * createCall refuses for a reason that would not pass on a retry (the agent or its number taken
 * away since the campaign was created: `endReason` `cancelled`).
 */
async function createContactCall(
  deps: ContactCallsDeps & { afterWrite: AfterWrite },
  caller: Caller,
  campaign: StoredCampaign,
  { index, dueAt, contact }: StoredContact,
  suppressed: boolean,
  fromNumber: string,
): Promise<void> {
  const callingWindow = contactWindow(campaign, contact);
  const request = {
    agentId: campaign.agentId,
    toNumber: contact.toNumber,
    ...(campaign.fromNumber ? { fromNumber: campaign.fromNumber } : {}),
    ...(Date.parse(dueAt) > deps.clock.now().getTime() ? { scheduledFor: dueAt } : {}),
    ...(contact.metadata ? { metadata: contact.metadata } : {}),
    ...(contact.overrideFirstMessage ? { overrideFirstMessage: contact.overrideFirstMessage } : {}),
    ...(callingWindow ? { callingWindow } : {}),
    ...(campaign.retryPolicy ? { retryPolicy: campaign.retryPolicy } : {}),
  } as CreateCallRequest;
  const command = {
    caller,
    request,
    rawRequest: { campaignId: campaign.id, index, contact },
    idempotencyKey: campaignContactKey(campaign.id, index),
    campaignId: campaign.id,
  };
  if (suppressed) return createEndedCall(deps, command, fromNumber, 'suppressed');
  if (campaign.status === 'cancelled') return createEndedCall(deps, command, fromNumber, 'cancelled');
  try {
    await createCall(deps, command);
  } catch (error) {
    if (!(error instanceof ServiceError) || error.kind === 'rate_limited') throw error;
    // Suppressed since the batch was checked: the contact still gets its (cancelled) call.
    if (error.code === 'number_suppressed') return createEndedCall(deps, command, fromNumber, 'suppressed');
    if (error.code === 'idempotency_key_reused') throw error;
    deps.onContactNotCreated?.(campaign.id, index, error);
    await createEndedCall(deps, command, fromNumber, 'cancelled');
  }
}

/** The calling window of a contact's call: the campaign's, in the contact's own zone when it has one. */
export function contactWindow(
  campaign: Pick<StoredCampaign, 'callingWindow'>,
  contact: CampaignContact,
): CallingWindow | null {
  // A contact's own zone wins over the one the window would take from the number.
  return campaign.callingWindow && contact.timeZone
    ? { ...campaign.callingWindow, timeZone: contact.timeZone }
    : campaign.callingWindow;
}

/**
 * A contact's call that ended before it began: `cancelled` with `endReason` `suppressed` or
 * `cancelled`, never dispatched. Stored with the contact's idempotency key like any other contact's
 * call, so a repeat makes no second one.
 */
async function createEndedCall(
  deps: ContactCallsDeps,
  command: CreateCallCommand & { idempotencyKey: string; campaignId: string },
  fromNumber: string,
  endReason: Extract<EndReason, 'suppressed' | 'cancelled'>,
): Promise<void> {
  const now = deps.clock.now();
  const at = toTimestamp(now);
  const { request, caller } = command;
  const call = newCall(
    {
      id: newCallId(now),
      accountId: caller.accountId,
      keyMode: caller.keyMode,
      agentId: request.agentId,
      fromNumber,
      toNumber: request.toNumber,
      scheduledFor: null,
      metadata: request.metadata ?? {},
      maxRetries: 0,
      retryDelayMinutes: LIMITS.retryDelayMinutes.default,
      overrideFirstMessage: request.overrideFirstMessage ?? null,
      campaignId: command.campaignId,
    },
    now,
  );
  const ended: StoredCall = {
    ...call,
    status: 'cancelled',
    endedAt: at,
    durationSeconds: 0,
    endReason,
    watchdogAt: null,
  };
  await deps.calls.create(ended, {
    accountId: caller.accountId,
    key: command.idempotencyKey,
    requestHash: requestHash(command.rawRequest),
    callId: ended.id,
    response: toPublicCall(ended),
  });
}

/** The hash an Idempotency-Key record keeps of its request (SHA-256 of its stable JSON). */
export function requestHash(rawRequest: unknown): string {
  return createHash('sha256')
    .update(stringify(rawRequest) ?? '')
    .digest('hex');
}
