import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { methodNotAllowed, notFound } from '#domain/errors';
import { errorResponse } from './http/responses.ts';
import { requestIdOf, withRequestId } from './http/request-id.ts';
import { API_ROUTES } from './routes.ts';

/** A route path as a pattern: `{name}` is one path segment, `{name+}` the rest of the path. */
function pathPattern(path: string): RegExp {
  const segments = path.split('/').map((segment) => {
    if (segment.endsWith('+}')) return '.+';
    if (segment.startsWith('{')) return '[^/]+';
    return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${segments.join('/')}/?$`);
}

const PATHS = [...new Set(API_ROUTES.map((route) => route.path))].map((path) => ({
  pattern: pathPattern(path),
  methods: API_ROUTES.filter((route) => route.path === path).map((route) => route.method),
}));

/** The methods the API answers at `path` (routes.ts), in the table's order; empty for an unknown path. */
export function allowedMethods(path: string): string[] {
  return [...new Set(PATHS.filter((known) => known.pattern.test(path)).flatMap((known) => known.methods))];
}

/**
 * The HTTP API's $default route: a request no route matches. A path the API has, asked with a
 * method it does not answer there, is a 405 with `Allow` (RFC 9110 §15.5.6); any other request a
 * 404, including one whose method the path does answer but that no route took (a path whose
 * percent-escapes do not decode, say): `Allow` must never list the method that was refused.
 * Both in the service's error shape, with the request's id. Kept free of the logger and middy: the
 * cheapest function to start, as anyone may call it.
 */
export const handler = async (event: APIGatewayProxyEventV2) => {
  const method = event.requestContext.http.method;
  const allowed = allowedMethods(event.rawPath);
  const response =
    allowed.length > 0 && !allowed.includes(method)
      ? errorResponse(
          methodNotAllowed(
            'method_not_allowed',
            `${event.rawPath} does not answer ${method}; it answers ${allowed.join(', ')}. See docs/api.md for the API's routes.`,
          ),
          { allow: allowed.join(', ') },
        )
      : errorResponse(
          notFound('route_not_found', `No route ${method} ${event.rawPath}. See docs/api.md for the API's routes.`),
        );
  return withRequestId(response, requestIdOf(event) ?? '');
};
