import { paginate, pathSegment } from './pagination.js';
import type { Transport } from './transport.js';
import type {
  CreatedWebhook,
  CreateWebhookParams,
  DeliveryAttempt,
  ListDeliveriesParams,
  Redelivery,
  RotatedWebhookSecret,
  UpdateWebhookParams,
  WebhookEndpoint,
  WebhookList,
} from './types.js';

const BASE_PATH = '/api/v1/webhooks';

/** `client.webhooks`: the account's webhook endpoints (/api/v1/webhooks). Verify deliveries with `verifyWebhook`. */
export class Webhooks {
  constructor(private readonly transport: Transport) {}

  /** Registers an endpoint; the answer carries its signing `secret`, shown only here. */
  create(params: CreateWebhookParams): Promise<CreatedWebhook> {
    return this.transport.request({ method: 'POST', path: BASE_PATH, body: params });
  }

  /** Every endpoint of the account (at most 20). */
  list(): Promise<WebhookList> {
    return this.transport.request({ method: 'GET', path: BASE_PATH });
  }

  get(webhookId: string): Promise<WebhookEndpoint> {
    return this.transport.request({ method: 'GET', path: endpointPath(webhookId) });
  }

  /** Changes an endpoint; `{ enabled: true }` resumes one the service disabled. */
  update(webhookId: string, params: UpdateWebhookParams): Promise<WebhookEndpoint> {
    return this.transport.request({ method: 'PATCH', path: endpointPath(webhookId), body: params });
  }

  delete(webhookId: string): Promise<void> {
    return this.transport.request({ method: 'DELETE', path: endpointPath(webhookId) });
  }

  /** A new secret (shown only here); the previous one keeps signing beside it until `previousSecretExpiresAt`. */
  rotateSecret(webhookId: string): Promise<RotatedWebhookSecret> {
    return this.transport.request({ method: 'POST', path: `${endpointPath(webhookId)}/rotate-secret` });
  }

  /** Every delivery attempt to the endpoint, newest first, a page at a time as the loop goes. */
  deliveries(webhookId: string, params: ListDeliveriesParams = {}): AsyncGenerator<DeliveryAttempt, void, undefined> {
    return paginate<DeliveryAttempt>(this.transport, `${endpointPath(webhookId)}/deliveries`, { ...params });
  }

  /** Sends an event (kept 30 days) to the endpoint again. */
  redeliver(webhookId: string, eventId: string): Promise<Redelivery> {
    return this.transport.request({
      method: 'POST',
      path: `${endpointPath(webhookId)}/events/${pathSegment('eventId', eventId, 'evt_01M8EHKFKGWDY2XBPKECRRF86P')}/redeliver`,
    });
  }
}

function endpointPath(webhookId: string): string {
  return `${BASE_PATH}/${pathSegment('webhookId', webhookId, 'whk_01M8EHKFKGWDY2XBPKECRRF86P')}`;
}
