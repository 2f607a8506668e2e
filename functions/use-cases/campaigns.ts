import { contactsDueAt, effectiveStatus, newCampaignId, planDueTimes, toPublicCampaign } from '#domain/campaign';
import { OutcomeUnknownError, conflict, invalidRequest, notFound, unprocessable } from '#domain/errors';
import { toTimestamp } from '#domain/time';
import { dialTimeWithin, OPENING_SEARCH_DAYS } from '#domain/calling-window-rules';
import type { CallingWindow } from '#schemas/calling-window';
import {
  CAMPAIGN_LIMITS,
  emptyCounts,
  type Campaign,
  type CampaignStatus,
  type ListCampaignsQuery,
  type StoredCampaign,
} from '#schemas/campaign';
import type { CampaignContact, CreateCampaignRequest } from '#schemas/campaign-request';
import type { Caller } from '#schemas/directory';
import type { CampaignStore, ContactReservation } from '#ports/campaign-store';
import type { CampaignSweepMessage } from '#schemas/dial-message';
import { afterWrite } from './after-write.ts';
import {
  CAMPAIGN_CALLS_BUDGET_MS,
  contactWindow,
  makeContactCalls,
  plannedContacts,
  requestHash,
  type ContactCallsDeps,
} from './campaign-contacts.ts';
import { callingWindowRulesFor } from './calling-window-rules.ts';
import { windowZonesFor } from './calling-window-zones.ts';
import { retryOnConflict } from './retry-on-conflict.ts';

export interface CampaignDeps extends ContactCallsDeps {
  campaigns: CampaignStore;
}

/** How a campaign's contacts find their Idempotency-Key record: apart from calls' own keys. */
const idempotencyKeyOf = (key: string) => `campaign#${key}`;

/**
 * POST /api/v1/campaigns. Checks the agent, caller ID and pacing (400/422 naming the field), stores
 * the campaign with every contact (and the Idempotency-Key record) before any call exists, then
 * creates one call per contact through createCall while the request's budget lasts
 * (CAMPAIGN_CALLS_BUDGET_MS), each with an Idempotency-Key derived from the campaign and the
 * contact's index; the contacts not reached get theirs from the campaign's background work
 * (campaign-contacts.ts), within seconds. So the answer is a 201 with every contact counted even on
 * a slow table, and neither a repeat of the request (same key, same body) nor the background work
 * ever makes a contact's call twice. Returns the campaign and whether it was a replay.
 */
export async function createCampaign(
  deps: CampaignDeps,
  command: { caller: Caller; request: CreateCampaignRequest; rawRequest: unknown; idempotencyKey?: string },
): Promise<{ campaign: Campaign; replayed: boolean }> {
  const { caller, request } = command;
  const now = deps.clock.now();

  // 1. The agent, its caller ID and the pace must be possible before anything is stored.
  const agent = await deps.directory.getAgent(caller.accountId, request.agentId);
  if (!agent) throw invalidRequest('agent_not_found', `No agent ${request.agentId} exists in this account.`, 'agentId');
  if (request.fromNumber && !agent.numbers.includes(request.fromNumber)) {
    throw invalidRequest(
      'from_number_not_assigned',
      `fromNumber ${request.fromNumber} is not a provisioned number assigned to agent ${agent.id}.`,
      'fromNumber',
    );
  }
  if (!request.fromNumber && !agent.defaultFromNumber) {
    throw invalidRequest(
      'agent_has_no_number',
      `Agent ${agent.id} has no phone number assigned; assign one to it (fromNumber only picks among the agent's own numbers).`,
      'agentId',
    );
  }
  const account = await deps.directory.getAccount(caller.accountId);
  const accountLimit = account?.concurrentCallLimit ?? 1;
  const maxConcurrentCalls = request.pacing?.maxConcurrentCalls ?? accountLimit;
  if (maxConcurrentCalls > accountLimit) {
    throw invalidRequest(
      'pacing_above_account_limit',
      `pacing.maxConcurrentCalls may be at most this account's concurrent-call limit, ${accountLimit}.`,
      'pacing.maxConcurrentCalls',
    );
  }
  const startAt = request.startAt ? new Date(request.startAt) : now;
  if (startAt.getTime() < now.getTime() - 5 * 60_000) {
    throw invalidRequest(
      'start_at_in_past',
      `startAt ${request.startAt} is more than 5 minutes in the past.`,
      'startAt',
    );
  }

  await checkContactZones(deps, request.callingWindow ?? null, request.contacts);

  // 2. The campaign, its contacts reserved: indexes 0…n−1, due from startAt at the campaign's pace.
  const callsPerMinute = request.pacing?.callsPerMinute ?? CAMPAIGN_LIMITS.callsPerMinute.default;
  const from = startAt.getTime() > now.getTime() ? startAt : now;
  const plan = planDueTimes(from, request.contacts.length, callsPerMinute);
  const at = toTimestamp(now);
  const campaign: StoredCampaign = {
    id: newCampaignId(now),
    accountId: caller.accountId,
    keyMode: caller.keyMode,
    name: request.name,
    agentId: agent.id,
    fromNumber: request.fromNumber ?? null,
    status: startAt.getTime() > now.getTime() ? 'scheduled' : 'running',
    startAt: toTimestamp(startAt),
    pacing: { callsPerMinute, maxConcurrentCalls },
    callingWindow: request.callingWindow ?? null,
    retryPolicy: request.retryPolicy ?? null,
    counts: { ...emptyCounts(), total: request.contacts.length },
    createdAt: at,
    updatedAt: at,
    completedAt: null,
    nextDueAt: toTimestamp(plan.nextDueAt),
    activeCalls: 0,
    version: 0,
  };
  const reservation = { firstIndex: 0, count: request.contacts.length, firstDueAt: toTimestamp(from) };
  await checkContactsPlaceable(deps, caller, campaign, request.contacts, plan.dueAt);

  // 3. Store it with every contact; a repeated key finds the first campaign and its contacts instead.
  const contacts = plannedContacts(request.contacts, reservation, callsPerMinute);
  const stored = await deps.campaigns
    .create(
      campaign,
      contacts,
      contactsDueAt(now, deps.callsBudgetMs ?? CAMPAIGN_CALLS_BUDGET_MS),
      command.idempotencyKey
        ? {
            accountId: caller.accountId,
            key: idempotencyKeyOf(command.idempotencyKey),
            requestHash: requestHash(command.rawRequest),
            campaignId: campaign.id,
            ...reservation,
          }
        : undefined,
    )
    .catch((error: unknown) => {
      // Stored or not, unknown (OutcomeUnknownError): say which campaign to look for.
      if (!(error instanceof OutcomeUnknownError)) throw error;
      throw error.about(
        `The campaign ${campaign.id} may have been created: the database stopped answering while it was being written. Read it (GET /api/v1/campaigns/${campaign.id}) before creating it again${command.idempotencyKey ? ', or send the request again with the same Idempotency-Key' : ''}.`,
      );
    });
  const existing = stored.reserved ? null : stored.existing;
  if (existing && existing.requestHash !== requestHash(command.rawRequest)) {
    throw unprocessable(
      'idempotency_key_reused',
      'This Idempotency-Key was already used with a different request body; use a new key for a new campaign.',
      'Idempotency-Key',
    );
  }
  const target = existing ? await deps.campaigns.get(caller.accountId, existing.campaignId) : campaign;
  if (!target) throw notFound('campaign_not_found', 'The campaign of this Idempotency-Key no longer exists.');

  // 4. One call per contact, through the same path as every call, while the request's budget
  // lasts; the campaign's background work makes the rest (campaign-contacts.ts).
  const planned = existing ? plannedContacts(request.contacts, existing, target.pacing.callsPerMinute) : contacts;
  await makeContactCalls(deps, caller, target, planned, now);
  return { campaign: await readCampaignOr(deps, target), replayed: existing !== null };
}

/**
 * POST /api/v1/campaigns/{id}/contacts: up to 1,000 more contacts, due after the campaign's last
 * (at its pace, never before now), stored before any call, the calls made as for the create.
 * Idempotent with a key like the create. 409 for a cancelled campaign.
 */
export async function appendContacts(
  deps: CampaignDeps,
  command: {
    caller: Caller;
    campaignId: string;
    contacts: CampaignContact[];
    rawRequest: unknown;
    idempotencyKey?: string;
  },
): Promise<{ campaign: Campaign; replayed: boolean }> {
  const { caller, contacts } = command;
  const startedAt = deps.clock.now();
  const { campaign, result } = await retryOnConflict(async () => {
    const campaign = await getStored(deps, caller.accountId, command.campaignId);
    if (campaign.status === 'cancelled') {
      throw conflict('campaign_cancelled', `Campaign ${campaign.id} is cancelled; it takes no more contacts.`);
    }
    await checkContactZones(deps, campaign.callingWindow, contacts);
    const now = deps.clock.now();
    const from = new Date(Math.max(now.getTime(), Date.parse(campaign.nextDueAt), Date.parse(campaign.startAt)));
    const plan = planDueTimes(from, contacts.length, campaign.pacing.callsPerMinute);
    await checkContactsPlaceable(deps, caller, campaign, contacts, plan.dueAt);
    const reservation = { firstIndex: campaign.counts.total, count: contacts.length, firstDueAt: toTimestamp(from) };
    const result = await deps.campaigns.reserveContacts(
      campaign,
      { ...reservation, nextDueAt: toTimestamp(plan.nextDueAt), at: toTimestamp(now) },
      plannedContacts(contacts, reservation, campaign.pacing.callsPerMinute),
      contactsDueAt(startedAt, deps.callsBudgetMs ?? CAMPAIGN_CALLS_BUDGET_MS),
      command.idempotencyKey
        ? {
            accountId: caller.accountId,
            key: idempotencyKeyOf(command.idempotencyKey),
            requestHash: requestHash({ campaignId: campaign.id, body: command.rawRequest }),
            campaignId: campaign.id,
          }
        : undefined,
    );
    return { campaign, result };
  });
  const existing = result.reserved ? null : result.existing;
  if (
    existing &&
    (existing.campaignId !== campaign.id ||
      existing.requestHash !== requestHash({ campaignId: campaign.id, body: command.rawRequest }))
  ) {
    throw unprocessable(
      'idempotency_key_reused',
      'This Idempotency-Key was already used with a different request; use a new key for new contacts.',
      'Idempotency-Key',
    );
  }
  const reservation = existing ?? (result as { reservation: ContactReservation }).reservation;
  await makeContactCalls(
    deps,
    caller,
    campaign,
    plannedContacts(contacts, reservation, campaign.pacing.callsPerMinute),
    startedAt,
  );
  const total = Math.max(campaign.counts.total, reservation.firstIndex + reservation.count);
  const fallback = { ...campaign, counts: { ...campaign.counts, total } };
  return { campaign: await readCampaignOr(deps, fallback), replayed: existing !== null };
}

/** GET /api/v1/campaigns/{id}: one read, counts included. */
export async function getCampaign(deps: Pick<CampaignDeps, 'campaigns' | 'clock'>, accountId: string, id: string) {
  return readCampaign(deps, accountId, id);
}

/** GET /api/v1/campaigns: newest first, `pageSize` per page, `nextCursor` to go on. */
export async function listCampaigns(
  deps: Pick<CampaignDeps, 'campaigns' | 'clock'>,
  accountId: string,
  query: ListCampaignsQuery,
): Promise<{ data: Campaign[]; pageSize: number; hasMore: boolean; nextCursor: string | null }> {
  const pageSize = query.pageSize ?? CAMPAIGN_LIMITS.listPageSize.default;
  const page = await deps.campaigns.list(accountId, pageSize, query.cursor);
  const now = deps.clock.now();
  const last = page.campaigns.at(-1);
  return {
    data: page.campaigns.map((campaign) => toPublicCampaign(campaign, now)),
    pageSize,
    hasMore: page.hasMore,
    nextCursor: page.hasMore && last ? last.id : null,
  };
}

/**
 * POST /api/v1/campaigns/{id}/pause. Once this answers, no call of the campaign starts dialing:
 * the dialer's gate (queued → initiating) is one transaction with a condition on the campaign's
 * status, so a dial that did not commit before the pause can never commit after it. Calls already
 * dialing or connected go on to their end. Pausing a paused campaign answers it as it is.
 */
export async function pauseCampaign(deps: Pick<CampaignDeps, 'campaigns' | 'clock'>, accountId: string, id: string) {
  const campaign = await changeStatus(deps, accountId, id, 'paused', ['scheduled', 'running', 'completed']);
  return toPublicCampaign(campaign, deps.clock.now());
}

/**
 * POST /api/v1/campaigns/{id}/resume: one write (the campaign `running` again, or `scheduled` if its
 * `startAt` is still ahead), then the calls the
 * pause held (queued) are sent to be dialed again from now, one every 60 / callsPerMinute seconds,
 * by the dialer a page at a time (campaign-sweeps.ts), so the answer costs the same for 4 calls or
 * 100,000. Calls still scheduled for later keep their times; the dialer puts each call into its
 * calling window. A repeat (already running) sends the held calls on again, harmlessly.
 */
export async function resumeCampaign(
  deps: Pick<CampaignDeps, 'campaigns' | 'clock' | 'sweeps' | 'onSweepNotSent'>,
  accountId: string,
  id: string,
): Promise<Campaign> {
  // Back to what it was before the pause: scheduled while its startAt is ahead, else running.
  const resumed = (paused: StoredCampaign, now: Date) =>
    Date.parse(paused.startAt) > now.getTime() ? ('scheduled' as const) : ('running' as const);
  const campaign = await changeStatus(deps, accountId, id, resumed, ['paused']);
  await startSweep(deps, campaign, 'resume', 'queued');
  return toPublicCampaign(campaign, deps.clock.now());
}

/**
 * POST /api/v1/campaigns/{id}/cancel: one write (the campaign `cancelled`: from then on the dial
 * gate refuses its calls, and a dialer that meets one cancels it), then every call of it still
 * scheduled or queued is cancelled by the dialer a page at a time (campaign-sweeps.ts): within
 * seconds, whatever the campaign's size. 409 for a campaign already completed.
 */
export async function cancelCampaign(
  deps: Pick<CampaignDeps, 'campaigns' | 'clock' | 'sweeps' | 'onSweepNotSent'>,
  accountId: string,
  id: string,
): Promise<Campaign> {
  const campaign = await changeStatus(deps, accountId, id, 'cancelled', ['scheduled', 'running', 'paused']);
  await startSweep(deps, campaign, 'cancel', 'scheduled');
  return toPublicCampaign(campaign, deps.clock.now());
}

/**
 * Sends the first page of a resume's or cancel's work on the calls. The status is stored already,
 * so this never fails the request (after-write.ts): were the message lost, the dial gate still
 * cancels a cancelled campaign's calls as they come due, and the reconciler sends a held call on
 * once its hour's watchdog passes.
 */
async function startSweep(
  deps: Pick<CampaignDeps, 'clock' | 'sweeps' | 'onSweepNotSent'>,
  campaign: StoredCampaign,
  action: CampaignSweepMessage['action'],
  status: CampaignSweepMessage['status'],
): Promise<void> {
  const failure = await afterWrite(() =>
    deps.sweeps.send({
      kind: 'campaignSweep',
      action,
      accountId: campaign.accountId,
      campaignId: campaign.id,
      statusVersion: campaign.statusVersion ?? campaign.version,
      status,
      from: toTimestamp(deps.clock.now()),
      planned: 0,
    }),
  );
  if (failure) deps.onSweepNotSent?.(campaign.id, failure);
}

async function changeStatus(
  deps: Pick<CampaignDeps, 'campaigns' | 'clock'>,
  accountId: string,
  id: string,
  target: CampaignStatus | ((campaign: StoredCampaign, now: Date) => CampaignStatus),
  from: CampaignStatus[],
): Promise<StoredCampaign> {
  return retryOnConflict(async () => {
    const campaign = await getStored(deps, accountId, id);
    const now = deps.clock.now();
    const to = typeof target === 'function' ? target(campaign, now) : target;
    // Already there (a scheduled campaign past its startAt is running): answered as it is.
    if (campaign.status === to || effectiveStatus(campaign, now) === to) return campaign;
    if (!from.includes(campaign.status)) {
      throw conflict(
        'campaign_status_conflict',
        `Campaign ${id} is ${effectiveStatus(campaign, now)}; it cannot become ${to}.`,
      );
    }
    return deps.campaigns.setStatus(campaign, to, toTimestamp(now), { statusChange: true });
  });
}

async function getStored(
  deps: Pick<CampaignDeps, 'campaigns'>,
  accountId: string,
  id: string,
): Promise<StoredCampaign> {
  const campaign = await deps.campaigns.get(accountId, id);
  if (!campaign) throw notFound('campaign_not_found', `No campaign ${id} exists in this account.`, 'campaignId');
  return campaign;
}

/**
 * The campaign as it is now, after a request stored it; if the table cannot say, the campaign as
 * the request knows it: the answer to a request that stored something is never a 5xx.
 */
async function readCampaignOr(deps: Pick<CampaignDeps, 'campaigns' | 'clock'>, known: StoredCampaign) {
  const campaign = await deps.campaigns.get(known.accountId, known.id).catch(() => null);
  return toPublicCampaign(campaign ?? known, deps.clock.now());
}

async function readCampaign(deps: Pick<CampaignDeps, 'campaigns' | 'clock'>, accountId: string, id: string) {
  return toPublicCampaign(await getStored(deps, accountId, id), deps.clock.now());
}

/**
 * Every contact's calling-window zone can be told (its own `timeZone`, its number's area, or the
 * window's `defaultTimeZone`) before anything is stored: otherwise a 400 `callee_time_zone_unknown`
 * naming the contact (`contacts.2.toNumber`), rather than a campaign cut short at that contact.
 */
async function checkContactZones(
  deps: CampaignDeps,
  window: CallingWindow | null,
  contacts: CampaignContact[],
): Promise<void> {
  if (!window) return;
  for (const [i, contact] of contacts.entries())
    await windowZonesFor(deps, window, contact.toNumber, contact.timeZone, `contacts.${i}.toNumber`);
}

/**
 * Refuses, before anything is stored, contacts whose call createCall would refuse for a reason of
 * the campaign or the contact itself: a test key where no carrier simulator is deployed (422
 * `test_calls_unavailable`), a callee whose time zone cannot be told (400 `callee_time_zone_unknown`,
 * `param` `contacts.<i>.toNumber`) or a calling window that never opens for it (400
 * `calling_window_never_open`, `param` `callingWindow`). Otherwise the campaign and the earlier
 * contacts' calls would be stored by a request that answers 4xx, and a retry would call them twice.
 * `dueAt[i]` is contact i's planned time.
 */
async function checkContactsPlaceable(
  deps: CampaignDeps,
  caller: Caller,
  campaign: Pick<StoredCampaign, 'callingWindow'>,
  contacts: CampaignContact[],
  dueAt: Date[],
): Promise<void> {
  if (caller.keyMode === 'test' && deps.testCallsPlaceable === false) {
    throw unprocessable(
      'test_calls_unavailable',
      'This deployment has no carrier simulator, so calls cannot be made with a test key here; use a live key, or a deployment with the simulator.',
    );
  }
  for (const [index, contact] of contacts.entries()) {
    const window = contactWindow(campaign, contact);
    if (!window) continue;
    const zones = await windowZonesFor(deps, window, contact.toNumber, null, `contacts.${index}.toNumber`);
    const windows = await callingWindowRulesFor(window);
    if (dialTimeWithin(windows, window, zones, dueAt[index] ?? deps.clock.now()) === null) {
      throw invalidRequest(
        'calling_window_never_open',
        `callingWindow is not open at any time in the next ${OPENING_SEARCH_DAYS} days for contacts[${index}] (time zones ${zones.join(', ')}).`,
        'callingWindow',
      );
    }
  }
}
