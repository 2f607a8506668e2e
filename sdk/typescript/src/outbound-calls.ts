import { paginate, pathSegment } from './pagination.js';
import type { Transport } from './transport.js';
import type { Call, CreateCallParams, ListCallsParams, UpdateCallParams } from './types.js';

const BASE_PATH = '/api/v1/outbound-calls';

export interface CreateCallOptions {
  /**
   * Makes the create safe to repeat: the API creates one call per key (kept 24 hours). By default
   * each create() gets a random key, which its own retries reuse.
   */
  idempotencyKey?: string;
}

/** `client.outboundCalls`: POST/GET/PATCH /api/v1/outbound-calls and its sub-resources. */
export class OutboundCalls {
  constructor(private readonly transport: Transport) {}

  /** Places a call now, or schedules it for `scheduledFor`. */
  create(params: CreateCallParams, options: CreateCallOptions = {}): Promise<Call> {
    // One key per logical create, reused by every retry, so a retry can never place a second call.
    const idempotencyKey = options.idempotencyKey ?? crypto.randomUUID();
    return this.transport.request<Call>({
      method: 'POST',
      path: BASE_PATH,
      body: params,
      headers: { 'idempotency-key': idempotencyKey },
    });
  }

  get(callId: string): Promise<Call> {
    return this.transport.request<Call>({ method: 'GET', path: callPath(callId) });
  }

  /**
   * Changes a call that is still `scheduled`: move it (`scheduledFor`), or change its `metadata`,
   * `overrideFirstMessage`, `maxRetries` or `retryDelayMinutes`. Any other status is a ConflictError.
   */
  update(callId: string, params: UpdateCallParams): Promise<Call> {
    return this.transport.request<Call>({ method: 'PATCH', path: callPath(callId), body: params });
  }

  /**
   * Every call matching the filters, newest first, fetched a page at a time as the loop goes:
   * `for await (const call of client.outboundCalls.list({ status: 'completed' })) …`.
   */
  list(params: ListCallsParams = {}): AsyncGenerator<Call, void, undefined> {
    return paginate<Call>(this.transport, BASE_PATH, { ...params });
  }

  /** Cancels a `scheduled` or `queued` call; any other status is a ConflictError. */
  cancel(callId: string): Promise<Call> {
    return this.transport.request<Call>({ method: 'POST', path: `${callPath(callId)}/cancel` });
  }
}

function callPath(callId: string): string {
  return `${BASE_PATH}/${pathSegment('callId', callId, 'obc_01HXMN8ZABC123')}`;
}
