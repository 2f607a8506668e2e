import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { notFound } from '#domain/errors';
import { errorResponse } from './http/api-handler.ts';

/** The HTTP API's $default route: a request for a path or method the API does not have. */
export const handler = async (event: APIGatewayProxyEventV2) =>
  errorResponse(
    notFound(
      'route_not_found',
      `No route ${event.requestContext.http.method} ${event.rawPath}. See docs/api.md for the API's routes.`,
    ),
  );
