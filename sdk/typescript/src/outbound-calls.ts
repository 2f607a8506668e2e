import type { Transport } from './transport.js';
import type { Call, CallList, CreateCallParams, ListCallsParams } from './types.js';

const BASE_PATH = '/api/v1/outbound-calls';

export interface CreateCallOptions {
  /**
   * Makes the create safe to repeat: the API creates one call per key (kept 24 hours). By default
   * each create() gets a random key, which its own retries reuse.
   */
  idempotencyKey?: string;
}

/** `client.outboundCalls`: POST/GET /api/v1/outbound-calls and its sub-resources. */
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
   * Every call matching the filters, newest first, fetched a page at a time as the loop goes:
   * `for await (const call of client.outboundCalls.list({ status: 'completed' })) …`.
   */
  async *list(params: ListCallsParams = {}): AsyncGenerator<Call, void, undefined> {
    let query: Record<string, string | number | undefined> = { ...params };
    for (;;) {
      const page = await this.transport.request<CallList>({ method: 'GET', path: BASE_PATH, query });
      yield* page.data;
      if (page.nextCursor === null) return;
      // The cursor carries the next page number along with the filters, so `page` is left out.
      query = { ...params, page: undefined, cursor: page.nextCursor };
    }
  }

  /** Cancels a `scheduled` or `queued` call; any other status is a ConflictError. */
  cancel(callId: string): Promise<Call> {
    return this.transport.request<Call>({ method: 'POST', path: `${callPath(callId)}/cancel` });
  }
}

function callPath(callId: string): string {
  if (typeof callId !== 'string' || callId === '')
    throw new TypeError('callId must be a non-empty string, such as "obc_01HXMN8ZABC123".');
  return `${BASE_PATH}/${encodeURIComponent(callId)}`;
}
