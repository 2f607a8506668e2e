import { paginate, pathSegment } from './pagination.js';
import type { Transport } from './transport.js';
import type { Campaign, CampaignContact, CreateCampaignParams, ListCampaignsParams } from './types.js';

const BASE_PATH = '/api/v1/campaigns';

export interface IdempotentOptions {
  /**
   * Makes the request safe to repeat: the API acts once per key (kept 24 hours). By default each
   * call of the method gets a random key, which its own retries reuse.
   */
  idempotencyKey?: string;
}

/** `client.campaigns`: many calls of one agent, inside a calling window, paced, pausable (/api/v1/campaigns). */
export class Campaigns {
  constructor(private readonly transport: Transport) {}

  /** Creates a campaign: each contact becomes an outbound call with `campaignId`. */
  create(params: CreateCampaignParams, options: IdempotentOptions = {}): Promise<Campaign> {
    return this.transport.request({
      method: 'POST',
      path: BASE_PATH,
      body: params,
      headers: { 'idempotency-key': options.idempotencyKey ?? crypto.randomUUID() },
    });
  }

  /** The campaign with its up-to-date `counts`. */
  get(campaignId: string): Promise<Campaign> {
    return this.transport.request({ method: 'GET', path: campaignPath(campaignId) });
  }

  /** Every campaign of the account, newest first, a page at a time as the loop goes. */
  list(params: ListCampaignsParams = {}): AsyncGenerator<Campaign, void, undefined> {
    return paginate<Campaign>(this.transport, BASE_PATH, { ...params });
  }

  /** Appends up to 1,000 contacts. */
  addContacts(campaignId: string, contacts: CampaignContact[], options: IdempotentOptions = {}): Promise<Campaign> {
    return this.transport.request({
      method: 'POST',
      path: `${campaignPath(campaignId)}/contacts`,
      body: { contacts },
      headers: { 'idempotency-key': options.idempotencyKey ?? crypto.randomUUID() },
    });
  }

  /** Holds every call not yet dialed; calls already connected finish. */
  pause(campaignId: string): Promise<Campaign> {
    return this.transport.request({ method: 'POST', path: `${campaignPath(campaignId)}/pause` });
  }

  /** Spreads the held calls again from now, inside the window and the pacing. */
  resume(campaignId: string): Promise<Campaign> {
    return this.transport.request({ method: 'POST', path: `${campaignPath(campaignId)}/resume` });
  }

  /** Ends every call not yet dialed `cancelled`. */
  cancel(campaignId: string): Promise<Campaign> {
    return this.transport.request({ method: 'POST', path: `${campaignPath(campaignId)}/cancel` });
  }
}

function campaignPath(campaignId: string): string {
  return `${BASE_PATH}/${pathSegment('campaignId', campaignId, 'cmp_01M8EHKFKGWDY2XBPKECRRF86P')}`;
}
