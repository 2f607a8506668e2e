export { Voisnap, DEFAULT_BASE_URL, type VoisnapOptions } from './client.js';
export { OutboundCalls, type CreateCallOptions } from './outbound-calls.js';
export {
  VoisnapError,
  InvalidRequestError,
  AuthenticationError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
  APIConnectionError,
  APITimeoutError,
  type ErrorDetails,
} from './errors.js';
export type {
  Call,
  CallAttempt,
  CallList,
  CallStatus,
  CreateCallParams,
  EndReason,
  ErrorBody,
  ErrorType,
  ListCallsParams,
} from './types.js';
