import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** Set by the tampering proxy once the server behind it has answered this request. */
  forwarded?: boolean;
}

/** What the server does with the n-th request: answer, drop the connection, or never answer. */
export type Reply =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | 'drop-connection'
  | 'never-answer';

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** An HTTP server that plays a script of replies, one per request (the last one repeats), and records what it got. */
export async function startFakeServer(
  script: Reply[] | ((request: RecordedRequest, index: number) => Reply),
): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const replyFor = (request: RecordedRequest, index: number): Reply =>
    typeof script === 'function' ? script(request, index) : (script[Math.min(index, script.length - 1)] as Reply);
  const server = createServer(async (request, response) => {
    const recorded = await record(request);
    requests.push(recorded);
    const reply = replyFor(recorded, requests.length - 1);
    if (reply === 'never-answer') return;
    if (reply === 'drop-connection') {
      request.socket.destroy();
      return;
    }
    response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    response.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
  });
  return { url: await listen(server), requests, close: () => close(server) };
}

/** What the proxy does with a request: pass it on, or hold it back (never answer, never forward). */
export type ProxyAction = 'forward' | 'hold' | 'respond-503' | 'drop-connection' | 'never-answer';

/**
 * A proxy in front of a real API. It forwards a request, then `tamper` may replace what the client
 * gets back: a lost response after the server did the work ('respond-503', 'drop-connection',
 * 'never-answer'). 'hold' keeps the request from the server, unanswered. `delayMs` slows every answer.
 */
export async function startTamperingProxy(
  target: string,
  tamper: (request: RecordedRequest, index: number) => ProxyAction,
  options: { delayMs?: number } = {},
): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (request, response) => {
    const recorded = await record(request);
    requests.push(recorded);
    const action = tamper(recorded, requests.length - 1);
    if (action === 'hold') return;
    const upstream = await forward(target, recorded);
    recorded.forwarded = true;
    if (action === 'never-answer') return;
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    if (action === 'drop-connection') {
      request.socket.destroy();
      return;
    }
    if (action === 'respond-503') {
      response.writeHead(503, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: 'Service Unavailable' }));
      return;
    }
    response.writeHead(upstream.status, upstream.headers);
    response.end(upstream.body);
  });
  return { url: await listen(server), requests, close: () => close(server) };
}

async function forward(
  target: string,
  request: RecordedRequest,
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const { host: _host, 'content-length': _length, ...headers } = request.headers;
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      `${target}${request.url}`,
      { method: request.method, headers },
      async (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        for await (const chunk of response) chunks.push(chunk as Buffer);
        const passed: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers)) {
          if (
            typeof value === 'string' &&
            !['content-length', 'connection', 'keep-alive', 'transfer-encoding'].includes(name)
          )
            passed[name] = value;
        }
        resolve({ status: response.statusCode ?? 502, headers: passed, body: Buffer.concat(chunks).toString('utf8') });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

async function record(request: IncomingMessage): Promise<RecordedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return {
    method: request.method ?? '',
    url: request.url ?? '',
    headers: request.headers,
    body: Buffer.concat(chunks).toString('utf8'),
  };
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
