import type { components, operations } from './generated/api.js';

/** An outbound call, as every operation returns it. */
export type Call = components['schemas']['Call'];
/** One dial attempt of a call. */
export type CallAttempt = components['schemas']['CallAttempt'];
export type CallStatus = components['schemas']['CallStatus'];
export type EndReason = components['schemas']['EndReason'];
/** The body of `outboundCalls.create()`. */
export type CreateCallParams = components['schemas']['CreateCallRequest'];
/** Filters of `outboundCalls.list()`; the iterator follows the pages' cursors itself. */
export type ListCallsParams = Omit<NonNullable<operations['listCalls']['parameters']['query']>, 'cursor'>;
/** One page of calls, as GET /api/v1/outbound-calls answers. */
export type CallList = components['schemas']['CallList'];
/** The service's error shape. */
export type ErrorBody = components['schemas']['Error'];
export type ErrorType = ErrorBody['error']['type'];
