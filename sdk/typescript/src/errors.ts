import type { ErrorType } from './types.js';

export interface ErrorDetails {
  /** The HTTP status; undefined when no response arrived. */
  status?: number;
  type?: ErrorType;
  code?: string;
  param?: string;
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

  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.type = details.type;
    this.code = details.code;
    this.param = details.param;
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
/** 404: no such call in this account. */
export class NotFoundError extends VoisnapError {
  override name = 'NotFoundError';
}
/** 409: the call is past the point where it can be cancelled. */
export class ConflictError extends VoisnapError {
  override name = 'ConflictError';
}
/** 422: the Idempotency-Key was already used with another request body. */
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
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/**
 * The error for a response that is not a success. Most carry the service's error shape; API
 * Gateway answers some requests itself (no Authorization header, throttling) with `{ message }`.
 */
export function errorFromResponse(status: number, body: unknown, text: string): VoisnapError {
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
  const ErrorClass = BY_STATUS[status] ?? (status >= 500 ? InternalServerError : VoisnapError);
  return new ErrorClass(message, {
    status,
    type: typeof error?.type === 'string' ? (error.type as ErrorType) : undefined,
    code: typeof error?.code === 'string' ? error.code : undefined,
    param: typeof error?.param === 'string' ? error.param : undefined,
  });
}
