import type { ErrorType } from './types.js';

export interface ErrorDetails {
  /** The HTTP status; undefined when no response arrived. */
  status?: number;
  type?: ErrorType;
  code?: string;
  param?: string;
  /** The service's id of the request (its `Request-Id` header, or `requestId` in the error body). */
  requestId?: string;
  /** The wait the service asked for in `Retry-After`, in milliseconds; undefined when it asked none. */
  retryAfterMs?: number;
  cause?: unknown;
}

/** Every error the SDK throws. `code`, `message` and `param` are the API's own. */
export class VoisnapError extends Error {
  override name = 'VoisnapError';
  readonly status: number | undefined;
  /** The kind of error, such as `invalid_request`; each kind has one HTTP status. */
  readonly type: ErrorType | undefined;
  /** What exactly went wrong, such as `invalid_phone_number`. */
  readonly code: string | undefined;
  /** The field, query parameter or header at fault, such as `toNumber`. */
  readonly param: string | undefined;
  /**
   * The service's id of the failed request, such as `req_01J…`: quote it to support, who find its
   * logs by it. Undefined when no response arrived, or the answer carried none.
   */
  readonly requestId: string | undefined;
  /** How long the service asked to wait before trying again (`Retry-After`), in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.type = details.type;
    this.code = details.code;
    this.param = details.param;
    this.requestId = details.requestId;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** 400: the request is invalid; `param` names the field. */
export class InvalidRequestError extends VoisnapError {
  override name = 'InvalidRequestError';
}
/** 401: the API key is missing, malformed, unknown or revoked. */
export class AuthenticationError extends VoisnapError {
  override name = 'AuthenticationError';
}
/** 404: no such call, campaign, suppression or webhook endpoint in this account. */
export class NotFoundError extends VoisnapError {
  override name = 'NotFoundError';
}
/** 405: the path exists but does not take this method. */
export class MethodNotAllowedError extends VoisnapError {
  override name = 'MethodNotAllowedError';
}
/** 409: the resource is past the point where this change applies (a call no longer scheduled, …). */
export class ConflictError extends VoisnapError {
  override name = 'ConflictError';
}
/** 422: understood but refused, such as an Idempotency-Key already used with another body. */
export class UnprocessableEntityError extends VoisnapError {
  override name = 'UnprocessableEntityError';
}
/** 429: too many requests, still after the SDK's retries. */
export class RateLimitError extends VoisnapError {
  override name = 'RateLimitError';
}
/** 5xx: the service failed, still after the SDK's retries. */
export class InternalServerError extends VoisnapError {
  override name = 'InternalServerError';
}
/** No response arrived (the network failed), still after the SDK's retries. */
export class APIConnectionError extends VoisnapError {
  override name = 'APIConnectionError';
}
/** No response arrived within `timeoutMs`, still after the SDK's retries. */
export class APITimeoutError extends APIConnectionError {
  override name = 'APITimeoutError';
}

const BY_STATUS: Record<number, typeof VoisnapError> = {
  400: InvalidRequestError,
  401: AuthenticationError,
  404: NotFoundError,
  405: MethodNotAllowedError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/** What of a response's headers an error carries. */
export interface ResponseHeaders {
  get(name: string): string | null;
}

/**
 * The error for a response that is not a success. Most carry the service's error shape; API
 * Gateway answers some requests itself (no Authorization header, throttling) with `{ message }`.
 * `requestId` comes from the `Request-Id` header, else from the body (`error.requestId` or
 * `requestId`); `retryAfterMs` from `Retry-After` (seconds, or an HTTP date; RFC 9110 §10.2.3).
 */
export function errorFromResponse(
  status: number,
  body: unknown,
  text: string,
  headers?: ResponseHeaders,
  now: number = Date.now(),
): VoisnapError {
  const error = (body as { error?: Record<string, unknown> } | undefined)?.error;
  const gatewayMessage = (body as { message?: unknown } | undefined)?.message;
  const message =
    typeof error?.message === 'string'
      ? error.message
      : typeof gatewayMessage === 'string'
        ? gatewayMessage
        : text.trim() !== ''
          ? text.trim().slice(0, 500)
          : `HTTP ${status}`;
  const bodyRequestId = error?.requestId ?? (body as { requestId?: unknown } | undefined)?.requestId;
  const ErrorClass = BY_STATUS[status] ?? (status >= 500 ? InternalServerError : VoisnapError);
  return new ErrorClass(message, {
    status,
    type: typeof error?.type === 'string' ? (error.type as ErrorType) : undefined,
    code: typeof error?.code === 'string' ? error.code : undefined,
    param: typeof error?.param === 'string' ? error.param : undefined,
    requestId: headers?.get('request-id') || (typeof bodyRequestId === 'string' ? bodyRequestId : undefined),
    retryAfterMs: retryAfterMs(headers?.get('retry-after') ?? null, now),
  });
}

/** `Retry-After` in milliseconds from `now`: delay-seconds or an HTTP-date; undefined if absent or unreadable. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
