import { Campaigns } from './campaigns.js';
import { OutboundCalls } from './outbound-calls.js';
import { Suppressions } from './suppressions.js';
import { Transport } from './transport.js';
import { Webhooks } from './webhooks.js';

export interface VoisnapOptions {
  /** `vsnp_live_…`, or `vsnp_test_…` for calls that only reach the carrier simulator. */
  apiKey: string;
  /** Default `https://api.voisnap.ai`; `http://localhost:3000` for the local stack. */
  baseUrl?: string;
  /** How long one attempt may wait for its response. Default 30 000. */
  timeoutMs?: number;
  /**
   * Retries after a 429, a 5xx, a network error or a timeout, with exponential backoff, or after
   * the wait the answer's `Retry-After` asks (up to a minute). Default 2.
   */
  maxRetries?: number;
}

export const DEFAULT_BASE_URL = 'https://api.voisnap.ai';

/** The Voisnap API client: `new Voisnap({ apiKey })`. */
export class Voisnap {
  readonly outboundCalls: OutboundCalls;
  readonly campaigns: Campaigns;
  readonly suppressions: Suppressions;
  readonly webhooks: Webhooks;

  constructor(options: VoisnapOptions) {
    if (!options?.apiKey) throw new TypeError('apiKey is required: new Voisnap({ apiKey: "vsnp_live_…" }).');
    const transport = new Transport({
      apiKey: options.apiKey,
      baseUrl: options.baseUrl ?? DEFAULT_BASE_URL,
      timeoutMs: options.timeoutMs ?? 30_000,
      maxRetries: options.maxRetries ?? 2,
    });
    this.outboundCalls = new OutboundCalls(transport);
    this.campaigns = new Campaigns(transport);
    this.suppressions = new Suppressions(transport);
    this.webhooks = new Webhooks(transport);
  }
}
