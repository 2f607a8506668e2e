import { DIALABLE_CAMPAIGN_STATUSES } from '#domain/campaign';
import { ConcurrentModificationError } from '#domain/errors';
import type {
  CampaignCallChange,
  CampaignIdempotencyRecord,
  CampaignStore,
  CampaignWithContactsDue,
  ContactReservation,
  ReserveResult,
  StoredContact,
} from '#ports/campaign-store';
import type { CallStatus, StoredCall } from '#schemas/call';
import type { CampaignStatus, StoredCampaign } from '#schemas/campaign';
import type { InMemoryCallTable } from './call-table.ts';

const copy = <T>(value: T): T => structuredClone(value);

/**
 * Campaigns in memory, over the calls of an InMemoryCallTable, with the DynamoDB adapter's rules:
 * status writes conditional on the version, counts changed by additions once per call version,
 * idempotency records by account and key, and the campaign's part of the dial gate (installed
 * on the table: a dialable status and `activeCalls < maxConcurrentCalls`, taking one).
 */
export class InMemoryCampaignStore implements CampaignStore {
  readonly campaigns = new Map<string, StoredCampaign>();
  private readonly records = new Map<string, CampaignIdempotencyRecord>();
  private readonly counted = new Map<string, number>();
  /** Each campaign's contacts by index, kept as JSON like the adapter's chunks. */
  private readonly contacts = new Map<string, Map<number, string>>();
  /** Campaigns with contacts still without calls: when the reconciler should look again. */
  readonly contactsDueAt = new Map<string, string>();

  constructor(private readonly table: InMemoryCallTable) {
    table.campaignGate = (accountId, campaignId) => {
      const campaign = this.campaigns.get(campaignId);
      if (!campaign || campaign.accountId !== accountId) return false;
      if (!DIALABLE_CAMPAIGN_STATUSES.includes(campaign.status)) return false;
      if (campaign.activeCalls >= campaign.pacing.maxConcurrentCalls) return false;
      campaign.activeCalls += 1;
      return true;
    };
    table.campaignRelease = (accountId, campaignId) => {
      const campaign = this.campaigns.get(campaignId);
      if (!campaign || campaign.accountId !== accountId) return false;
      campaign.activeCalls -= 1;
      return true;
    };
  }

  async create(
    campaign: StoredCampaign,
    contacts: StoredContact[],
    contactsDueAt: string,
    idempotency?: CampaignIdempotencyRecord,
  ): Promise<ReserveResult> {
    const reservation = {
      firstIndex: 0,
      count: campaign.counts.total,
      firstDueAt: idempotency?.firstDueAt ?? campaign.startAt,
    };
    if (idempotency) {
      const key = `${idempotency.accountId}#${idempotency.key}`;
      const existing = this.records.get(key);
      if (existing) return { reserved: false, existing: copy(existing) };
      this.records.set(key, copy(idempotency));
    }
    if (this.campaigns.has(campaign.id)) throw new Error('ConditionalCheckFailed');
    this.campaigns.set(campaign.id, { ...copy(campaign), contactsCreated: 0 });
    this.keep(campaign.id, contacts);
    this.contactsDueAt.set(campaign.id, contactsDueAt);
    return { reserved: true, reservation };
  }

  async get(accountId: string, campaignId: string): Promise<StoredCampaign | null> {
    const campaign = this.campaigns.get(campaignId);
    return campaign && campaign.accountId === accountId ? copy(campaign) : null;
  }

  async list(accountId: string, limit: number, after?: string) {
    const all = [...this.campaigns.values()]
      .filter((c) => c.accountId === accountId && (after === undefined || c.id < after))
      .sort((a, b) => (a.id < b.id ? 1 : -1));
    return { campaigns: all.slice(0, limit).map(copy), hasMore: all.length > limit };
  }

  async reserveContacts(
    campaign: StoredCampaign,
    reservation: ContactReservation & { nextDueAt: string; at: string },
    contacts: StoredContact[],
    contactsDueAt: string,
    idempotency?: Omit<CampaignIdempotencyRecord, 'firstIndex' | 'count' | 'firstDueAt'>,
  ): Promise<ReserveResult> {
    const { nextDueAt, at, ...taken } = reservation;
    if (idempotency) {
      const existing = this.records.get(`${idempotency.accountId}#${idempotency.key}`);
      if (existing) return { reserved: false, existing: copy(existing) };
    }
    const stored = this.mustHold(campaign);
    if (idempotency) this.records.set(`${idempotency.accountId}#${idempotency.key}`, { ...idempotency, ...taken });
    stored.counts.total += taken.count;
    stored.nextDueAt = nextDueAt;
    stored.updatedAt = at;
    if (stored.status === 'completed') stored.status = 'running';
    stored.version += 1;
    stored.contactsCreated ??= taken.firstIndex;
    this.keep(campaign.id, contacts);
    this.contactsDueAt.set(campaign.id, contactsDueAt);
    return { reserved: true, reservation: taken };
  }

  async readContacts(_accountId: string, campaignId: string, from: number, limit: number): Promise<StoredContact[]> {
    const kept = this.contacts.get(campaignId) ?? new Map<number, string>();
    const found: StoredContact[] = [];
    for (let index = from; found.length < limit && kept.has(index); index++)
      found.push(JSON.parse(kept.get(index) as string) as StoredContact);
    return found;
  }

  async recordContactsCreated(
    accountId: string,
    campaignId: string,
    range: { from: number; to: number },
    contactsDueAt: string,
  ): Promise<{ contactsCreated: number; total: number } | null> {
    const campaign = this.campaigns.get(campaignId);
    if (!campaign || campaign.accountId !== accountId) return null;
    const created = campaign.contactsCreated;
    if (created !== undefined && created >= range.from && created < range.to) campaign.contactsCreated = range.to;
    const progress = {
      contactsCreated: campaign.contactsCreated ?? campaign.counts.total,
      total: campaign.counts.total,
    };
    if (progress.contactsCreated < progress.total) this.contactsDueAt.set(campaignId, contactsDueAt);
    else this.contactsDueAt.delete(campaignId);
    return progress;
  }

  async listContactsDue(now: string, limit: number): Promise<CampaignWithContactsDue[]> {
    return [...this.contactsDueAt.entries()]
      .filter(([, dueAt]) => dueAt <= now)
      .sort(([, a], [, b]) => (a < b ? -1 : 1))
      .slice(0, limit)
      .map(([campaignId]) => {
        const campaign = this.campaigns.get(campaignId) as StoredCampaign;
        return { accountId: campaign.accountId, campaignId, contactsCreated: campaign.contactsCreated ?? 0 };
      });
  }

  private keep(campaignId: string, contacts: StoredContact[]): void {
    const kept = this.contacts.get(campaignId) ?? new Map<number, string>();
    for (const contact of contacts) kept.set(contact.index, JSON.stringify(contact));
    this.contacts.set(campaignId, kept);
  }

  async setStatus(
    campaign: StoredCampaign,
    status: CampaignStatus,
    at: string,
    options: { completedAt?: string; statusChange?: boolean } = {},
  ): Promise<StoredCampaign> {
    const stored = this.mustHold(campaign);
    stored.status = status;
    stored.updatedAt = at;
    if (options.completedAt) stored.completedAt = options.completedAt;
    stored.version += 1;
    if (options.statusChange) stored.statusVersion = stored.version;
    return copy(stored);
  }

  async repairActiveCalls(accountId: string, campaignId: string, expected: number, actual: number): Promise<boolean> {
    const campaign = this.campaigns.get(campaignId);
    if (!campaign || campaign.accountId !== accountId || campaign.activeCalls !== expected) return false;
    campaign.activeCalls = actual;
    return true;
  }

  async applyCallChange(change: CampaignCallChange): Promise<boolean> {
    const campaign = this.campaigns.get(change.campaignId);
    const last = this.counted.get(change.callId);
    if (!campaign || (last !== undefined && last >= change.version)) return false;
    this.counted.set(change.callId, change.version);
    campaign.counts[change.to] += 1;
    if (change.from) campaign.counts[change.from] -= 1;
    if (change.releasesSlot) campaign.activeCalls -= 1;
    return true;
  }

  async listCallsPage(
    accountId: string,
    campaignId: string,
    status: CallStatus,
    limit: number,
    after?: string,
  ): Promise<{ calls: StoredCall[]; next: string | null }> {
    const createdKey = (call: StoredCall) => `${call.createdAt}#${call.id}`;
    const matching = this.table
      .all()
      .filter(
        (call) =>
          call.accountId === accountId &&
          call.campaignId === campaignId &&
          call.status === status &&
          (after === undefined || createdKey(call) > after),
      )
      .sort((a, b) => (createdKey(a) < createdKey(b) ? -1 : 1));
    const calls = matching.slice(0, limit);
    const last = calls.at(-1);
    return { calls, next: matching.length > limit && last ? createdKey(last) : null };
  }

  private mustHold(campaign: StoredCampaign): StoredCampaign {
    const stored = this.campaigns.get(campaign.id);
    if (!stored || stored.version !== campaign.version) throw new ConcurrentModificationError('Campaign', campaign.id);
    return stored;
  }
}
