import { paginate, pathSegment } from './pagination.js';
import type { Transport } from './transport.js';
import type { AddSuppressionParams, ListSuppressionsParams, Suppression } from './types.js';

const BASE_PATH = '/api/v1/suppressions';

/** `client.suppressions`: numbers the account never calls (/api/v1/suppressions). */
export class Suppressions {
  constructor(private readonly transport: Transport) {}

  /** Suppresses a number (E.164); adding one already there changes nothing. */
  add(params: AddSuppressionParams): Promise<Suppression> {
    return this.transport.request({ method: 'POST', path: BASE_PATH, body: params });
  }

  /** Every suppressed number, a page at a time as the loop goes. */
  list(params: ListSuppressionsParams = {}): AsyncGenerator<Suppression, void, undefined> {
    return paginate<Suppression>(this.transport, BASE_PATH, { ...params });
  }

  /** Calls to the number are allowed again. */
  remove(phoneNumber: string): Promise<void> {
    return this.transport.request({
      method: 'DELETE',
      path: `${BASE_PATH}/${pathSegment('phoneNumber', phoneNumber, '+14155550199')}`,
    });
  }
}
