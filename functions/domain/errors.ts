/**
 * Errors the service means to report to the caller. Each kind maps to one HTTP status in
 * handlers/middleware/api-errors.ts; anything that is not a ServiceError is an internal error.
 */
export type ErrorKind =
  | 'invalid_request'
  | 'authentication_failed'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'unprocessable'
  | 'request_too_large'
  | 'unsupported_media_type'
  | 'uri_too_long'
  | 'rate_limited';

export class ServiceError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly param?: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export const invalidRequest = (code: string, message: string, param?: string) =>
  new ServiceError('invalid_request', code, message, param);

export const notFound = (code: string, message: string, param?: string) =>
  new ServiceError('not_found', code, message, param);

export const methodNotAllowed = (code: string, message: string) =>
  new ServiceError('method_not_allowed', code, message);

export const conflict = (code: string, message: string, param?: string) =>
  new ServiceError('conflict', code, message, param);

export const unprocessable = (code: string, message: string, param?: string) =>
  new ServiceError('unprocessable', code, message, param);

export const requestTooLarge = (code: string, message: string) => new ServiceError('request_too_large', code, message);

export const unsupportedMediaType = (code: string, message: string, param?: string) =>
  new ServiceError('unsupported_media_type', code, message, param);

export const uriTooLong = (code: string, message: string) => new ServiceError('uri_too_long', code, message);

export const authenticationFailed = (code: string, message: string) =>
  new ServiceError('authentication_failed', code, message);

/**
 * A write the store did not answer, even when sent once more: it may have landed. The API
 * answers it as a 500 `internal` with code `outcome_unknown` and this message (what may have
 * changed, and how to find out), never `internal_error`, whose promise is that nothing changed
 * (docs/api.md). `failures` are the sends' errors, for the log only.
 */
export class OutcomeUnknownError extends Error {
  readonly code = 'outcome_unknown';
  constructor(
    message: string,
    readonly failures: unknown[],
  ) {
    super(message);
    this.name = 'OutcomeUnknownError';
  }

  /** The same failures, with a message that names what may have been written and how to find out. */
  about(message: string): OutcomeUnknownError {
    return new OutcomeUnknownError(message, this.failures);
  }
}

/** What an API caller is told of a write whose outcome is unknown, when nothing more precise is said. */
export const CHANGE_MAY_HAVE_BEEN_MADE =
  'What this request changes may have been changed: the database stopped answering while it was being written. Read it before sending the request again.';

/** A conditional write lost: the item changed since it was read. Internal; use cases decide what it means. */
export class ConcurrentModificationError extends Error {
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} ${id} changed while it was being updated`);
    this.name = 'ConcurrentModificationError';
  }
}

/** The account already has as many calls in flight as its concurrent-call limit allows. */
export class SlotUnavailableError extends Error {
  constructor(readonly accountId: string) {
    super(`Account ${accountId} has no free telephony slot`);
    this.name = 'SlotUnavailableError';
  }
}

/**
 * The number is on the account's suppression list: a write that would let a call to it be dialed
 * (its create to be dialed, its dial gate) was refused, and nothing was written.
 */
export class NumberSuppressedError extends Error {
  constructor(readonly accountId: string) {
    super(`The number is on account ${accountId}'s suppression list`);
    this.name = 'NumberSuppressedError';
  }
}
