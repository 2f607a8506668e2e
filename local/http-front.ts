import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
  Context,
} from 'aws-lambda';
import type { ApiRoute } from '../functions/handlers/routes.ts';
import { lambdaContext } from './lambda-context.ts';
import { loggedFailure } from '../functions/handlers/batch-failures.ts';

type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
type Authorizer = (
  event: APIGatewayRequestAuthorizerEventV2,
  context: Context,
) => Promise<APIGatewaySimpleAuthorizerWithContextResult<Record<string, unknown>>>;

export interface HttpFrontOptions {
  routes: ReadonlyArray<ApiRoute & { invoke: HttpHandler }>;
  defaultRoute: HttpHandler;
  authorizer: Authorizer;
  /** Most a request body may be: API Gateway's 10 MB by default (the handlers' own limit is far lower). */
  maxBodyBytes?: number;
}

/**
 * How long an idle keep-alive connection stays open. Node's default (5 s) is about as long as
 * clients keep an idle pooled connection (fetch's is 4 s), so a request sent just as the server
 * closes the socket fails with `socket hang up`. Like API Gateway, the front keeps idle
 * connections far longer than clients do, so the client always gives up on a connection first;
 * the headers timeout is longer still, as Node requires for a kept-alive socket's next request.
 */
export const KEEP_ALIVE = { idleMs: 65_000, headersMs: 66_000 } as const;

/**
 * Plays API Gateway's HTTP API on this machine: matches a route, runs the Lambda authorizer,
 * and invokes the route's handler with a payload-2.0 event, exactly as the deployed API does.
 */
export function createHttpFront(options: HttpFrontOptions): Server {
  const compiled = options.routes.map((route) => ({ route, ...compilePath(route.path) }));
  // Long URLs must reach the handlers, which answer 414 in the service's shape, rather than be cut
  // off by Node's 16 KB default for the request line and headers.
  const server = createServer({ maxHeaderSize: 65_536 }, (request, response) => {
    handle(request, response).catch((error: unknown) => {
      console.error('Local HTTP front failed to handle a request', loggedFailure(error));
      send(response, { statusCode: 500, body: JSON.stringify({ message: 'Internal Server Error' }) });
    });
  });
  server.keepAliveTimeout = KEEP_ALIVE.idleMs;
  server.headersTimeout = KEEP_ALIVE.headersMs;
  return server;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // The request target is a path: `//x` is a path here, not a protocol-relative URL naming host x.
    const target = request.url?.startsWith('/') ? request.url : '/';
    const url = new URL(`http://localhost${target}`);
    const method = request.method ?? 'GET';
    const body = await readBody(request, options.maxBodyBytes ?? 10_485_760);
    if (body === null) {
      // API Gateway's own answer to a payload over its quota.
      send(response, { statusCode: 413, body: JSON.stringify({ message: 'Request Entity Too Large' }) });
      return;
    }
    const match = compiled
      .filter((candidate) => candidate.route.method === method)
      .map((candidate) => ({ candidate, params: candidate.match(url.pathname) }))
      .find((found) => found.params !== null);
    const routeKey = match ? `${method} ${match.candidate.route.path}` : '$default';
    const event = toEvent(request, url, body, routeKey, match?.params ?? undefined);

    if (match?.candidate.route.authorized) {
      // Like API Gateway with an identity source: no Authorization header, no authorizer call.
      if (!event.headers.authorization) {
        send(response, { statusCode: 401, body: JSON.stringify({ message: 'Unauthorized' }) });
        return;
      }
      const decision = await options.authorizer(toAuthorizerEvent(event), lambdaContext('authorizer'));
      if (!decision.isAuthorized) {
        send(response, { statusCode: 403, body: JSON.stringify({ message: 'Forbidden' }) });
        return;
      }
      (event.requestContext as unknown as { authorizer: unknown }).authorizer = { lambda: decision.context };
    }
    const handler = match ? match.candidate.route.invoke : options.defaultRoute;
    send(response, await handler(event, lambdaContext(match?.candidate.route.handler ?? 'route-not-found')));
  }
}

function compilePath(path: string): { match: (pathname: string) => Record<string, string> | null } {
  const names: string[] = [];
  const pattern = path.replace(/\{(\w+)(\+?)\}/g, (_whole, name: string, greedy: string) => {
    names.push(name);
    return greedy ? '(.+)' : '([^/]+)';
  });
  const regex = new RegExp(`^${pattern}/?$`);
  return {
    match(pathname) {
      const found = regex.exec(pathname);
      if (!found) return null;
      try {
        return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(found[i + 1] ?? '')]));
      } catch {
        // A malformed percent-escape (`%E0%A4%A`) names no resource: the request falls to $default.
        return null;
      }
    },
  };
}

/**
 * The request body, or null when it is over `limit` bytes. An oversized body is still read to its
 * end (and dropped), so that the client gets the 413 instead of a reset connection.
 */
async function readBody(request: IncomingMessage, limit: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return size > limit ? null : Buffer.concat(chunks).toString('utf8');
}

/**
 * Sets `name` as an own, enumerable property, as JSON.parse of API Gateway's event would: a plain
 * assignment of `__proto__` would set the object's prototype and the name would vanish.
 */
function setOwn(target: Record<string, string>, name: string, value: string): void {
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
}

function toEvent(
  request: IncomingMessage,
  url: URL,
  body: string,
  routeKey: string,
  pathParameters: Record<string, string> | undefined,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) setOwn(headers, name.toLowerCase(), Array.isArray(value) ? value.join(',') : value);
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    setOwn(query, name, Object.hasOwn(query, name) ? `${query[name]},${value}` : value);
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(pathParameters && Object.keys(pathParameters).length ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body ? { body } : {}),
    isBase64Encoded: false,
  };
}

function toAuthorizerEvent(event: APIGatewayProxyEventV2): APIGatewayRequestAuthorizerEventV2 {
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:us-east-1:000000000000:local/$default/${event.routeKey.replace(' ', '')}`,
    identitySource: [event.headers.authorization ?? ''],
    routeKey: event.routeKey,
    rawPath: event.rawPath,
    rawQueryString: event.rawQueryString,
    headers: event.headers as Record<string, string>,
    queryStringParameters: event.queryStringParameters as Record<string, string>,
    pathParameters: event.pathParameters as Record<string, string>,
    requestContext: event.requestContext,
  } as APIGatewayRequestAuthorizerEventV2;
}

function send(response: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const body = result.isBase64Encoded && result.body ? Buffer.from(result.body, 'base64') : (result.body ?? '');
  response.writeHead(result.statusCode ?? 200, {
    'content-type': 'application/json',
    ...Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)])),
  });
  response.end(body);
}
