import type { MiddlewareObj } from '@middy/core';
import { ConcurrentModificationError, OutcomeUnknownError, ServiceError } from '#domain/errors';
import { type ApiResult, type ErrorBody, errorResponse, json } from '../http/responses.ts';
import { describeFailure, loggedFailure } from '../batch-failures.ts';
import { logger } from '../logger.ts';

const CONCURRENT_UPDATE = new ServiceError(
  'conflict',
  'concurrent_update',
  'What this request changes was changed by another request at the same moment; retry the request.',
);

const INTERNAL_ERROR: ErrorBody = {
  error: {
    type: 'internal',
    code: 'internal_error',
    message:
      'Something went wrong on our side. Retry the request; if it keeps failing, contact support with the time of the request.',
  },
};

/**
 * Every error an API route throws leaves in the service's one error shape (ErrorBody): a
 * ServiceError as its kind's status (HTTP_STATUS), a write that lost a race as a 409
 * `concurrent_update`, a write whose outcome is unknown as a 500 `outcome_unknown` with its
 * message (OutcomeUnknownError), anything else as a plain 500 that says nothing internal (the
 * error is logged, with the route). The event only needs a route key.
 */
export function apiErrors<E extends { routeKey?: string }>(): MiddlewareObj<E, ApiResult> {
  return {
    onError: (request) => {
      const { error } = request;
      if (error instanceof ServiceError) request.response = errorResponse(error);
      else if (error instanceof ConcurrentModificationError) request.response = errorResponse(CONCURRENT_UPDATE);
      else if (error instanceof OutcomeUnknownError) {
        logger.error('A write’s outcome is unknown', {
          ...loggedFailure(error.failures[0]),
          failures: error.failures.map(describeFailure),
          route: request.event.routeKey,
        });
        request.response = json(500, { error: { type: 'internal', code: error.code, message: error.message } });
      } else {
        logger.error('Unhandled error', { ...loggedFailure(error), route: request.event.routeKey });
        request.response = json(500, INTERNAL_ERROR);
      }
    },
  };
}
