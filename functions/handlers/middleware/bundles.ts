import middy, { type MiddlewareObj } from '@middy/core';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  APIGatewayRequestAuthorizerEventV2,
  Context,
  DynamoDBBatchResponse,
  DynamoDBStreamEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { traceInvocation } from '../tracing.ts';
import { httpBody } from './http-body.ts';
import { logContext } from './log-context.ts';
import { requestId } from './request-id.ts';
import { unhandledErrors } from './unhandled-errors.ts';

/*
 * One middleware bundle per kind of trigger (the API's is apiHandler, in ../http/api-handler.ts).
 * Each entry point is one of them around its handler, so every invocation, whatever invoked it,
 * logs with its own Lambda context and logs an error nothing caught in one place. Each function's
 * environment is parsed once, when its module is first imported (cold start): the composition
 * roots and the entry points build their adapters from it there, and a missing variable fails
 * the start rather than the first request; parsing it again per invocation would only repeat that.
 */

type Handler<E, R> = (event: E, context: Context) => Promise<R>;

/** An entry point as the Lambda runtime, the local stack and the tests call it (the tests without a context). */
export type EntryPoint<E, R> = (event: E, context?: Context) => Promise<R>;

function triggerHandler<E, R>(
  trigger: string,
  handler: Handler<E, R>,
  ...more: MiddlewareObj<E, R>[]
): EntryPoint<E, R> {
  const bundled = middy<E, R, Error, Context>()
    .use(logContext())
    .use(more)
    .use(unhandledErrors(trigger))
    // Innermost, so its onError runs first and closes the invocation's trace subsegment.
    .use(traceInvocation<E, R>())
    .handler(handler);
  // Without a context, an empty one, as middy itself would give it.
  return (event, context) => bundled(event, context ?? ({} as Context));
}

/** An SQS event source's batch (sqs-batch.ts builds its consumers on this); `queue` names the queue. */
export const sqsBatchBundle = (queue: string, handler: Handler<SQSEvent, SQSBatchResponse>) =>
  triggerHandler(`${queue} queue`, handler);

/** A DynamoDB stream event source's batch. */
export const streamBatchHandler = (handler: Handler<DynamoDBStreamEvent, DynamoDBBatchResponse>) =>
  triggerHandler('table stream', handler);

/** An EventBridge schedule (the reconciler's; its event carries nothing the handler reads). */
export const scheduleHandler = (handler: Handler<unknown, void>) => triggerHandler('schedule', handler);

/** The API's Lambda authorizer (payload 2.0, simple responses). */
export const authorizerHandler = <R>(handler: Handler<APIGatewayRequestAuthorizerEventV2, R>) =>
  triggerHandler('authorizer', handler);

/** The telephony provider's webhooks: HTTP requests, bodies decoded before the handler reads them. */
export const telephonyWebhookHandler = (handler: Handler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>) =>
  triggerHandler(
    'telephony webhook',
    handler,
    requestId() as MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>,
    httpBody<APIGatewayProxyEventV2>(),
  );

/**
 * The carrier simulator's two kinds of event: an HTTP request to its Calls API (body decoded) and
 * the asynchronous invocation that runs one call's scenario (passed through as it is).
 */
export const simulatorHandler = <E extends object, R>(handler: Handler<E, R>) =>
  triggerHandler('carrier simulator', handler, requestId() as MiddlewareObj<E, R>, httpBody<E>());
